import { randomUUID } from "node:crypto";
import type { PipelineDocument, Plan } from "@attune/graph";
import { and, desc, eq } from "drizzle-orm";
import { DeploymentNotFoundError, SlugConflictError } from "./deployment-errors";
import { parseEndpointInterface, type EndpointInterface } from "./deployment-interface";
import type { AttuneDb } from "./open-database";
import { getPipeline } from "./repository";
import { deployments, deploymentVersions } from "./schema";

/** Slugs are URL path segments and appear in generated client code: lower-case kebab only. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 64;

export function isValidSlug(slug: string): boolean {
  return slug.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(slug);
}

/** "Angry Caller – Escalation!" -> "angry-caller-escalation"; never empty. */
export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX_LENGTH - 4)
    .replace(/-+$/g, "");
  return base || "pipeline";
}

/** What a publish needs from the host: the compiled plan and its interface, or a thrown error. */
export interface PublishBuild {
  plan: Plan;
  interface: EndpointInterface;
}

export interface PublishInput {
  pipelineId: string;
  /** Only honoured on the first publish; afterwards it must equal the existing slug. */
  slug?: string;
  /** Compiles the head document (the api passes compile() + describePlanInterface()); may throw. */
  build(document: PipelineDocument): PublishBuild;
}

export interface PublishResult {
  deploymentId: string;
  slug: string;
  version: number;
  pipelineVersion: number;
  createdAt: number;
}

export interface DeploymentVersionSummary {
  version: number;
  pipelineVersion: number;
  createdAt: number;
  live: boolean;
}

export interface DeploymentListing {
  slug: string;
  live: number | null;
  versions: DeploymentVersionSummary[];
}

export interface DeploymentDescription {
  deploymentId: string;
  slug: string;
  pipelineId: string;
  pipelineName: string;
  /** The live version, or null when the endpoint has none (cannot happen after a publish today). */
  live: number | null;
  /** The interface of the live version (or of `version` when asked for one). */
  version: number | null;
  interface: EndpointInterface;
}

const WRITE = { behavior: "immediate" } as const;

/**
 * Freezes the pipeline's current head as deployment version n+1 and makes it live, in one
 * immediate transaction: readers see the old live version until the commit and the new one after,
 * never a version row without its pointer or the reverse. The slug is chosen on the first publish
 * (derived from the pipeline name unless given, made unique) and never changes afterwards.
 */
export function publishPipeline(db: AttuneDb, input: PublishInput): PublishResult {
  if (input.slug !== undefined && !isValidSlug(input.slug)) {
    throw new SlugConflictError(input.slug, `'${input.slug}' is not a valid slug: use lower-case letters, digits and single '-' (at most ${SLUG_MAX_LENGTH})`);
  }
  return db.orm.transaction((tx) => {
    const pipeline = getPipeline(db, input.pipelineId);
    const built = input.build(pipeline.document);
    const now = Date.now();
    let deployment = tx.select().from(deployments).where(eq(deployments.pipelineId, input.pipelineId)).get();
    if (deployment && input.slug !== undefined && input.slug !== deployment.slug) {
      throw new SlugConflictError(input.slug, `this pipeline is published as '${deployment.slug}'; a published slug never changes`);
    }
    if (!deployment) {
      const slug = input.slug ?? uniqueSlug(db, slugify(pipeline.name));
      if (input.slug !== undefined && slugTaken(db, slug)) {
        throw new SlugConflictError(slug, `the slug '${slug}' is already used by another endpoint`);
      }
      deployment = { id: randomUUID(), slug, pipelineId: input.pipelineId, liveVersion: null, createdAt: now, updatedAt: now };
      tx.insert(deployments).values(deployment).run();
    }
    const last = tx
      .select({ version: deploymentVersions.version })
      .from(deploymentVersions)
      .where(eq(deploymentVersions.deploymentId, deployment.id))
      .orderBy(desc(deploymentVersions.version))
      .limit(1)
      .get();
    const version = (last?.version ?? 0) + 1;
    tx.insert(deploymentVersions)
      .values({
        deploymentId: deployment.id,
        version,
        pipelineVersion: pipeline.headVersion,
        document: JSON.stringify(pipeline.document),
        plan: JSON.stringify(built.plan),
        interface: JSON.stringify(built.interface),
        createdAt: now,
      })
      .run();
    tx.update(deployments).set({ liveVersion: version, updatedAt: now }).where(eq(deployments.id, deployment.id)).run();
    return { deploymentId: deployment.id, slug: deployment.slug, version, pipelineVersion: pipeline.headVersion, createdAt: now };
  }, WRITE);
}

function slugTaken(db: AttuneDb, slug: string): boolean {
  return db.orm.select({ id: deployments.id }).from(deployments).where(eq(deployments.slug, slug)).get() !== undefined;
}

function uniqueSlug(db: AttuneDb, base: string): string {
  if (!slugTaken(db, base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!slugTaken(db, candidate)) return candidate;
  }
}

/** The pipeline's endpoint and its versions (newest first), or null if it was never published. */
export function listDeploymentVersions(db: AttuneDb, pipelineId: string): DeploymentListing | null {
  const deployment = db.orm.select().from(deployments).where(eq(deployments.pipelineId, pipelineId)).get();
  if (!deployment) return null;
  const rows = db.orm
    .select({ version: deploymentVersions.version, pipelineVersion: deploymentVersions.pipelineVersion, createdAt: deploymentVersions.createdAt })
    .from(deploymentVersions)
    .where(eq(deploymentVersions.deploymentId, deployment.id))
    .orderBy(desc(deploymentVersions.version))
    .all();
  return {
    slug: deployment.slug,
    live: deployment.liveVersion,
    versions: rows.map((r) => ({ ...r, live: r.version === deployment.liveVersion })),
  };
}

/** Points the endpoint's live version at an existing version (rollback or roll forward). */
export function setLiveVersion(db: AttuneDb, input: { slug: string; version: number }): { slug: string; live: number } {
  return db.orm.transaction((tx) => {
    const deployment = tx.select().from(deployments).where(eq(deployments.slug, input.slug)).get();
    if (!deployment) throw new DeploymentNotFoundError(input.slug);
    const exists = tx
      .select({ version: deploymentVersions.version })
      .from(deploymentVersions)
      .where(and(eq(deploymentVersions.deploymentId, deployment.id), eq(deploymentVersions.version, input.version)))
      .get();
    if (!exists) throw new DeploymentNotFoundError(input.slug, input.version);
    tx.update(deployments).set({ liveVersion: input.version, updatedAt: Date.now() }).where(eq(deployments.id, deployment.id)).run();
    return { slug: deployment.slug, live: input.version };
  }, WRITE);
}

/** The endpoint's interface (live version by default) with the names the studio shows. */
export function describeDeployment(db: AttuneDb, slug: string, version?: number): DeploymentDescription {
  const deployment = db.orm.select().from(deployments).where(eq(deployments.slug, slug)).get();
  if (!deployment) throw new DeploymentNotFoundError(slug);
  const wanted = version ?? deployment.liveVersion;
  const pipeline = getPipeline(db, deployment.pipelineId);
  if (wanted === null) {
    return { deploymentId: deployment.id, slug, pipelineId: deployment.pipelineId, pipelineName: pipeline.name, live: null, version: null, interface: { inputs: [], outputs: [] } };
  }
  const row = db.orm
    .select({ interface: deploymentVersions.interface })
    .from(deploymentVersions)
    .where(and(eq(deploymentVersions.deploymentId, deployment.id), eq(deploymentVersions.version, wanted)))
    .get();
  if (!row) throw new DeploymentNotFoundError(slug, wanted);
  return {
    deploymentId: deployment.id,
    slug,
    pipelineId: deployment.pipelineId,
    pipelineName: pipeline.name,
    live: deployment.liveVersion,
    version: wanted,
    interface: parseEndpointInterface(row.interface),
  };
}

/** The public URL paths of an endpoint, relative to the runner's (or the studio's) origin. */
export function endpointPaths(slug: string): { run: string; versionRun: string; openapi: string } {
  return {
    run: `/v1/pipelines/${slug}/run`,
    versionRun: `/v1/pipelines/${slug}/versions/{version}/run`,
    openapi: `/v1/pipelines/${slug}/openapi.json`,
  };
}

export interface LiveDeployment {
  id: string;
  slug: string;
  pipelineId: string;
  liveVersion: number | null;
}

export interface StoredDeploymentVersion {
  deploymentId: string;
  version: number;
  pipelineVersion: number;
  plan: Plan;
  interface: EndpointInterface;
}

/**
 * Point lookups for the runner's request path. Raw prepared statements rather than the query
 * builder: they run on every API call, and building a drizzle query costs more than the lookup.
 */
export interface DeploymentReader {
  bySlug(slug: string): LiveDeployment | undefined;
  /** One immutable version with its plan parsed; undefined when it does not exist. */
  version(deploymentId: string, version: number): StoredDeploymentVersion | undefined;
}

export function createDeploymentReader(db: AttuneDb): DeploymentReader {
  const bySlug = db.sqlite.prepare<[string], { id: string; slug: string; pipelineId: string; liveVersion: number | null }>(
    "select id, slug, pipeline_id as pipelineId, live_version as liveVersion from deployments where slug = ?",
  );
  const byVersion = db.sqlite.prepare<[string, number], { pipelineVersion: number; plan: string; iface: string }>(
    "select pipeline_version as pipelineVersion, plan, interface as iface from deployment_versions where deployment_id = ? and version = ?",
  );
  return {
    bySlug: (slug) => bySlug.get(slug),
    version(deploymentId, version) {
      const row = byVersion.get(deploymentId, version);
      if (!row) return undefined;
      return { deploymentId, version, pipelineVersion: row.pipelineVersion, plan: JSON.parse(row.plan) as Plan, interface: parseEndpointInterface(row.iface) };
    },
  };
}

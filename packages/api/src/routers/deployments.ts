import {
  buildOpenApiDocument,
  DeploymentNotFoundError,
  describeDeployment,
  describePlanInterface,
  endpointPaths,
  isValidSlug,
  listDeploymentVersions,
  publishPipeline,
  PublishValidationError,
  setLiveVersion,
  SlugConflictError,
  SLUG_MAX_LENGTH,
} from "@attune/db";
import { compile } from "@attune/graph";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc";

const slug = z.string().max(SLUG_MAX_LENGTH).refine(isValidSlug, "use lower-case letters, digits and single '-'");
const version = z.number().int().positive();

/**
 * Compile issues travel in `error.data.problems` (the errorFormatter reads `issues` off the cause):
 * path is the node id the canvas should point at, message starts with the stable issue code.
 */
class PublishProblems extends Error {
  readonly issues: { path: string[]; message: string }[];
  constructor(error: PublishValidationError) {
    super(error.message);
    this.issues = error.issues.map((i) => ({ path: i.nodeId ? [i.nodeId] : [], message: `${i.code}: ${i.message}` }));
  }
}

/** Maps the deployment domain errors (which trpc.ts does not know) to tRPC codes. */
export function toTrpcError(error: unknown): unknown {
  if (error instanceof PublishValidationError) return new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: new PublishProblems(error) });
  if (error instanceof DeploymentNotFoundError) return new TRPCError({ code: "NOT_FOUND", message: error.message, cause: error });
  if (error instanceof SlugConflictError) return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  return error;
}

function mapped<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toTrpcError(error);
  }
}

/** Publishing, versions and rollback of a pipeline's REST endpoint (served by the runner under /v1/pipelines). */
export const deploymentsRouter = router({
  /** Freezes the pipeline's head version as deployment version n+1 and makes it live. */
  publish: procedure.input(z.object({ pipelineId: z.string().min(1).max(100), slug: slug.optional() })).mutation(({ ctx, input }) =>
    mapped(() => {
      const result = publishPipeline(ctx.db, {
        pipelineId: input.pipelineId,
        ...(input.slug !== undefined ? { slug: input.slug } : {}),
        build(document) {
          const compiled = compile(document, ctx.specs);
          if (!compiled.ok) throw new PublishValidationError(compiled.issues);
          return { plan: compiled.plan, interface: describePlanInterface(compiled.plan, ctx.specs) };
        },
      });
      return { slug: result.slug, version: result.version, pipelineVersion: result.pipelineVersion, createdAt: result.createdAt };
    }),
  ),

  /** The pipeline's endpoint with every version, newest first; null when never published. */
  list: procedure
    .input(z.object({ pipelineId: z.string().min(1).max(100) }))
    .query(({ ctx, input }) => listDeploymentVersions(ctx.db, input.pipelineId)),

  /** Makes an earlier (or later) version live again; in-flight calls finish on the version they started with. */
  rollback: procedure.input(z.object({ slug, version })).mutation(({ ctx, input }) => mapped(() => setLiveVersion(ctx.db, input))),

  /** What callers send and get back, for the Publish panel, snippets and the try-it form. */
  describe: procedure.input(z.object({ slug, version: version.optional() })).query(({ ctx, input }) =>
    mapped(() => {
      const d = describeDeployment(ctx.db, input.slug, input.version);
      return {
        slug: d.slug,
        pipelineId: d.pipelineId,
        pipelineName: d.pipelineName,
        live: d.live,
        version: d.version,
        inputs: d.interface.inputs.map(({ nodeId: _nodeId, ...i }) => i),
        outputs: d.interface.outputs.map(({ nodeId: _nodeId, ...o }) => o),
        paths: endpointPaths(d.slug),
      };
    }),
  ),

  /** The same OpenAPI 3.1 document the runner serves, with the caller-facing origin as server URL. */
  openapi: procedure.input(z.object({ slug, serverUrl: z.url() })).query(({ ctx, input }) =>
    mapped(() => {
      const d = describeDeployment(ctx.db, input.slug);
      if (d.live === null) throw new DeploymentNotFoundError(input.slug);
      return buildOpenApiDocument({ slug: d.slug, title: d.pipelineName, version: d.live, interface: d.interface, serverUrl: input.serverUrl });
    }),
  ),
});

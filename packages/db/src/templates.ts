import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  importPipeline,
  modalitiesOf,
  parseDocument,
  sampleSetSchema,
  type ImportProblem,
  type Modality,
  type PipelineDocument,
  type SampleSet,
  type SpecLookup,
} from "@attune/graph";
import { and, desc, eq, notInArray } from "drizzle-orm";
import { z } from "zod";
import { InvalidDocumentError } from "./errors";
import type { AttuneDb } from "./open-database";
import { templates } from "./schema";

/** A gallery template with its (frozen) document. Times are epoch ms. */
export interface Template {
  id: string;
  source: "builtin" | "user";
  /** The folder name under templates/ for built-ins; null for published ones. */
  slug: string | null;
  name: string;
  description: string;
  tags: string[];
  modalities: Modality[];
  document: PipelineDocument;
  samples: SampleSet[];
  readme: string | null;
  sourcePipelineId: string | null;
  sourceVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

export class TemplateNotFoundError extends Error {
  override readonly name = "TemplateNotFoundError";
  constructor(readonly templateId: string) {
    super(`template '${templateId}' does not exist`);
  }
}

/** Built-in templates come from the repository and cannot be deleted from the studio. */
export class BuiltinTemplateError extends Error {
  override readonly name = "BuiltinTemplateError";
  constructor(readonly templateId: string) {
    super(`template '${templateId}' is built in; it can be used or exported, not deleted`);
  }
}

const stringList = z.array(z.string());
const sampleList = z.array(sampleSetSchema);

function toTemplate(row: typeof templates.$inferSelect): Template {
  const parsed = parseDocument(JSON.parse(row.document));
  // Rows are written only after importPipeline() accepted them, so this is a corrupt database.
  if (!parsed.ok) throw new Error(`template '${row.id}' holds an invalid document: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  return {
    id: row.id,
    source: row.source,
    slug: row.slug,
    name: row.name,
    description: row.description,
    tags: stringList.parse(JSON.parse(row.tags)),
    modalities: stringList.parse(JSON.parse(row.modalities)) as Modality[],
    document: parsed.document,
    samples: row.samples ? sampleList.parse(JSON.parse(row.samples)) : [],
    readme: row.readme,
    sourcePipelineId: row.sourcePipelineId,
    sourceVersion: row.sourceVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface TemplateFilter {
  /** Case-insensitive words, all of which must appear in the name, description or tags. */
  query?: string;
  modality?: Modality;
}

/** Built-ins first (by name), then published templates, newest first. */
export function listTemplates(db: AttuneDb, filter: TemplateFilter = {}): Template[] {
  const rows = db.orm.select().from(templates).orderBy(templates.source, desc(templates.createdAt), templates.name).all();
  const words = (filter.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const all = rows.map(toTemplate).sort((a, b) => (a.source === b.source ? (a.source === "builtin" ? a.name.localeCompare(b.name) : b.createdAt - a.createdAt) : a.source === "builtin" ? -1 : 1));
  return all.filter((t) => {
    if (filter.modality && !t.modalities.includes(filter.modality)) return false;
    const haystack = `${t.name}\n${t.description}\n${t.tags.join(" ")}\n${t.slug ?? ""}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

export function getTemplate(db: AttuneDb, id: string): Template {
  const row = db.orm.select().from(templates).where(eq(templates.id, id)).get();
  if (!row) throw new TemplateNotFoundError(id);
  return toTemplate(row);
}

export interface PublishTemplateInput {
  name: string;
  description?: string;
  tags?: readonly string[];
  /** Already scrubbed of secrets and validated by the caller (the gallery router exports it first). */
  document: PipelineDocument;
  samples?: readonly SampleSet[];
  sourcePipelineId?: string;
  sourceVersion?: number;
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

function cleanTags(tags: readonly string[] = []): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].slice(0, 20);
}

/** Adds a user template to the gallery. */
export function publishTemplate(db: AttuneDb, input: PublishTemplateInput): Template {
  const parsed = parseDocument(input.document);
  if (!parsed.ok) throw new InvalidDocumentError(parsed.problems);
  const name = input.name.trim();
  if (!name) throw new TypeError("a template name must not be empty");
  const id = randomUUID();
  const now = Date.now();
  db.orm
    .insert(templates)
    .values({
      id,
      source: "user",
      slug: null,
      name,
      description: input.description ?? "",
      tags: JSON.stringify(cleanTags(input.tags)),
      modalities: JSON.stringify(modalitiesOf(parsed.document)),
      document: JSON.stringify(parsed.document),
      samples: input.samples && input.samples.length > 0 ? JSON.stringify(input.samples) : null,
      readme: null,
      sourcePipelineId: input.sourcePipelineId ?? null,
      sourceVersion: input.sourceVersion ?? null,
      contentHash: hashOf(parsed.document),
      createdAt: now,
      updatedAt: now,
    })
    .run();
  return getTemplate(db, id);
}

/** Deletes a published template; built-ins refuse (they come back from the folder anyway). */
export function deleteTemplate(db: AttuneDb, id: string): void {
  const row = db.orm.select({ source: templates.source }).from(templates).where(eq(templates.id, id)).get();
  if (!row) throw new TemplateNotFoundError(id);
  if (row.source === "builtin") throw new BuiltinTemplateError(id);
  db.orm.delete(templates).where(and(eq(templates.id, id), eq(templates.source, "user"))).run();
}

// ---- built-in templates from the repository's templates/ folder ------------------------------

/** One built-in template as read from its folder and accepted by importPipeline(). */
export interface BuiltinTemplate {
  slug: string;
  name: string;
  description: string;
  tags: string[];
  document: PipelineDocument;
  samples: SampleSet[];
  readme: string;
}

const primitiveInputSets = z.record(z.string(), z.record(z.string(), z.unknown()));

/**
 * Reads templates/<slug>/{pipeline.json, README.md, samples/inputs.json} as data: the document goes
 * through importPipeline() (validated, nothing executed), the name and description come from the
 * README's title and first paragraph, and only plain-value sample sets are kept (image and audio
 * samples are files in the repo and do not travel). A folder that fails is skipped and reported.
 */
export function readBuiltinTemplates(dir: string, registry: SpecLookup): { templates: BuiltinTemplate[]; skipped: { slug: string; problems: ImportProblem[] }[] } {
  const out: BuiltinTemplate[] = [];
  const skipped: { slug: string; problems: ImportProblem[] }[] = [];
  if (!existsSync(dir)) return { templates: out, skipped };
  for (const slug of readdirSync(dir).sort()) {
    const folder = path.join(dir, slug);
    const pipelineFile = path.join(folder, "pipeline.json");
    if (!statSync(folder).isDirectory() || !existsSync(pipelineFile)) continue;
    const readme = existsSync(path.join(folder, "README.md")) ? readFileSync(path.join(folder, "README.md"), "utf8") : "";
    const title = /^#\s+(.+)$/m.exec(readme)?.[1]?.trim() ?? slug;
    const description =
      readme
        .split(/^#\s+.+$/m)[1]
        ?.split(/\n\s*\n/)
        .map((p) => p.replace(/\s+/g, " ").trim())
        .find((p) => p && !p.startsWith("#")) ?? "";
    const imported = importPipeline(readFileSync(pipelineFile, "utf8"), registry, { fallbackName: title });
    if (!imported.ok) {
      skipped.push({ slug, problems: imported.problems });
      continue;
    }
    const samples: SampleSet[] = [];
    const inputsFile = path.join(folder, "samples", "inputs.json");
    if (existsSync(inputsFile)) {
      const sets = primitiveInputSets.safeParse(JSON.parse(readFileSync(inputsFile, "utf8")));
      if (sets.success) {
        for (const [name, inputs] of Object.entries(sets.data)) {
          const parsed = sampleSetSchema.safeParse({ name, inputs });
          if (parsed.success) samples.push(parsed.data);
        }
      }
    }
    const setting = imported.document.meta?.setting;
    out.push({
      slug,
      name: title,
      description,
      tags: cleanTags([...imported.modalities, ...(setting ? [setting] : []), "built-in"]),
      document: imported.document,
      samples,
      readme,
    });
  }
  return { templates: out, skipped };
}

/**
 * Makes the built-in rows match the folder: inserts new slugs, rewrites changed ones (by content
 * hash, keeping their id so links stay valid), removes slugs that are gone. One transaction.
 */
export function syncBuiltinTemplates(db: AttuneDb, builtins: readonly BuiltinTemplate[]): { added: number; updated: number; removed: number } {
  return db.orm.transaction((tx) => {
    let added = 0;
    let updated = 0;
    const now = Date.now();
    for (const t of builtins) {
      const values = {
        name: t.name,
        description: t.description,
        tags: JSON.stringify(t.tags),
        modalities: JSON.stringify(modalitiesOf(t.document)),
        document: JSON.stringify(t.document),
        samples: t.samples.length > 0 ? JSON.stringify(t.samples) : null,
        readme: t.readme,
        contentHash: hashOf(t),
      };
      const existing = tx.select({ id: templates.id, contentHash: templates.contentHash }).from(templates).where(eq(templates.slug, t.slug)).get();
      if (!existing) {
        tx.insert(templates).values({ id: randomUUID(), source: "builtin", slug: t.slug, ...values, createdAt: now, updatedAt: now }).run();
        added++;
      } else if (existing.contentHash !== values.contentHash) {
        tx.update(templates).set({ ...values, updatedAt: now }).where(eq(templates.id, existing.id)).run();
        updated++;
      }
    }
    const keep = builtins.map((t) => t.slug);
    const removed = tx
      .delete(templates)
      .where(keep.length > 0 ? and(eq(templates.source, "builtin"), notInArray(templates.slug, keep)) : eq(templates.source, "builtin"))
      .run().changes;
    return { added, updated, removed };
  });
}

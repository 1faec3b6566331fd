import { z } from "zod";
import { idSchema, pipelineDocumentSchema, type PipelineDocument } from "../document";

/**
 * The file format pipelines and templates travel in. Versioned separately from the document's
 * `schemaVersion`: the envelope (metadata, samples, placeholders) can change without the graph
 * changing, and the other way round.
 *
 * History (each older version has a fixture in ./fixtures and is migrated on import):
 * - v1: what Attune exported before documents had a `schemaVersion`: a bare graph
 *   `{ version: 1, name?, nodes: [{ id, kind, config, x, y, label? }], links: [{ id?, source,
 *   sourcePort, target, targetPort }] }`. No node versions (every node counts as version 1).
 * - v2: the first envelope: `{ format: "attune.pipeline", formatVersion: 2, exportedAt, name,
 *   description?, document }`. No tags, no templates, no samples, secrets not scrubbed.
 * - v3 (current): `{ format: "attune.pipeline" | "attune.template", formatVersion: 3, exportedAt,
 *   pipeline: { name, description, tags }, document, samples?, placeholders? }`.
 */
export const EXCHANGE_FORMAT_VERSION = 3 as const;

export const EXCHANGE_KINDS = { pipeline: "attune.pipeline", template: "attune.template" } as const;
export type ExchangeKind = keyof typeof EXCHANGE_KINDS;

/** Caps on what an import will even look at; beyond them the file is refused before parsing. */
export const EXCHANGE_LIMITS = {
  /** Characters of JSON text (about bytes for ASCII). */
  maxChars: 2_000_000,
  /** Nesting depth of objects and arrays. */
  maxDepth: 48,
  /** Every object, array and primitive counted once. */
  maxValues: 200_000,
  /** One string (a code node's source is the largest legitimate one). */
  maxStringChars: 200_000,
  maxNodes: 1000,
  maxEdges: 5000,
  maxSampleSets: 50,
  maxTags: 20,
} as const;

export const exchangeMetaSchema = z.object({
  name: z.string().trim().min(1, "a name is required").max(200),
  description: z.string().max(2000).default(""),
  tags: z
    .array(z.string().trim().min(1).max(40))
    .max(EXCHANGE_LIMITS.maxTags)
    .default([]),
});
export type ExchangeMeta = z.infer<typeof exchangeMetaSchema>;

/** A sample run: named run inputs with plain values (media samples do not travel in files). */
export const sampleSetSchema = z.object({
  name: z.string().trim().min(1).max(100),
  inputs: z.record(z.string().min(1).max(64), z.union([z.string().max(EXCHANGE_LIMITS.maxStringChars), z.number().finite(), z.boolean()])),
});
export type SampleSet = z.infer<typeof sampleSetSchema>;

/**
 * Where a secret was taken out on export. The importer recomputes this list from the document and
 * never trusts the file's copy; it is in the file so a person reading it knows what to fill.
 */
export const placeholderSchema = z.object({
  path: z.string().max(500),
  nodeId: idSchema,
  param: z.string().max(200),
  hint: z.string().max(200),
});
export type Placeholder = z.infer<typeof placeholderSchema>;

/** Caps the document's own (generous) limits further for files coming from elsewhere. */
const importedDocumentSchema = pipelineDocumentSchema.extend({
  nodes: pipelineDocumentSchema.shape.nodes.max(EXCHANGE_LIMITS.maxNodes, `at most ${EXCHANGE_LIMITS.maxNodes} nodes`),
  edges: pipelineDocumentSchema.shape.edges.max(EXCHANGE_LIMITS.maxEdges, `at most ${EXCHANGE_LIMITS.maxEdges} edges`),
});

export const exchangeFileV3Schema = z.object({
  format: z.enum([EXCHANGE_KINDS.pipeline, EXCHANGE_KINDS.template]),
  formatVersion: z.literal(3),
  exportedAt: z.iso.datetime({ offset: true }),
  pipeline: exchangeMetaSchema,
  document: importedDocumentSchema,
  samples: z.array(sampleSetSchema).max(EXCHANGE_LIMITS.maxSampleSets).optional(),
  placeholders: z.array(placeholderSchema).max(EXCHANGE_LIMITS.maxNodes).optional(),
});
/** The current exchange file. */
export type ExchangeFile = z.infer<typeof exchangeFileV3Schema>;

export const exchangeFileV2Schema = z.object({
  format: z.literal(EXCHANGE_KINDS.pipeline),
  formatVersion: z.literal(2),
  exportedAt: z.iso.datetime({ offset: true }),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  document: importedDocumentSchema,
});
export type ExchangeFileV2 = z.infer<typeof exchangeFileV2Schema>;

export const exchangeFileV1Schema = z.object({
  version: z.literal(1),
  name: z.string().trim().min(1).max(200).optional(),
  nodes: z
    .array(
      z.object({
        id: idSchema,
        kind: z.string().min(1).max(100),
        config: z.record(z.string(), z.unknown()).default({}),
        x: z.number().finite(),
        y: z.number().finite(),
        label: z.string().max(120).optional(),
      }),
    )
    .max(EXCHANGE_LIMITS.maxNodes),
  links: z
    .array(
      z.object({
        id: idSchema.optional(),
        source: idSchema,
        sourcePort: idSchema,
        target: idSchema,
        targetPort: idSchema,
      }),
    )
    .max(EXCHANGE_LIMITS.maxEdges),
});
export type ExchangeFileV1 = z.infer<typeof exchangeFileV1Schema>;

/** What a secret is replaced by in an exported document: a marker the importer asks a person to fill. */
export const placeholderValueSchema = z.object({ $placeholder: z.string().max(200) }).strict();
export type PlaceholderValue = z.infer<typeof placeholderValueSchema>;

export function isPlaceholderValue(value: unknown): value is PlaceholderValue {
  return placeholderValueSchema.safeParse(value).success;
}

/** A file name for a download: `angry-caller.attune.json`. */
export function exchangeFileName(name: string, kind: ExchangeKind = "pipeline"): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${slug || "pipeline"}.${kind === "template" ? "attune-template" : "attune"}.json`;
}

export type { PipelineDocument };

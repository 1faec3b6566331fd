import { z } from "zod";

/** Bumped whenever the shape of the document changes; old documents are migrated on read. */
export const SCHEMA_VERSION = 1 as const;

/** Ids are short, stable and safe in URLs, CSS selectors and JSON paths. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, '-' and '_' only");

/** Node type ids are `<family>.<kebab-name>` and never change once published. */
export const nodeTypeIdSchema = z
  .string()
  .regex(/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/, "node types look like 'family.kebab-name'");

export const nodeInstanceSchema = z.object({
  id: idSchema,
  type: nodeTypeIdSchema,
  version: z.number().int().positive(),
  /** Params by name; validated against the node's own schema by validate(), not here. */
  params: z.record(z.string(), z.unknown()),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  /** Optional display name shown on the canvas instead of the node's title. */
  label: z.string().max(120).optional(),
});

export const portRefSchema = z.object({ node: idSchema, port: idSchema });

export const edgeSchema = z.object({
  id: idSchema,
  from: portRefSchema,
  to: portRefSchema,
});

/** Where a pipeline is used; decides which responsible-use rules apply (see responsible-use.ts). */
export const PIPELINE_SETTINGS = [
  "customer-service",
  "healthcare",
  "education",
  "workplace",
  "research",
  "personal",
  "other",
] as const;
export type PipelineSetting = (typeof PIPELINE_SETTINGS)[number];

/** The reasons EU AI Act Art. 5(1)(f) allows emotion recognition at work or in education. */
export const USE_EXEMPTIONS = ["medical", "safety"] as const;
export type UseExemption = (typeof USE_EXEMPTIONS)[number];

/** Issue codes a person may acknowledge; a legal prohibition (PROHIBITED_USE) is not one of them. */
export const ACKNOWLEDGEABLE_CODES = ["POSSIBLE_MANIPULATION"] as const;

/**
 * A recorded, attributable decision to go ahead despite a responsible-use flag: who, when and why.
 * Without `nodeId` it covers every node the flag is raised on.
 */
export const acknowledgementSchema = z.object({
  code: z.enum(ACKNOWLEDGEABLE_CODES),
  by: z.string().trim().min(1).max(200),
  at: z.iso.datetime({ offset: true }),
  note: z.string().trim().min(1).max(2000),
  nodeId: idSchema.optional(),
});

/**
 * What the pipeline is for. Lives on the document rather than in a node's params: it is one fact
 * about the whole pipeline, it applies whether or not a guard node is on the canvas (deleting a
 * node must not lift a legal prohibition), and acknowledgements are audit records, not params
 * that would change cache keys. Optional, so schemaVersion stays 1.
 */
export const pipelineMetaSchema = z.object({
  purpose: z.string().max(2000).optional(),
  setting: z.enum(PIPELINE_SETTINGS).optional(),
  exemption: z.enum(USE_EXEMPTIONS).optional(),
  acknowledgements: z.array(acknowledgementSchema).max(100).optional(),
});

export const pipelineDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  nodes: z.array(nodeInstanceSchema).max(5000),
  edges: z.array(edgeSchema).max(20000),
  meta: pipelineMetaSchema.optional(),
});

export type NodeInstance = z.infer<typeof nodeInstanceSchema>;
export type PortRef = z.infer<typeof portRefSchema>;
export type Edge = z.infer<typeof edgeSchema>;
export type PipelineDocument = z.infer<typeof pipelineDocumentSchema>;
export type PipelineMeta = z.infer<typeof pipelineMetaSchema>;
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;

export function emptyDocument(): PipelineDocument {
  return { schemaVersion: SCHEMA_VERSION, nodes: [], edges: [] };
}

/** One problem in a document that failed the schema: a JSON path and a message. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/**
 * Parses unknown input (API body, imported file, DB row) into a document, or lists every problem
 * with its exact path (e.g. `nodes[2].position.x`).
 */
export function parseDocument(
  input: unknown,
): { ok: true; document: PipelineDocument } | { ok: false; problems: SchemaProblem[] } {
  const result = pipelineDocumentSchema.safeParse(input);
  if (result.success) return { ok: true, document: result.data };
  return { ok: false, problems: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "(root)";
}

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

export const pipelineDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  nodes: z.array(nodeInstanceSchema).max(5000),
  edges: z.array(edgeSchema).max(20000),
});

export type NodeInstance = z.infer<typeof nodeInstanceSchema>;
export type PortRef = z.infer<typeof portRefSchema>;
export type Edge = z.infer<typeof edgeSchema>;
export type PipelineDocument = z.infer<typeof pipelineDocumentSchema>;

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

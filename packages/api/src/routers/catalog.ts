import type { InputPortSpec, NodeFamily, NodeRegistry, NodeRole, NodeSpec, OutputPortSpec } from "@attune/graph";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc";

/** A node spec as the palette and inspector see it: plain JSON, no zod, no functions. */
export interface CatalogNode {
  type: string;
  version: number;
  family: NodeFamily;
  title: string;
  description: string;
  keywords: string[];
  role: NodeRole | null;
  inputs: InputPortSpec[];
  outputs: OutputPortSpec[];
  /** `params.parse({})`: what a freshly dropped node starts with. */
  defaults: Record<string, unknown>;
  /** JSON Schema of what a user may type (input side: defaulted fields are optional). */
  paramsJsonSchema: z.core.JSONSchema.BaseSchema;
}

function toCatalogNode(spec: NodeSpec): CatalogNode {
  let defaults: Record<string, unknown>;
  let paramsJsonSchema: z.core.JSONSchema.BaseSchema;
  try {
    defaults = spec.params.parse({});
    // "any" for unrepresentable parts (e.g. a refine'd custom type) so one exotic param cannot
    // take the whole palette down; the server-side validate() still enforces the real schema.
    paramsJsonSchema = z.toJSONSchema(spec.params, { io: "input", unrepresentable: "any" });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `node spec '${spec.type}' is broken: ${reason}` });
  }
  return {
    type: spec.type,
    version: spec.version,
    family: spec.family,
    title: spec.title,
    description: spec.description,
    keywords: [...(spec.keywords ?? [])],
    role: spec.role ?? null,
    inputs: spec.inputs.map((port) => ({ ...port, optional: port.optional ?? false })),
    outputs: spec.outputs.map((port) => ({ ...port })),
    defaults,
    paramsJsonSchema,
  };
}

// Specs are static for a registry's lifetime; converting every spec to JSON Schema on each palette
// load would be wasted work.
const cache = new WeakMap<NodeRegistry<NodeSpec>, CatalogNode[]>();

export function buildCatalog(specs: NodeRegistry<NodeSpec>): CatalogNode[] {
  let nodes = cache.get(specs);
  if (!nodes) {
    nodes = specs.list().map(toCatalogNode).sort((a, b) => a.family.localeCompare(b.family) || a.title.localeCompare(b.title));
    cache.set(specs, nodes);
  }
  return nodes;
}

export const catalogRouter = router({
  nodes: procedure.query(({ ctx }) => buildCatalog(ctx.specs)),
});

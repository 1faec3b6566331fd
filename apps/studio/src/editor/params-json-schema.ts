import type { NodeSpec } from "@attune/graph";
import { z } from "zod";

/** The subset of JSON Schema the inspector renders as a form. */
export interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchemaProperty[];
  oneOf?: JsonSchemaProperty[];
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  multipleOf?: number;
}

export interface ParamsJsonSchema {
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

const cache = new WeakMap<NodeSpec, ParamsJsonSchema>();

/**
 * The params JSON Schema of a node type, as the catalog API publishes it (`io: "input"`, so
 * defaulted params are optional). Computed from the same zod schema, so form and validation agree.
 */
export function paramsJsonSchema(spec: NodeSpec): ParamsJsonSchema {
  let schema = cache.get(spec);
  if (!schema) {
    try {
      schema = z.toJSONSchema(spec.params, { io: "input", unrepresentable: "any" }) as ParamsJsonSchema;
    } catch {
      schema = {};
    }
    cache.set(spec, schema);
  }
  return schema;
}

/** Enum options of a property, whether written as `enum` or as `anyOf`/`oneOf` of consts. */
export function enumOptions(prop: JsonSchemaProperty): unknown[] | undefined {
  if (prop.enum) return prop.enum;
  const alternatives = prop.anyOf ?? prop.oneOf;
  if (alternatives && alternatives.length > 0 && alternatives.every((a) => "const" in a || a.enum)) {
    return alternatives.flatMap((a) => (a.enum ? a.enum : [a.const]));
  }
  return undefined;
}

export function primaryType(prop: JsonSchemaProperty): string | undefined {
  if (typeof prop.type === "string") return prop.type;
  if (Array.isArray(prop.type)) return prop.type.find((t) => t !== "null");
  return undefined;
}

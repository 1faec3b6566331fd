import type { NodeSpec } from "../define-node";
import type { PipelineDocument } from "../document";
import type { SpecLookup } from "../plan";
import { isPlaceholderValue, type Placeholder, type PlaceholderValue } from "./format";
import { FORBIDDEN_KEYS } from "./guards";

/**
 * How a node marks a param as secret: zod metadata on the param's schema, e.g.
 * `apiKey: z.string().meta({ secret: true }).default("")`. Metadata rather than a new NodeSpec
 * field, so the marker sits next to the param it describes and needs no change to the contract;
 * wrappers (`.optional()`, `.default()`, ...) may go on either side of `.meta()`.
 */
export const SECRET_META = { secret: true } as const;

/** Minimal view of a zod 4 schema, duck-typed so a second copy of zod cannot break detection. */
interface ZodLike {
  meta?: () => unknown;
  _zod?: { def?: { type?: string; innerType?: unknown; in?: unknown; shape?: Record<string, unknown>; catchall?: unknown } };
}

function hasSecretMeta(schema: unknown): boolean {
  let current = schema as ZodLike | undefined;
  for (let i = 0; i < 16 && current; i++) {
    const meta = typeof current.meta === "function" ? current.meta() : undefined;
    if (typeof meta === "object" && meta !== null && (meta as { secret?: unknown }).secret === true) return true;
    const def = current._zod?.def;
    current = (def?.innerType ?? def?.in) as ZodLike | undefined;
  }
  return false;
}

function objectShape(schema: unknown): { shape: Record<string, unknown>; open: boolean } | null {
  let current = schema as ZodLike | undefined;
  for (let i = 0; i < 16 && current; i++) {
    const def = current._zod?.def;
    if (def?.type === "object" && def.shape) {
      const catchall = def.catchall as ZodLike | undefined;
      // strip (no catchall) and strict (never) objects only keep declared keys; loose ones keep any.
      const open = catchall !== undefined && catchall._zod?.def?.type !== "never";
      return { shape: def.shape, open };
    }
    current = (def?.innerType ?? def?.in) as ZodLike | undefined;
  }
  return null;
}

/** The names of a node's params marked secret with `.meta({ secret: true })`. */
export function secretParamNames(spec: Pick<NodeSpec, "params">): string[] {
  const object = objectShape(spec.params);
  if (!object) return [];
  return Object.entries(object.shape)
    .filter(([, schema]) => hasSecretMeta(schema))
    .map(([name]) => name);
}

/** The params a node declares, or null when its schema accepts any key (nothing can be dropped). */
export function declaredParamNames(spec: Pick<NodeSpec, "params">): Set<string> | null {
  const object = objectShape(spec.params);
  if (!object || object.open) return null;
  return new Set(Object.keys(object.shape));
}

/**
 * Strings that look like credentials wherever they appear: Attune API keys (`atn_<prefix>_<secret>`)
 * and bearer tokens. Deliberately broad: a false positive costs the importer one field to fill,
 * a false negative leaks a key.
 */
const SECRET_PATTERNS: { pattern: RegExp; hint: string }[] = [
  { pattern: /\batn_[A-Za-z0-9]{4,}_[A-Za-z0-9_-]{8,}/, hint: "Attune API key" },
  { pattern: /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/i, hint: "bearer token" },
];

export function looksLikeSecret(text: string): string | null {
  for (const { pattern, hint } of SECRET_PATTERNS) if (pattern.test(text)) return hint;
  return null;
}

/** `nodes[3].params.apiKey` style path inside an exchange file. */
export function paramPath(nodeIndex: number, segments: readonly (string | number)[]): string {
  let path = `document.nodes[${nodeIndex}].params`;
  for (const s of segments) path += typeof s === "number" ? `[${s}]` : `.${s}`;
  return path;
}

/**
 * Replaces secrets in every node's params by `{ "$placeholder": hint }`: params the node marks
 * secret (when they hold a value), and any string anywhere in params that looks like a key or a
 * token. A string that merely contains a key is replaced whole: a key inside code or a URL is as
 * secret as a key on its own. Returns a new document; the input is not touched.
 */
export function scrubSecrets(doc: PipelineDocument, registry?: SpecLookup): { document: PipelineDocument; placeholders: Placeholder[] } {
  const placeholders: Placeholder[] = [];
  const nodes = doc.nodes.map((node, index) => {
    const spec = registry?.get(node.type);
    const secret = new Set(spec ? secretParamNames(spec) : []);
    const params: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(node.params)) {
      const hintOf = (what: string) => `${what} for ${node.label ?? node.id} (${name})`;
      if (secret.has(name) && value !== undefined && value !== null && value !== "" && !isPlaceholderValue(value)) {
        placeholders.push({ path: paramPath(index, [name]), nodeId: node.id, param: name, hint: hintOf("secret") });
        params[name] = placeholder(hintOf("secret"));
        continue;
      }
      params[name] = scrubValue(value, [name], (segments, what) => {
        const hint = `${what} for ${node.label ?? node.id} (${segments.join(".")})`;
        placeholders.push({ path: paramPath(index, segments), nodeId: node.id, param: segments.join("."), hint });
        return placeholder(hint);
      });
    }
    return { ...node, params };
  });
  return { document: { ...doc, nodes }, placeholders };
}

function placeholder(hint: string): PlaceholderValue {
  return { $placeholder: hint.slice(0, 200) };
}

function scrubValue(value: unknown, path: (string | number)[], replace: (path: (string | number)[], hint: string) => unknown): unknown {
  if (typeof value === "string") {
    const hint = looksLikeSecret(value);
    return hint ? replace(path, hint) : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => scrubValue(v, [...path, i], replace));
  if (typeof value === "object" && value !== null) {
    if (isPlaceholderValue(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!FORBIDDEN_KEYS.has(k)) out[k] = scrubValue(v, [...path, k], replace);
    return out;
  }
  return value;
}

/** Every `{ "$placeholder": ... }` left in a document's params, with its path. */
export function findPlaceholders(doc: PipelineDocument): Placeholder[] {
  const found: Placeholder[] = [];
  doc.nodes.forEach((node, index) => {
    const visit = (value: unknown, segments: (string | number)[]) => {
      if (isPlaceholderValue(value)) {
        found.push({ path: paramPath(index, segments), nodeId: node.id, param: segments.join("."), hint: value.$placeholder });
        return;
      }
      if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...segments, i]));
      else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) visit(v, [...segments, k]);
    };
    for (const [name, value] of Object.entries(node.params)) visit(value, [name]);
  });
  return found;
}

/**
 * Puts the values a person typed in for placeholders, keyed by placeholder path. Returns the new
 * document and the fill keys that name no placeholder (a problem for the caller to report).
 */
export function fillPlaceholders(doc: PipelineDocument, fills: Readonly<Record<string, string>>): { document: PipelineDocument; unknown: string[] } {
  const wanted = new Map(Object.entries(fills).filter(([, v]) => v !== ""));
  const used = new Set<string>();
  const nodes = doc.nodes.map((node, index) => {
    const fill = (value: unknown, segments: (string | number)[]): unknown => {
      if (isPlaceholderValue(value)) {
        const path = paramPath(index, segments);
        const filled = wanted.get(path);
        if (filled === undefined) return value;
        used.add(path);
        return filled;
      }
      if (Array.isArray(value)) return value.map((v, i) => fill(v, [...segments, i]));
      if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (!FORBIDDEN_KEYS.has(k)) out[k] = fill(v, [...segments, k]);
        return out;
      }
      return value;
    };
    const params: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(node.params)) params[name] = fill(value, [name]);
    return { ...node, params };
  });
  return { document: { ...doc, nodes }, unknown: [...wanted.keys()].filter((k) => !used.has(k)) };
}

import { EXCHANGE_LIMITS } from "./format";

/**
 * Keys that reach an object's prototype when assigned (`obj[key] = v`) by code downstream. JSON.parse
 * turns `"__proto__"` into a harmless own property, but the first spread, merge or record copy would
 * not; refusing them at the door is simpler than proving every consumer safe.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** One problem with an import, located by a JSON path into the file. */
export interface ImportProblem {
  /** e.g. `document.nodes[2].params.threshold`; `(root)` for the file as a whole. */
  path: string;
  code: ImportProblemCode;
  message: string;
}

export type ImportProblemCode =
  | "INVALID_JSON"
  | "TOO_LARGE"
  | "TOO_DEEP"
  | "FORBIDDEN_KEY"
  | "UNKNOWN_FORMAT"
  | "FORMAT_TOO_NEW"
  | "SCHEMA"
  | "UNKNOWN_FILL"
  // validate() codes that a well-formed export can never contain
  | "UNKNOWN_NODE_TYPE"
  | "VERSION_UNSUPPORTED"
  | "PARAM_INVALID"
  | "UNKNOWN_PORT"
  | "DANGLING_EDGE"
  | "DUPLICATE_ID"
  | "DUPLICATE_INPUT_EDGE"
  | "PORT_TYPE_MISMATCH"
  | "CYCLE"
  // warnings
  | "DROPPED_FIELD"
  | "MARKUP_IN_TEXT"
  | "VALIDATION";

export function appendPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path === "(root)" ? "" : path}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path === "(root)" ? "" : path}[${JSON.stringify(key)}]`;
  return path === "(root)" ? key : `${path}.${key}`;
}

/**
 * Walks parsed JSON once before any schema sees it: refuses prototype-pollution keys, excessive
 * depth, too many values and oversized strings, each with its path. Iterative, so a deeply nested
 * hostile file cannot overflow the stack here. Stops collecting after 100 problems.
 */
export function checkStructure(root: unknown): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: "(root)", depth: 0 }];
  let values = 0;
  while (stack.length > 0 && problems.length < 100) {
    const { value, path, depth } = stack.pop()!;
    values++;
    if (values > EXCHANGE_LIMITS.maxValues) {
      problems.push({ path: "(root)", code: "TOO_LARGE", message: `more than ${EXCHANGE_LIMITS.maxValues} values: refused without reading further` });
      break;
    }
    if (typeof value === "string") {
      if (value.length > EXCHANGE_LIMITS.maxStringChars) {
        problems.push({ path, code: "TOO_LARGE", message: `text of ${value.length} characters; at most ${EXCHANGE_LIMITS.maxStringChars} are allowed` });
      }
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth >= EXCHANGE_LIMITS.maxDepth) {
      problems.push({ path, code: "TOO_DEEP", message: `nested more than ${EXCHANGE_LIMITS.maxDepth} levels deep` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: appendPath(path, i), depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child = appendPath(path, key);
      if (FORBIDDEN_KEYS.has(key)) {
        problems.push({ path: child, code: "FORBIDDEN_KEY", message: `the key '${key}' is not allowed anywhere in an import` });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return problems;
}

/**
 * Lists keys present in `raw` but absent from `parsed` (zod's strip mode drops unknown keys
 * silently): the importer reports them as warnings so nothing vanishes unannounced.
 */
export function droppedFields(raw: unknown, parsed: unknown, path = "(root)", out: ImportProblem[] = []): ImportProblem[] {
  if (out.length >= 200) return out;
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    raw.forEach((item, i) => droppedFields(item, parsed[i], appendPath(path, i), out));
    return out;
  }
  if (!isPlainObject(raw) || !isPlainObject(parsed)) return out;
  for (const key of Object.keys(raw)) {
    const child = appendPath(path, key);
    if (!Object.hasOwn(parsed, key)) {
      if (raw[key] !== undefined) out.push({ path: child, code: "DROPPED_FIELD", message: `unknown field '${key}' was dropped` });
      continue;
    }
    droppedFields(raw[key], parsed[key], child, out);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const MARKUP = /<\s*\/?\s*(script|iframe|object|embed|svg|img|style|link|meta)\b|javascript\s*:|\bon[a-z]+\s*=/i;

/**
 * Strings are data: Attune renders every imported string as text (React escapes it) and never as
 * HTML or a link target. Markup is left intact, not mangled (a code node may legitimately contain
 * `<`), and reported as a warning so a person knows the file carries it.
 */
export function markupWarnings(root: unknown): ImportProblem[] {
  const out: ImportProblem[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: root, path: "(root)" }];
  while (stack.length > 0 && out.length < 50) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (MARKUP.test(value)) out.push({ path, code: "MARKUP_IN_TEXT", message: "contains HTML or script markup; Attune keeps it as plain text and never runs it" });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: appendPath(path, i) }));
    } else if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: appendPath(path, k) });
    }
  }
  return out.reverse();
}

import type { EndpointInterface } from "@attune/db";
import { HttpError } from "../http-error";
import { decodeMediaInputs, type PlanInput } from "../media-inputs";

/** One rejected field of a request, as listed in a 422 answer. */
export interface FieldProblem {
  /** Path in the request body, e.g. `inputs.text`. */
  field: string;
  code: "REQUIRED" | "WRONG_TYPE" | "UNKNOWN_INPUT";
  message: string;
}

/** The published interface in the shapes the request path needs, computed once per deployment version. */
export interface InputChecks {
  planInputs: Map<string, PlanInput>;
  iface: EndpointInterface;
  /** Effective text limit per text input: the smaller of the node's maxChars and the runner's limit. */
  textLimits: Map<string, number>;
  /** textLimits as a list, walked on every call without a Map iterator. */
  textLimitList: { name: string; limit: number }[];
  /** Whether any input is image or audio (only then is there anything to decode). */
  hasMedia: boolean;
}

export function prepareInputChecks(iface: EndpointInterface, maxInputChars: number): InputChecks {
  const planInputs = new Map<string, PlanInput>();
  const textLimits = new Map<string, number>();
  for (const input of iface.inputs) {
    const kind = input.type === "json" || input.type === "number" ? "other" : input.type;
    planInputs.set(input.name, { name: input.name, nodeId: input.nodeId, kind });
    if (input.type === "text") textLimits.set(input.name, Math.min(input.maxChars ?? maxInputChars, maxInputChars));
  }
  const textLimitList = [...textLimits].map(([name, limit]) => ({ name, limit }));
  const hasMedia = [...planInputs.values()].some((input) => input.kind === "image" || input.kind === "audio");
  return { planInputs, iface, textLimits, textLimitList, hasMedia };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/**
 * Checks request inputs against the deployment's input schema and returns the run inputs (media
 * decoded to bytes). Every bad field is reported at once (422); a text over its limit is 413, as a
 * body over the body limit is. `fromForm` marks multipart requests, whose number fields arrive as text.
 */
export function checkInputs(raw: Record<string, unknown>, checks: InputChecks, fromForm: boolean): Record<string, unknown> {
  // Allocated only when something is wrong: the common call builds nothing but `inputs`.
  let problems: FieldProblem[] | undefined;
  const inputs: Record<string, unknown> = {};
  for (const input of checks.iface.inputs) {
    let value = raw[input.name];
    if (value === undefined || value === null) {
      if (input.required) (problems ??= []).push({ field: `inputs.${input.name}`, code: "REQUIRED", message: `'${input.name}' (${input.type}) is required` });
      continue;
    }
    if (input.type === "number" && fromForm && typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
      value = Number(value);
    }
    const ok =
      input.type === "text"
        ? typeof value === "string"
        : input.type === "number"
          ? typeof value === "number" && Number.isFinite(value)
          : input.type === "image" || input.type === "audio"
            ? typeof value === "string" || (typeof value === "object" && !Array.isArray(value))
            : true;
    if (!ok) {
      const wanted = input.type === "text" ? "a string" : input.type === "number" ? "a finite number" : `a data URL string or { base64, mimeType? } object`;
      (problems ??= []).push({ field: `inputs.${input.name}`, code: "WRONG_TYPE", message: `'${input.name}' must be ${wanted}, got ${describe(value)}` });
      continue;
    }
    inputs[input.name] = value;
  }
  for (const name in raw) {
    if (!Object.prototype.hasOwnProperty.call(raw, name)) continue;
    if (!checks.planInputs.has(name)) {
      (problems ??= []).push({ field: `inputs.${name}`, code: "UNKNOWN_INPUT", message: `this endpoint has no input '${name}'` });
    }
  }
  if (problems !== undefined) {
    throw new HttpError(422, "INVALID_INPUTS", `the inputs do not match this endpoint: ${problems.map((p) => p.message).join("; ")}`, { fields: problems });
  }
  for (const { name, limit } of checks.textLimitList) {
    const value = inputs[name];
    if (typeof value === "string" && value.length > limit) {
      throw new HttpError(413, "INPUT_TOO_LARGE", `input '${name}' has ${value.length} characters; the limit is ${limit}`, {
        fields: [{ field: `inputs.${name}`, code: "TOO_LONG", message: `at most ${limit} characters` }],
        input: name,
        length: value.length,
        limit,
      });
    }
  }
  // Without media inputs decoding would only copy `inputs`, which is already a fresh object.
  return checks.hasMedia ? decodeMediaInputs(inputs, checks.planInputs) : inputs;
}

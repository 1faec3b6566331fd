import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import secureJson from "secure-json-parse";
import { isMediaBytes, type MediaBytes, type NodeSpec, type Plan } from "@attune/graph";
import type { RunResult } from "@attune/runtime";
import { HttpError } from "./http-error";

/**
 * Media run inputs (images, audio) for POST /v1/preview.
 *
 * JSON body: the value of an input read by an image or audio input node is either
 *   { "base64": "<standard or url-safe base64>", "mimeType"?: "image/jpeg", "filename"?: "me.jpg" }
 * or a data URL string "data:image/png;base64,....". It is turned into MediaBytes before the run.
 *
 * multipart/form-data body: a `request` field holding the JSON request without the media
 * (`{ document, sessionId?, inputs? }`), plus one file part per media input, named after the input.
 * Other plain fields are text inputs by name.
 *
 * The route's body limit bounds the whole upload; the input nodes enforce their own byte, pixel
 * and duration limits after that, and fail with INVALID_MEDIA or MEDIA_TOO_LARGE.
 */

/** How a run input is read: decides which checks and conversions apply to its value. */
export type InputKind = "text" | "image" | "audio" | "other";

export interface PlanInput {
  name: string;
  nodeId: string;
  kind: InputKind;
}

type SpecLookup = { get(type: string): Pick<NodeSpec, "outputs" | "role"> | undefined };

/** The plan's run inputs, classified by the type of the first output port of the node that reads them. */
export function classifyPlanInputs(plan: Plan, specs: SpecLookup): Map<string, PlanInput> {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const result = new Map<string, PlanInput>();
  for (const [name, nodeId] of Object.entries(plan.inputs)) {
    const node = byId.get(nodeId);
    const type = node ? specs.get(node.type)?.outputs[0]?.type : undefined;
    const kind: InputKind = type === "text" || type === "image" || type === "audio" ? type : "other";
    result.set(name, { name, nodeId, kind });
  }
  return result;
}

/**
 * Rejects any text input longer than the limit. Only inputs read by text input nodes count: a media
 * input's base64 is bounded by the body limit and the node's own byte limit instead. Characters are
 * counted as JavaScript string length (UTF-16 code units), as `core.text-input` counts `maxChars`.
 */
export function checkTextInputSizes(inputs: Record<string, unknown>, planInputs: Map<string, PlanInput>, limit: number): void {
  for (const [name, value] of Object.entries(inputs)) {
    if (planInputs.get(name)?.kind !== "text") continue;
    if (typeof value === "string" && value.length > limit) {
      throw new HttpError(413, "INPUT_TOO_LARGE", `input '${name}' has ${value.length} characters; the limit is ${limit}`, {
        input: name,
        length: value.length,
        limit,
      });
    }
  }
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

/** Strict base64 (standard or url-safe alphabet, optional padding, whitespace ignored); undefined when malformed. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length % 4 === 1) return undefined;
  // The padding may only complete the last group.
  if (clean.includes("=") && clean.length % 4 !== 0) return undefined;
  const buffer = Buffer.from(clean, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function badMedia(name: string, kind: InputKind, why: string): HttpError {
  return new HttpError(
    400,
    "INVALID_MEDIA_ENCODING",
    `input '${name}' (${kind}): ${why}; send { "base64": "...", "mimeType": "..." }, a base64 data URL, or a multipart file part named '${name}'`,
    { input: name },
  );
}

/** One media input's JSON value as MediaBytes; throws 400 naming the input when it is malformed. */
export function toMediaBytes(name: string, kind: InputKind, value: unknown): MediaBytes {
  if (isMediaBytes(value)) return value;
  if (typeof value === "string") {
    const match = DATA_URL.exec(value);
    if (!match) throw badMedia(name, kind, "a string value must be a data URL (data:<type>;base64,<data>)");
    const [, mimeType, flags, data] = match;
    if (!(flags ?? "").split(";").includes("base64")) throw badMedia(name, kind, "the data URL is not base64-encoded");
    const bytes = decodeBase64(data ?? "");
    if (!bytes) throw badMedia(name, kind, "the data URL's base64 is malformed");
    return { bytes, ...(mimeType ? { mimeType } : {}) };
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { base64, mimeType, filename } = value as Record<string, unknown>;
    if (typeof base64 !== "string") throw badMedia(name, kind, "the object has no string 'base64' field");
    if (mimeType !== undefined && typeof mimeType !== "string") throw badMedia(name, kind, "'mimeType' must be a string");
    if (filename !== undefined && typeof filename !== "string") throw badMedia(name, kind, "'filename' must be a string");
    const bytes = decodeBase64(base64);
    if (!bytes) throw badMedia(name, kind, "'base64' is not valid base64");
    return { bytes, ...(mimeType ? { mimeType } : {}), ...(filename ? { filename } : {}) };
  }
  throw badMedia(name, kind, `got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`);
}

/** The run inputs with every image/audio input's value converted to MediaBytes (other inputs untouched). */
export function decodeMediaInputs(inputs: Record<string, unknown>, planInputs: Map<string, PlanInput>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...inputs };
  for (const [name, value] of Object.entries(inputs)) {
    const input = planInputs.get(name);
    if (!input || (input.kind !== "image" && input.kind !== "audio") || value === undefined) continue;
    out[name] = toMediaBytes(name, input.kind, value);
  }
  return out;
}

/** Node error codes of media input nodes and the HTTP status a JSON-mode preview answers with. */
const MEDIA_ERROR_STATUS: Record<string, number> = { INVALID_MEDIA: 422, MEDIA_TOO_LARGE: 413 };

/**
 * For JSON (non-streaming) previews: a media input node that refused its file makes the whole
 * answer a client error naming the input (422 INVALID_MEDIA, 413 MEDIA_TOO_LARGE) instead of a 200
 * with a failed node. Streams report the node failure as an event instead.
 */
export function mediaInputFailure(result: RunResult, planInputs: Map<string, PlanInput>): HttpError | undefined {
  for (const input of planInputs.values()) {
    const error = result.nodes[input.nodeId]?.error;
    const status = error?.code ? MEDIA_ERROR_STATUS[error.code] : undefined;
    if (!error || !error.code || status === undefined) continue;
    return new HttpError(status, error.code, `input '${input.name}': ${error.message}`, { input: input.name, nodeId: input.nodeId });
  }
  return undefined;
}

export interface MultipartLimits {
  /** Total bytes of all file parts (the preview body limit). */
  maxFileBytes: number;
  /** Bytes of the `request` field and of each text field. */
  maxFieldBytes: number;
  maxFiles: number;
}

/** Registers multipart parsing (nothing is buffered until a route reads the parts). */
export function registerMultipart(app: FastifyInstance, limits: MultipartLimits): void {
  const options = {
    limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fieldSize: limits.maxFieldBytes, fields: 64, parts: limits.maxFiles + 64 },
  };
  // @fastify/multipart adds an async onRequest hook (a 'close' listener per request) and an async
  // onResponse hook to every route of the server, JSON calls included. Both only clean up files
  // that request.saveRequestFiles() wrote to disk; the runner never saves files (it streams the
  // parts, readMultipartPreview), yet the two hooks cost microseconds on every published API call.
  // The plugin is registered without them, and saveRequestFiles is refused so that nothing comes
  // to rely on a cleanup that no longer runs.
  const plugin = multipart as unknown as (instance: FastifyInstance, options: object, done: (error?: Error) => void) => void;
  const register = async (instance: FastifyInstance): Promise<void> => {
    const withoutCleanupHooks = new Proxy(instance, {
      get(target, property, receiver) {
        if (property === "addHook") {
          return (name: string, hook: unknown) => (name === "onRequest" || name === "onResponse" ? receiver : Reflect.apply(target.addHook, target, [name, hook]));
        }
        if (property === "decorateRequest") {
          return (name: string, value: unknown, dependencies?: string[]) =>
            Reflect.apply(target.decorateRequest, target, [name, name === "saveRequestFiles" ? refuseSavedFiles : value, dependencies]);
        }
        return Reflect.get(target, property, receiver);
      },
    });
    await new Promise<void>((resolve, reject) => plugin(withoutCleanupHooks, options, (error) => (error ? reject(error) : resolve())));
  };
  // Like fastify-plugin: the parser and decorators apply to the whole server, not a child scope.
  Object.assign(register, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "attune-multipart" });
  void app.register(register);
}

async function refuseSavedFiles(): Promise<never> {
  throw new Error("request.saveRequestFiles() is not available in the runner: read the parts with request.parts() (see registerMultipart)");
}

/**
 * Reads a multipart preview request into the same shape as a JSON body: `request` (JSON) gives
 * document, sessionId and inputs; every file part becomes the MediaBytes input of its name.
 */
export async function readMultipartPreview(request: FastifyRequest, limits: MultipartLimits): Promise<Record<string, unknown>> {
  let base: Record<string, unknown> | undefined;
  const files: Record<string, MediaBytes> = {};
  const fields: Record<string, string> = {};
  let total = 0;
  try {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        if (part.fieldname in files) throw new HttpError(400, "DUPLICATE_INPUT", `more than one file part named '${part.fieldname}'`, { input: part.fieldname });
        let buffer: Buffer;
        try {
          buffer = await part.toBuffer();
        } catch (err) {
          if ((err as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE") {
            throw new HttpError(413, "BODY_TOO_LARGE", `file part '${part.fieldname}' is larger than the upload limit of ${limits.maxFileBytes} bytes`, {
              input: part.fieldname,
              limitBytes: limits.maxFileBytes,
            });
          }
          throw err;
        }
        total += buffer.byteLength;
        if (total > limits.maxFileBytes) {
          throw new HttpError(413, "BODY_TOO_LARGE", `the uploaded files add up to more than the limit of ${limits.maxFileBytes} bytes`, {
            input: part.fieldname,
            limitBytes: limits.maxFileBytes,
          });
        }
        files[part.fieldname] = {
          bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
          ...(part.mimetype && part.mimetype !== "application/octet-stream" ? { mimeType: part.mimetype } : {}),
          ...(part.filename ? { filename: part.filename } : {}),
        };
        continue;
      }
      if (part.valueTruncated) {
        throw new HttpError(413, "FIELD_TOO_LARGE", `field '${part.fieldname}' is larger than the limit of ${limits.maxFieldBytes} bytes`, {
          input: part.fieldname,
          limitBytes: limits.maxFieldBytes,
        });
      }
      if (part.fieldname === "request") {
        base = parseRequestField(part.value);
        continue;
      }
      if (typeof part.value !== "string") {
        throw new HttpError(400, "INVALID_REQUEST", `field '${part.fieldname}' must be plain text (send JSON only in 'request')`);
      }
      fields[part.fieldname] = part.value;
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw multipartError(err);
  }
  if (!base) {
    throw new HttpError(400, "INVALID_REQUEST", "multipart preview requests need a 'request' field holding { document, sessionId?, inputs? } as JSON");
  }
  const inputs = base.inputs ?? {};
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    throw new HttpError(400, "INVALID_REQUEST", "invalid preview request: inputs: must be an object", { problems: [{ path: "inputs", message: "must be an object" }] });
  }
  for (const name of [...Object.keys(files), ...Object.keys(fields)]) {
    if (name in inputs) throw new HttpError(400, "DUPLICATE_INPUT", `input '${name}' is given both in 'request' and as a form part`, { input: name });
  }
  return { ...base, inputs: { ...inputs, ...fields, ...files } };
}

function parseRequestField(value: unknown): Record<string, unknown> {
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = secureJson.parse(value, undefined, { protoAction: "error", constructorAction: "error" });
    } catch (err) {
      throw new HttpError(400, "INVALID_JSON", `field 'request' is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, "INVALID_REQUEST", "field 'request' must be a JSON object { document, sessionId?, inputs? }");
  }
  return parsed as Record<string, unknown>;
}

function multipartError(err: unknown): HttpError | unknown {
  const code = (err as { code?: string }).code;
  switch (code) {
    case "FST_FILES_LIMIT":
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return new HttpError(413, "TOO_MANY_PARTS", "the multipart request has too many parts");
    case "FST_INVALID_JSON_FIELD_ERROR":
      return new HttpError(400, "INVALID_JSON", "field 'request' is not valid JSON");
    case "FST_PROTO_VIOLATION":
      return new HttpError(400, "INVALID_REQUEST", "a form field name is not allowed");
    case "FST_MP_PREMATURE_CLOSE":
      return new HttpError(400, "INVALID_MULTIPART", "the multipart body ended before it was complete");
  }
  if (err instanceof Error && /multipart|boundary/i.test(err.message)) {
    return new HttpError(400, "INVALID_MULTIPART", `the multipart body is malformed: ${err.message}`);
  }
  return err;
}

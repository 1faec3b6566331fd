import { actionSchema, emotionScoresSchema, valenceArousalSchema } from "@attune/graph";
import { z } from "zod";
import type { EndpointInput, EndpointInterface } from "./deployment-interface";

/**
 * The OpenAPI 3.1 document of one published endpoint, derived from its frozen interface. Pure, so
 * the runner serves it and the studio can show the same document without a round trip.
 */
export interface OpenApiOptions {
  slug: string;
  /** The pipeline's name, as the document's title. */
  title: string;
  /** The live deployment version the document describes. */
  version: number;
  interface: EndpointInterface;
  /** Origin callers use, e.g. `http://127.0.0.1:4100` (the runner) or the studio's origin. */
  serverUrl: string;
  /** The runner's own text limit; the smaller of it and an input node's `maxChars` applies. */
  maxInputChars?: number;
}

type JsonSchema = Record<string, unknown>;

function fromZod(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema) as JsonSchema;
  return rest;
}

/** JSON Schema of a value on a port of this type, as it appears in the response's `outputs`. */
export function portTypeSchema(portType: string): JsonSchema {
  if (portType.startsWith("scores:")) {
    const schema = fromZod(emotionScoresSchema);
    const taxonomy = portType.slice("scores:".length);
    return { ...schema, description: taxonomy === "any" ? "Emotion scores of some taxonomy." : `Emotion scores in the '${taxonomy}' taxonomy.` };
  }
  switch (portType) {
    case "text":
      return { type: "string" };
    case "number":
      return { type: "number" };
    case "boolean":
      return { type: "boolean" };
    case "valence-arousal":
      return fromZod(valenceArousalSchema);
    case "action":
      return { anyOf: [fromZod(actionSchema), { type: "null" }], description: "What the pipeline decided to do; null means nothing." };
    case "faces":
      return {
        type: "array",
        items: {
          type: "object",
          properties: {
            box: { type: "object", properties: { x: { type: "number" }, y: { type: "number" }, width: { type: "number" }, height: { type: "number" } } },
            landmarks: { type: "object", additionalProperties: { type: "object", properties: { x: { type: "number" }, y: { type: "number" } } } },
            score: { type: "number" },
          },
        },
      };
    case "speech-segments":
      return {
        type: "array",
        items: { type: "object", properties: { start: { type: "number" }, end: { type: "number" }, probability: { type: "number" } } },
      };
    case "image":
    case "audio":
      return { type: "object", description: `A small summary of the ${portType} (thumbnail or waveform), never the raw samples.` };
    default:
      return { description: `A value of port type '${portType}'.` };
  }
}

function inputSchema(input: EndpointInput, maxInputChars: number | undefined): JsonSchema {
  switch (input.type) {
    case "text": {
      const limits = [input.maxChars, maxInputChars].filter((n): n is number => typeof n === "number");
      return {
        type: "string",
        ...(limits.length > 0 ? { maxLength: Math.min(...limits) } : {}),
        ...(input.example !== undefined ? { examples: [input.example] } : {}),
      };
    }
    case "number":
      return { type: "number", ...(input.example !== undefined ? { examples: [input.example] } : {}) };
    case "image":
    case "audio":
      return {
        description: `The ${input.type} file as a base64 data URL or an object with base64 bytes${input.maxBytes ? ` (at most ${input.maxBytes} bytes decoded)` : ""}; or send it as a multipart file part named '${input.name}'.`,
        oneOf: [
          { type: "string", pattern: "^data:[^,]*;base64,", description: "data:<mime type>;base64,<data>" },
          {
            type: "object",
            required: ["base64"],
            properties: {
              base64: { type: "string", contentEncoding: "base64" },
              mimeType: { type: "string" },
              filename: { type: "string" },
            },
            additionalProperties: false,
          },
        ],
      };
    default:
      return { description: "Any JSON value." };
  }
}

const SESSION_SCHEMA: JsonSchema = {
  type: "string",
  minLength: 1,
  maxLength: 128,
  pattern: "^[A-Za-z0-9_.:-]+$",
  description: "Optional conversation id: stateful nodes (mood, smoothing) remember earlier calls with the same id and key.",
};

export function buildOpenApiDocument(options: OpenApiOptions): JsonSchema {
  const { slug, interface: iface } = options;
  const inputsProperties = Object.fromEntries(iface.inputs.map((i) => [i.name, inputSchema(i, options.maxInputChars)]));
  const required = iface.inputs.filter((i) => i.required).map((i) => i.name);
  const example =
    iface.inputs.filter((i) => i.required).every((i) => i.example !== undefined)
      ? { inputs: Object.fromEntries(iface.inputs.filter((i) => i.example !== undefined).map((i) => [i.name, i.example])) }
      : undefined;
  const media = iface.inputs.filter((i) => i.type === "image" || i.type === "audio");

  const runRequest: JsonSchema = {
    type: "object",
    required: ["inputs"],
    properties: {
      inputs: { type: "object", properties: inputsProperties, required, additionalProperties: false },
      session: SESSION_SCHEMA,
    },
    additionalProperties: false,
  };
  const content: JsonSchema = {
    "application/json": {
      schema: { $ref: "#/components/schemas/RunRequest" },
      ...(example ? { example } : {}),
    },
  };
  if (media.length > 0) {
    content["multipart/form-data"] = {
      schema: {
        type: "object",
        required: ["request", ...media.filter((m) => m.required).map((m) => m.name)],
        properties: {
          request: {
            type: "string",
            description: 'JSON text {"inputs": {...}, "session"?: "..."} holding the non-file inputs (may be "{}").',
          },
          ...Object.fromEntries(media.map((m) => [m.name, { type: "string", contentMediaType: "application/octet-stream", description: `The ${m.type} file.` }])),
        },
      },
    };
  }

  const outputs: JsonSchema = {
    type: "object",
    properties: Object.fromEntries(iface.outputs.map((o) => [o.name, portTypeSchema(o.portType)])),
    description: "Named results. A result whose node failed is missing and listed in `errors`.",
  };
  const error = (description: string, headers?: JsonSchema): JsonSchema => ({
    description,
    ...(headers ? { headers } : {}),
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });
  const responses: JsonSchema = {
    "200": {
      description: "The run finished; `outputs` holds the named results.",
      content: { "application/json": { schema: { $ref: "#/components/schemas/RunResponse" } } },
    },
    "400": error("Malformed request (not JSON, not an object, bad media encoding)."),
    "401": error("Missing, unknown or revoked API key."),
    "403": error("The API key is not scoped to this endpoint."),
    "404": error("No such endpoint or version."),
    "413": error("The body, a file or a text input is larger than its limit."),
    "415": error("Unsupported content type: send application/json or multipart/form-data."),
    "422": error("Inputs do not match the endpoint's input schema; `error.fields` lists each bad field."),
    "429": error("Rate limit of this API key exceeded.", {
      "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } },
    }),
    "500": error("The pipeline failed."),
    "504": error("The run exceeded its time limit."),
  };
  const trace = {
    name: "trace",
    in: "query",
    required: false,
    description: "Set to 1 to add per-node status and timings to the response.",
    schema: { type: "string", enum: ["0", "1"] },
  };
  const operation = (operationId: string, summary: string, extraParameters: JsonSchema[] = []): JsonSchema => ({
    operationId,
    summary,
    parameters: [...extraParameters, trace],
    requestBody: { required: true, content },
    responses,
  });

  return {
    openapi: "3.1.0",
    info: {
      title: `${options.title} (${slug})`,
      version: String(options.version),
      description: `Published Attune pipeline '${slug}', live version ${options.version}. Authenticate with 'Authorization: Bearer <API key>'.`,
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearerAuth: [] }],
    paths: {
      [`/v1/pipelines/${slug}/run`]: {
        post: operation("run", "Run the live version"),
      },
      [`/v1/pipelines/${slug}/versions/{version}/run`]: {
        post: operation("runVersion", "Run a specific deployment version", [
          { name: "version", in: "path", required: true, schema: { type: "integer", minimum: 1 } },
        ]),
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "atn_<prefix>_<secret>", description: "An API key created in the studio." },
      },
      schemas: {
        RunRequest: runRequest,
        RunResponse: {
          type: "object",
          required: ["runId", "slug", "version", "outputs"],
          properties: {
            runId: { type: "string" },
            slug: { type: "string", const: slug },
            version: { type: "integer", minimum: 1 },
            outputs,
            errors: {
              type: "array",
              items: { type: "object", required: ["code", "message"], properties: { node: { type: "string" }, code: { type: "string" }, message: { type: "string" } } },
            },
            trace: {
              type: "object",
              properties: {
                status: { type: "string" },
                durationMs: { type: "number" },
                nodes: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["id", "type", "status", "durationMs"],
                    properties: {
                      id: { type: "string" },
                      type: { type: "string" },
                      status: { type: "string", enum: ["ok", "failed", "skipped", "cancelled"] },
                      durationMs: { type: "number" },
                      cached: { type: "boolean" },
                      errorCode: { type: "string" },
                    },
                  },
                },
              },
            },
          },
        },
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                fields: {
                  type: "array",
                  items: { type: "object", required: ["field", "code", "message"], properties: { field: { type: "string" }, code: { type: "string" }, message: { type: "string" } } },
                },
              },
            },
          },
        },
      },
    },
  };
}

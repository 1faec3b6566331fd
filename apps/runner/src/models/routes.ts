/**
 * Model registry routes (bearer auth comes from the server's onRequest hook):
 *
 *   GET    /v1/models                  every model card (built-in and uploaded) + upload limits
 *   GET    /v1/models/:id              one card
 *   POST   /v1/models                  upload .onnx: raw `application/octet-stream` (+ `x-filename`)
 *                                      or `multipart/form-data` with `model` and optional `tokenizer`
 *   PUT    /v1/models/:id/tokenizer    attach a tokenizer.json (octet-stream or JSON body)
 *   DELETE /v1/models/:id              delete an uploaded model (built-ins: 409)
 *
 * Raw uploads stream to disk with the byte limit enforced as they arrive (413 before storing
 * anything); multipart bodies are buffered up to the limit and parsed with the platform's FormData.
 */
import type { Readable } from "node:stream";
import type { ModelService } from "@attune/graph";
import { ModelCatalog, UserModelError } from "@attune/models";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";

export interface ModelRoutesOptions {
  /** The server's model service; the routes are live when it is the runner's ModelCatalog. */
  models?: ModelService | undefined;
}

function send(reply: FastifyReply, status: number, code: string, message: string, details: Record<string, unknown> = {}) {
  return reply.code(status).type("application/json; charset=utf-8").send({ error: { ...details, code, message } });
}

function headerFilename(request: FastifyRequest): string | undefined {
  const raw = request.headers["x-filename"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

async function readAll(stream: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return all;
}

export const modelRoutes: FastifyPluginAsync<ModelRoutesOptions> = async (app: FastifyInstance, options) => {
  const catalog = options.models instanceof ModelCatalog ? options.models : undefined;

  // Only inside this plugin: the rest of the runner stays JSON-only. The body arrives as a stream.
  app.addContentTypeParser("application/octet-stream", (_request, payload, done) => done(null, payload));
  // @fastify/multipart (registered by the server for media previews) leaves the body unread; when it
  // is absent this passthrough does the same. Either way the handler reads request.raw itself.
  if (!app.hasContentTypeParser("multipart/form-data")) {
    app.addContentTypeParser("multipart/form-data", (_request, _payload, done) => done(null, undefined));
  }

  app.addHook("preHandler", async (_request, reply) => {
    if (!catalog) return send(reply, 503, "MODELS_UNAVAILABLE", "this runner was started without a model registry");
  });

  const fail = (reply: FastifyReply, error: unknown) => {
    if (error instanceof UserModelError) return send(reply, error.status, error.code, error.message, error.details);
    throw error;
  };
  const limits = () => ({ maxUploadBytes: catalog!.maxUploadBytes, maxTokenizerBytes: catalog!.store.maxTokenizerBytes });

  app.get("/v1/models", async () => ({ models: await catalog!.list(), limits: limits() }));

  app.get<{ Params: { id: string } }>("/v1/models/:id", async (request, reply) => {
    const card = await catalog!.get(request.params.id);
    if (!card) return send(reply, 404, "MODEL_NOT_FOUND", `no model '${request.params.id}'`);
    return { model: card };
  });

  app.post("/v1/models", async (request, reply) => {
    const c = catalog!;
    const type = (request.headers["content-type"] ?? "").toLowerCase();
    const declared = Number(request.headers["content-length"]);
    const tooLarge = () =>
      send(reply.header("connection", "close"), 413, "MODEL_TOO_LARGE", `the model file is larger than the limit of ${Math.round(c.maxUploadBytes / 1024 / 1024)} MB (${c.maxUploadBytes} bytes)`, {
        limitBytes: c.maxUploadBytes,
      });
    try {
      if (type.startsWith("application/octet-stream")) {
        if (Number.isFinite(declared) && declared > c.maxUploadBytes) return tooLarge();
        const { card, created } = await c.upload(request.body as Readable, headerFilename(request));
        return reply.code(created ? 201 : 200).send({ model: card, created });
      }
      if (type.startsWith("multipart/form-data")) {
        const limit = c.maxUploadBytes + c.store.maxTokenizerBytes + 64 * 1024;
        if (Number.isFinite(declared) && declared > limit) return tooLarge();
        const body = await readAll(request.raw, limit);
        if (!body) return tooLarge();
        let form: FormData;
        try {
          // The original header: multipart boundaries are case-sensitive.
          form = await new Response(body, { headers: { "content-type": String(request.headers["content-type"]) } }).formData();
        } catch {
          return send(reply, 400, "INVALID_MULTIPART", "the multipart body could not be parsed");
        }
        const model = form.get("model");
        if (!(model instanceof Blob)) return send(reply, 400, "MODEL_MISSING", "send the .onnx file in a multipart field named 'model'");
        const tokenizer = form.get("tokenizer");
        const modelName = "name" in model && typeof model.name === "string" ? model.name : undefined;
        const { card: stored, created } = await c.upload(new Uint8Array(await model.arrayBuffer()), modelName);
        let card = stored;
        if (tokenizer instanceof Blob && tokenizer.size > 0) {
          try {
            const name = "name" in tokenizer && typeof tokenizer.name === "string" ? tokenizer.name : undefined;
            card = await c.uploadTokenizer(stored.id, new Uint8Array(await tokenizer.arrayBuffer()), name);
          } catch (error) {
            // The model itself is fine and stays; say which part was refused.
            if (error instanceof UserModelError) {
              return send(reply, error.status, error.code, `the model was stored as ${stored.id}, but its tokenizer was refused: ${error.message}`, {
                ...error.details,
                model: stored,
              });
            }
            throw error;
          }
        }
        return reply.code(created ? 201 : 200).send({ model: card, created });
      }
      return send(reply, 415, "UNSUPPORTED_MEDIA_TYPE", "upload the .onnx file as application/octet-stream (with an x-filename header) or multipart/form-data");
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.put<{ Params: { id: string } }>("/v1/models/:id/tokenizer", { bodyLimit: 64 * 1024 * 1024 }, async (request, reply) => {
    try {
      const body = request.body;
      const source =
        typeof body === "object" && body !== null && typeof (body as Readable).pipe === "function"
          ? (body as Readable)
          : new TextEncoder().encode(JSON.stringify(body));
      const card = await catalog!.uploadTokenizer(request.params.id, source, headerFilename(request));
      return { model: card };
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.delete<{ Params: { id: string } }>("/v1/models/:id", async (request, reply) => {
    try {
      if (!(await catalog!.delete(request.params.id))) return send(reply, 404, "MODEL_NOT_FOUND", `no uploaded model '${request.params.id}'`);
      return reply.code(204).send();
    } catch (error) {
      return fail(reply, error);
    }
  });
};

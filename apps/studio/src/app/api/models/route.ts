import { createRunnerClient } from "@attune/api";
import { env } from "@/env";
import { adminDenied } from "@/server/admin-guard";

export const runtime = "nodejs";

/** A tokenizer.json and multipart framing ride along with the model in one request. */
const TOKENIZER_ALLOWANCE = 20 * 1024 * 1024 + 64 * 1024;

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * Streams a model upload from the browser to the runner: `multipart/form-data` (fields `model`
 * and optional `tokenizer`) or a raw `application/octet-stream` body with `x-filename`. The runner
 * token is added here; the size limit is enforced from Content-Length and again while streaming;
 * the runner's answer (201 card, 413/422 refusal) is passed through unchanged.
 */
export async function POST(req: Request): Promise<Response> {
  // The proxy skips this streaming route (it would buffer the body), so the admin check is here.
  const denied = await adminDenied(req);
  if (denied) return denied;
  if (!env.RUNNER_TOKEN) return errorResponse(500, "RUNNER_NOT_CONFIGURED", "RUNNER_TOKEN is not set on the studio server.");
  const contentType = req.headers.get("content-type") ?? "";
  const multipart = contentType.toLowerCase().startsWith("multipart/form-data");
  if (!multipart && !contentType.toLowerCase().startsWith("application/octet-stream")) {
    return errorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "Upload the .onnx file as multipart/form-data or application/octet-stream.");
  }
  const limit = env.MODEL_UPLOAD_LIMIT_BYTES + (multipart ? TOKENIZER_ALLOWANCE : 0);
  const tooLarge = () =>
    errorResponse(413, "MODEL_TOO_LARGE", `The model file is larger than the limit of ${Math.round(env.MODEL_UPLOAD_LIMIT_BYTES / 1024 / 1024)} MB.`);
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) return tooLarge();
  if (!req.body) return errorResponse(400, "EMPTY_BODY", "The upload has no body.");

  let seen = 0;
  let exceeded = false;
  const counted = req.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          exceeded = true;
          controller.error(new Error("upload exceeds the size limit"));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const runner = createRunnerClient({ baseUrl: env.RUNNER_URL, token: env.RUNNER_TOKEN });
  const filename = req.headers.get("x-filename");
  let upstream: Response;
  try {
    upstream = await runner.uploadModel({
      body: counted,
      contentType,
      ...(Number.isFinite(declared) && declared > 0 ? { contentLength: declared } : {}),
      ...(filename ? { filename: decodeURIComponent(filename) } : {}),
      signal: req.signal,
    });
  } catch (error) {
    if (exceeded) return tooLarge();
    if (req.signal.aborted) return new Response(null, { status: 499 });
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return errorResponse(502, "RUNNER_UNREACHABLE", `The runner at ${env.RUNNER_URL} is unreachable (${reason}).`);
  }
  return new Response(upstream.body, {
    status: upstream.status,
    headers: { "content-type": upstream.headers.get("content-type") ?? "application/json", "cache-control": "no-store" },
  });
}

import { env } from "@/env";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The published endpoints on the studio's own origin: `/v1/pipelines/**` is streamed to the
 * runner as is. The caller's API key travels in its own Authorization header and the runner checks
 * it; the studio never adds its runner token here, so this route grants nothing by itself.
 * Everything else under /v1 (preview, models: runner-token routes) is not reachable this way.
 */

// Hop-by-hop and origin-bound headers are not forwarded; cookies never leave the studio.
const DROP_REQUEST = new Set(["host", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection", "cookie", "expect"]);
// fetch() already decoded the body, so the encoding and length of the wire bytes no longer apply.
const DROP_RESPONSE = new Set(["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-encoding", "content-length", "set-cookie"]);

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

async function forward(req: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  // Keyed public API only: published runs and per-run feedback. Runner-internal routes stay private.
  const isPipelineRoute = path[0] === "pipelines" && path.length >= 2;
  const isFeedbackRoute = path[0] === "runs" && path.length === 3 && path[2] === "feedback";
  if (!isPipelineRoute && !isFeedbackRoute) {
    return errorResponse(404, "NOT_FOUND", "Only /v1/pipelines/... and /v1/runs/{runId}/feedback are served on this origin.");
  }
  const incoming = new URL(req.url);
  const target = `${env.RUNNER_URL}/v1/${path.map(encodeURIComponent).join("/")}${incoming.search}`;
  const headers = new Headers();
  req.headers.forEach((value, name) => {
    if (!DROP_REQUEST.has(name) && !name.startsWith("x-forwarded-")) headers.set(name, value);
  });
  // So the runner can write the studio's URL (not its own) into the OpenAPI document.
  const host = req.headers.get("host");
  if (host) headers.set("x-forwarded-host", host);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && req.body !== null;
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers,
      // Streamed, not buffered: big multipart uploads reach the runner's own body limit (413).
      ...(hasBody ? { body: req.body, duplex: "half" } : {}),
      redirect: "manual",
      signal: req.signal,
    } as RequestInit);
  } catch (error) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    console.error(`/v1 proxy: runner at ${env.RUNNER_URL} unreachable: ${reason}`);
    return errorResponse(502, "RUNNER_UNREACHABLE", "The pipeline runner is unreachable. Try again shortly.");
  }
  const responseHeaders = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROP_RESPONSE.has(name)) responseHeaders.set(name, value);
  });
  return new Response(req.method === "HEAD" ? null : upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
}

export { forward as GET, forward as POST, forward as HEAD, forward as OPTIONS, forward as PUT, forward as PATCH, forward as DELETE };

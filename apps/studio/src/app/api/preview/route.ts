import { env } from "@/env";

export const runtime = "nodejs";

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** The first string run input longer than the studio allows, checked before a network hop. */
function findOversizedInput(body: unknown, max: number): { name: string; length: number } | undefined {
  if (typeof body !== "object" || body === null || !("inputs" in body)) return undefined;
  const inputs = body.inputs;
  if (typeof inputs !== "object" || inputs === null) return undefined;
  for (const [name, value] of Object.entries(inputs)) {
    if (typeof value === "string" && value.length > max) return { name, length: value.length };
  }
  return undefined;
}

/**
 * Forwards a live-preview request to the runner. The runner token stays on the server; the SSE
 * body is piped back as it arrives so per-node results reach the canvas while the run goes on.
 */
export async function POST(req: Request): Promise<Response> {
  if (!env.RUNNER_TOKEN) {
    return errorResponse(500, "RUNNER_NOT_CONFIGURED", "RUNNER_TOKEN is not set on the studio server.");
  }
  const body = await req.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return errorResponse(400, "BAD_JSON", "The preview request body is not valid JSON.");
  }
  const oversized = findOversizedInput(parsed, env.MAX_INPUT_CHARS);
  if (oversized) {
    return errorResponse(
      413,
      "INPUT_TOO_LARGE",
      `Input '${oversized.name}' has ${oversized.length} characters; the limit is ${env.MAX_INPUT_CHARS}.`,
    );
  }
  let upstream: Response;
  try {
    upstream = await fetch(`${env.RUNNER_URL}/v1/preview`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${env.RUNNER_TOKEN}`,
      },
      body,
      // When the browser aborts (a newer preview superseded this one) the runner stops too.
      signal: req.signal,
    });
  } catch (error) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return errorResponse(502, "RUNNER_UNREACHABLE", `The preview runner at ${env.RUNNER_URL} is unreachable (${reason}). Is it running?`);
  }
  const headers = new Headers({
    "content-type": upstream.headers.get("content-type") ?? "application/json",
    "cache-control": "no-cache, no-transform",
    // Stops proxies (nginx) from buffering the event stream.
    "x-accel-buffering": "no",
  });
  return new Response(upstream.body, { status: upstream.status, headers });
}

import { env } from "@/env";
import { adminDenied } from "@/server/admin-guard";
import { specRegistry } from "@/lib/specs";

export const runtime = "nodejs";

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * The first text run input longer than the studio allows, checked before a network hop. Only inputs
 * read by text input nodes count: images and audio travel as base64 and have their own limits.
 */
function findOversizedInput(body: unknown, max: number): { name: string; length: number } | undefined {
  if (typeof body !== "object" || body === null || !("inputs" in body)) return undefined;
  const inputs = body.inputs;
  if (typeof inputs !== "object" || inputs === null) return undefined;
  const textNames = textInputNames("document" in body ? body.document : undefined);
  for (const [name, value] of Object.entries(inputs)) {
    if (textNames.has(name) && typeof value === "string" && value.length > max) return { name, length: value.length };
  }
  return undefined;
}

/** Run-input names read by input nodes that produce text (the runner validates the document itself). */
function textInputNames(document: unknown): Set<string> {
  const names = new Set<string>();
  const nodes = typeof document === "object" && document !== null && "nodes" in document ? document.nodes : undefined;
  if (!Array.isArray(nodes)) return names;
  for (const node of nodes as { type?: unknown; params?: { name?: unknown } }[]) {
    const spec = typeof node?.type === "string" ? specRegistry.get(node.type) : undefined;
    if (spec?.role !== "input" || spec.outputs[0]?.type !== "text") continue;
    const name = node.params?.name ?? (spec.params.safeParse({}).data as { name?: unknown } | undefined)?.name;
    if (typeof name === "string") names.add(name);
  }
  return names;
}

/**
 * Forwards a live-preview request to the runner. The runner token stays on the server; the SSE
 * body is piped back as it arrives so per-node results reach the canvas while the run goes on.
 */
export async function POST(req: Request): Promise<Response> {
  // The proxy skips this streaming route (it would buffer the body), so the admin check is here.
  const denied = await adminDenied(req);
  if (denied) return denied;
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

import type { AddressInfo } from "node:net";
import { runEventSchema, type RunEvent } from "@attune/graph";
import { buildServer, type BuildServerOptions } from "../src/server";

export const TOKEN = "test-token-0123456789abcdef";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the real runner on an ephemeral loopback port. */
export async function startServer(options: Partial<BuildServerOptions> = {}): Promise<RunningServer> {
  const app = buildServer({ token: TOKEN, ...options });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...extra };
}

/** POSTs a JSON body to /v1/preview (defaults to SSE accept). */
export function postPreview(
  server: RunningServer,
  body: unknown,
  init: { accept?: string; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${server.url}/v1/preview`, {
    method: "POST",
    headers: authHeaders({ accept: init.accept ?? "text/event-stream", ...init.headers }),
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/**
 * Parses an SSE body into run events. Every `data:` payload must pass runEventSchema: a frame that
 * does not is a contract break and fails the test here.
 */
export function parseSse(text: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const frame of text.split("\n\n")) {
    if (frame.trim() === "") continue;
    const dataLines = frame
      .split("\n")
      .filter((line) => !line.startsWith(":"))
      .map((line) => {
        if (!line.startsWith("data: ")) throw new Error(`unexpected SSE line: ${JSON.stringify(line)}`);
        return line.slice("data: ".length);
      });
    if (dataLines.length === 0) continue;
    events.push(runEventSchema.parse(JSON.parse(dataLines.join("\n"))));
  }
  return events;
}

/** Reads an SSE response incrementally, handing each parsed event to the caller as it arrives. */
export async function* readEvents(response: Response): AsyncGenerator<RunEvent> {
  if (!response.body) throw new Error("response has no body");
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const frame = buffer.slice(0, end + 2);
      buffer = buffer.slice(end + 2);
      yield* parseSse(frame);
    }
  }
  yield* parseSse(buffer);
}

const at = (x: number) => ({ x, y: 0 });

/** A document node instance with the boilerplate filled in. */
export function node(id: string, type: string, params: Record<string, unknown> = {}, x = 0) {
  return { id, type, version: 1, params, position: at(x) };
}

export function edge(from: string, fromPort: string, to: string, toPort: string) {
  return { id: `${from}-${fromPort}-${to}-${toPort}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}

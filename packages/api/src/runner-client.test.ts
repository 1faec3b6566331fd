import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { createRunnerClient } from "./runner-client";

it("POSTs the preview with a bearer token and hands back the SSE stream", async () => {
  let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: unknown } = {};
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body: JSON.parse(raw) };
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"type":"run-started"}\n\n');
      res.end('data: {"type":"run-finished"}\n\n');
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const port = (server.address() as AddressInfo).port;
    // A path prefix on the base URL must be kept (runner behind a reverse proxy).
    const runner = createRunnerClient({ baseUrl: `http://127.0.0.1:${port}/runner`, token: "s3cret" });
    const document = { schemaVersion: 1 as const, nodes: [], edges: [] };
    const response = await runner.preview({ document, inputs: { text: "I am furious" }, sessionId: "tab-1" });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(await response.text()).toBe('data: {"type":"run-started"}\n\ndata: {"type":"run-finished"}\n\n');
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/runner/v1/preview");
    expect(seen.headers?.authorization).toBe("Bearer s3cret");
    expect(seen.headers?.["content-type"]).toBe("application/json");
    expect(seen.body).toEqual({ document, inputs: { text: "I am furious" }, sessionId: "tab-1" });
  } finally {
    server.close();
  }
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineNode, emotionScoresSchema, type RunEvent } from "@attune/graph";
import type { RunResult } from "@attune/runtime";
import { createNodeRegistry } from "../src/registry";
import { authHeaders, edge, node, parseSse, postPreview, readEvents, startServer, TOKEN, type RunningServer } from "./helpers";

const ANGRY = "I hate this, it is terrible!";

/** text-input -> sentiment -> threshold -> output, plus the sentiment itself as outputs. */
function sentimentPipeline(threshold = 0.3) {
  return {
    schemaVersion: 1,
    nodes: [
      node("in", "core.text-input"),
      node("sent", "nlp.sentiment", {}, 200),
      node("thr", "policy.threshold", { label: "negative", op: ">", threshold, action: "escalate" }, 400),
      node("outAction", "core.output", { name: "action" }, 600),
      node("outScores", "core.output", { name: "scores" }, 600),
      node("outValence", "core.output", { name: "valence" }, 600),
    ],
    edges: [
      edge("in", "text", "sent", "text"),
      edge("sent", "scores", "thr", "value"),
      edge("thr", "action", "outAction", "value"),
      edge("sent", "scores", "outScores", "value"),
      edge("sent", "valence", "outValence", "value"),
    ],
  };
}
const ALL_NODES = ["in", "sent", "thr", "outAction", "outScores", "outValence"];

function finished(events: RunEvent[]) {
  const last = events.at(-1);
  if (last?.type !== "run-finished") throw new Error(`stream did not end with run-finished: ${JSON.stringify(last)}`);
  return last;
}

function nodeFinished(events: RunEvent[]): Map<string, boolean> {
  const cached = new Map<string, boolean>();
  for (const e of events) if (e.type === "node-finished") cached.set(e.nodeId, e.cached);
  return cached;
}

async function sse(server: RunningServer, body: unknown): Promise<RunEvent[]> {
  const res = await postPreview(server, body);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return parseSse(await res.text());
}

async function errorOf(res: Response): Promise<{ code: string; message: string; [k: string]: unknown }> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(typeof body.error.code).toBe("string");
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

describe("runner HTTP API", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("reports health without a token", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; nodes: number };
    expect(body.ok).toBe(true);
    expect(body.nodes).toBe(createNodeRegistry().list().length);
    expect(body.nodes).toBeGreaterThanOrEqual(4);
  });

  it("refuses requests without the bearer token, or with a wrong one", async () => {
    const doc = { document: sentimentPipeline(), inputs: { text: ANGRY } };
    const cases: Record<string, string>[] = [
      { "content-type": "application/json" },
      { "content-type": "application/json", authorization: "Bearer wrong-token-0123456789" },
      { "content-type": "application/json", authorization: `Bearer ${TOKEN}x` },
      { "content-type": "application/json", authorization: `Basic ${TOKEN}` },
      { "content-type": "application/json", authorization: "Bearer" },
    ];
    for (const headers of cases) {
      const res = await fetch(`${server.url}/v1/preview`, { method: "POST", headers, body: JSON.stringify(doc) });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await errorOf(res)).code).toBe("UNAUTHORIZED");
    }
    const nodes = await fetch(`${server.url}/v1/nodes`);
    expect(nodes.status).toBe(401);
  });

  it("lists the node types it can run", async () => {
    const res = await fetch(`${server.url}/v1/nodes`, { headers: authHeaders() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { nodes: { type: string; version: number }[] };
    const types = body.nodes.map((n) => n.type);
    expect(types).toEqual(expect.arrayContaining(["core.text-input", "core.output", "nlp.sentiment", "policy.threshold"]));
  });

  it("streams a sentiment -> threshold pipeline as schema-valid server-sent events", async () => {
    const events = await sse(server, { document: sentimentPipeline(), inputs: { text: ANGRY } });

    expect(events[0]?.type).toBe("run-started");
    const runId = events[0]!.runId;
    expect(events.every((e) => e.runId === runId)).toBe(true);
    expect(events.filter((e) => e.type === "run-finished")).toHaveLength(1);

    const done = nodeFinished(events);
    expect([...done.keys()].sort()).toEqual([...ALL_NODES].sort());
    expect([...done.values()].every((cached) => cached === false)).toBe(true);
    expect(events.some((e) => e.type === "node-failed" || e.type === "node-skipped")).toBe(false);

    const end = finished(events);
    expect(end.status).toBe("ok");
    const scores = emotionScoresSchema.parse(end.outputs.scores);
    expect(scores.taxonomy).toBe("sentiment3");
    expect(scores.scores.negative!).toBeGreaterThan(scores.scores.positive!);
    expect(scores.scores.negative!).toBeGreaterThan(scores.scores.neutral!);
    expect(end.outputs.valence as number).toBeLessThan(-0.5);
    expect(end.outputs.action).toMatchObject({ name: "escalate" });
  });

  it("does not fire the threshold for a happy sentence", async () => {
    const events = await sse(server, { document: sentimentPipeline(), inputs: { text: "What a lovely, helpful answer. Thank you!" } });
    const end = finished(events);
    expect(end.status).toBe("ok");
    expect(end.outputs.action).toBeNull();
    expect(end.outputs.valence as number).toBeGreaterThan(0.5);
  });

  it("re-runs only the edited node and its descendants within a session", async () => {
    const sessionId = "session-cache-1";
    const first = await sse(server, { document: sentimentPipeline(0.3), inputs: { text: ANGRY }, sessionId });
    expect(finished(first).status).toBe("ok");
    expect([...nodeFinished(first).values()].some(Boolean)).toBe(false);

    const second = await sse(server, { document: sentimentPipeline(0.35), inputs: { text: ANGRY }, sessionId });
    const end = finished(second);
    expect(end.status).toBe("ok");
    expect(end.outputs.action).toMatchObject({ name: "escalate", detail: { threshold: 0.35 } });
    const cached = nodeFinished(second);
    expect(cached.get("sent")).toBe(true);
    expect(cached.get("in")).toBe(true);
    expect(cached.get("outScores")).toBe(true);
    expect(cached.get("outValence")).toBe(true);
    expect(cached.get("thr")).toBe(false);
    expect(cached.get("outAction")).toBe(false);

    // New text invalidates everything downstream of the input.
    const third = await sse(server, { document: sentimentPipeline(0.35), inputs: { text: "Fine." }, sessionId });
    expect([...nodeFinished(third).values()].some(Boolean)).toBe(false);

    // Another session does not see this session's cache.
    const other = await sse(server, { document: sentimentPipeline(0.35), inputs: { text: ANGRY }, sessionId: "session-cache-2" });
    expect([...nodeFinished(other).values()].some(Boolean)).toBe(false);
  });

  it("drops a preview session on request", async () => {
    const sessionId = "session-to-drop";
    await sse(server, { document: sentimentPipeline(), inputs: { text: ANGRY }, sessionId });
    const del = await fetch(`${server.url}/v1/preview/sessions/${sessionId}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(del.status).toBe(204);
    const again = await sse(server, { document: sentimentPipeline(), inputs: { text: ANGRY }, sessionId });
    expect([...nodeFinished(again).values()].some(Boolean)).toBe(false);
    const missing = await fetch(`${server.url}/v1/preview/sessions/no-such-session`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("SESSION_NOT_FOUND");
  });

  it("returns the final RunResult as JSON when asked for application/json", async () => {
    const res = await postPreview(server, { document: sentimentPipeline(), inputs: { text: ANGRY } }, { accept: "application/json" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const result = (await res.json()) as RunResult;
    expect(result.status).toBe("ok");
    expect(res.headers.get("x-run-id")).toBe(result.runId);
    expect(Object.keys(result.nodes).sort()).toEqual([...ALL_NODES].sort());
    for (const id of ALL_NODES) expect(result.nodes[id]?.status).toBe("ok");
    expect(result.outputs.valence as number).toBeLessThan(0);
    expect(result.outputs.action).toMatchObject({ name: "escalate" });
  });

  it("rejects a malformed JSON body with 400 and says where", async () => {
    const res = await postPreview(server, '{"document": {"schemaVersion": 1,', { accept: "application/json" });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("INVALID_JSON");
    expect(error.message).toMatch(/not valid JSON: .+/);

    const empty = await postPreview(server, "", { accept: "application/json" });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).code).toBe("INVALID_JSON");
  });

  it("rejects a request without a document, and a non-JSON content type", async () => {
    const res = await postPreview(server, { inputs: { text: "hi" }, sessionId: "bad id!" }, { accept: "application/json" });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("INVALID_REQUEST");
    const paths = (error.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["document", "sessionId"]));

    const text = await fetch(`${server.url}/v1/preview`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" },
      body: "hello",
    });
    expect(text.status).toBe(415);
    expect((await errorOf(text)).code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("rejects a schema-invalid document with 400 and the exact paths", async () => {
    const doc = sentimentPipeline() as { schemaVersion: unknown; nodes: Record<string, unknown>[]; edges: unknown[] };
    doc.schemaVersion = 2;
    doc.nodes[1] = { ...doc.nodes[1], position: { x: "left", y: 0 } };
    doc.nodes[2] = { ...doc.nodes[2], type: "Policy Threshold" };
    const res = await postPreview(server, { document: doc, inputs: { text: ANGRY } }, { accept: "application/json" });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("INVALID_DOCUMENT");
    const paths = (error.problems as { path: string; message: string }[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["schemaVersion", "nodes[1].position.x", "nodes[2].type"]));
    expect(error.message).toContain("nodes[1].position.x");
  });

  it("rejects an unknown node type with 422 naming the node", async () => {
    const doc = sentimentPipeline();
    // Wired to an output: an unknown node in a branch that feeds nothing is only a warning.
    doc.nodes.push(node("mystery", "nlp.mind-reader", {}, 200), node("outMystery", "core.output", { name: "mind" }, 400));
    doc.edges.push(edge("in", "text", "mystery", "text"), edge("mystery", "thoughts", "outMystery", "value"));
    const res = await postPreview(server, { document: doc, inputs: { text: ANGRY } });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe("INVALID_PIPELINE");
    expect(error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ code: "UNKNOWN_NODE_TYPE", nodeId: "mystery" })]));
    expect(error.message).toContain("mystery");
  });

  it("rejects a cycle with 422 naming the nodes in it", async () => {
    const doc = {
      schemaVersion: 1,
      nodes: [node("a", "core.output", { name: "a" }), node("b", "core.output", { name: "b" }, 200)],
      edges: [edge("a", "value", "b", "value"), edge("b", "value", "a", "value")],
    };
    const res = await postPreview(server, { document: doc, inputs: {} }, { accept: "application/json" });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    const issues = error.issues as { code: string; nodeId?: string }[];
    const cycle = issues.filter((i) => i.code === "CYCLE");
    expect(cycle.length).toBeGreaterThan(0);
    expect(cycle.every((i) => i.nodeId === "a" || i.nodeId === "b")).toBe(true);
  });

  it("rejects text inputs above the character limit with 413 naming the input", async () => {
    const over = await postPreview(server, { document: sentimentPipeline(), inputs: { text: "a".repeat(10_001) } });
    expect(over.status).toBe(413);
    const error = await errorOf(over);
    expect(error).toMatchObject({ code: "INPUT_TOO_LARGE", input: "text", limit: 10_000, length: 10_001 });
    expect(error.message).toContain("'text'");

    const exact = await postPreview(server, { document: sentimentPipeline(), inputs: { text: "bad ".repeat(2_500) } }, { accept: "application/json" });
    expect(exact.status).toBe(200);
    expect(((await exact.json()) as RunResult).status).toBe("ok");
  });

  it("rejects a body above the preview byte limit with 413", async () => {
    // The preview route carries media, so its limit (32 MiB by default) is separate from the 2 MiB one.
    const body = JSON.stringify({ document: sentimentPipeline(), inputs: { text: "x", padding: "p".repeat(3 * 1024 * 1024) } });
    expect((await postPreview(server, body, { accept: "application/json" })).status).toBe(200);
    const small = await startServer({ previewBodyLimitBytes: 1024 * 1024 });
    try {
      const res = await postPreview(small, body);
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toMatchObject({ code: "BODY_TOO_LARGE", limitBytes: 1024 * 1024 });
    } finally {
      await small.close();
    }
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await fetch(`${server.url}/v1/nope`, { headers: authHeaders() });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("NOT_FOUND");
  });

  it("answers unknown routes with 401 to callers without the token, so routes cannot be probed", async () => {
    const callers: Record<string, string>[] = [{}, { authorization: "Bearer not-the-token-at-all" }];
    for (const headers of callers) {
      const res = await fetch(`${server.url}/v1/nope`, { headers });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("UNAUTHORIZED");
    }
  });

  it("takes the token on routes that plugins declare (model registry), not only on the server's own", async () => {
    const res = await fetch(`${server.url}/v1/models`);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("UNAUTHORIZED");
  });
});

/** A node that blocks until its run is aborted, so tests can observe cancellation. */
function blockingNode(onStart: (signal: AbortSignal) => void) {
  return defineNode(
    {
      type: "core.wait-for-abort",
      version: 1,
      family: "core",
      title: "Wait for abort (test)",
      description: "Blocks until aborted.",
      inputs: [{ id: "text", label: "Text", accepts: "text" }],
      outputs: [{ id: "text", label: "Text", type: "text" }],
      params: z.object({}),
      cacheable: false,
    },
    {
      run: (_inputs, _params, ctx) =>
        new Promise((_resolve, reject) => {
          onStart(ctx.signal);
          const fail = () => reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error("aborted"));
          if (ctx.signal.aborted) fail();
          else ctx.signal.addEventListener("abort", fail, { once: true });
        }),
      example: { inputs: { text: "x" } },
    },
  );
}

const blockingDoc = {
  schemaVersion: 1,
  nodes: [node("in", "core.text-input"), node("wait", "core.wait-for-abort", {}, 200), node("out", "core.output", {}, 400)],
  edges: [edge("in", "text", "wait", "text"), edge("wait", "text", "out", "value")],
};

async function nextUntil(iterator: AsyncGenerator<RunEvent>, predicate: (e: RunEvent) => boolean): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  for (;;) {
    const { value, done } = await iterator.next();
    if (done) throw new Error(`stream ended before the expected event; saw ${seen.map((e) => e.type).join(", ")}`);
    seen.push(value);
    if (predicate(value)) return seen;
  }
}

async function drain(iterator: AsyncGenerator<RunEvent>): Promise<RunEvent[]> {
  const rest: RunEvent[] = [];
  for (;;) {
    const { value, done } = await iterator.next();
    if (done) return rest;
    rest.push(value);
  }
}

describe("runner cancellation", () => {
  let server: RunningServer;
  const started: AbortSignal[] = [];
  let onStarted: (() => void) | undefined;
  const waitForStart = () => new Promise<void>((resolve) => (onStarted = resolve));

  beforeAll(async () => {
    const registry = createNodeRegistry([
      blockingNode((signal) => {
        started.push(signal);
        onStarted?.();
      }),
    ]);
    server = await startServer({ registry });
  });
  afterAll(async () => {
    await server.close();
  });

  const waitStarted = (e: RunEvent) => e.type === "node-started" && e.nodeId === "wait";

  it("a newer preview in the same session aborts the running one", async () => {
    const sessionId = "session-supersede";
    const started$ = waitForStart();
    const first = readEvents(await postPreview(server, { document: blockingDoc, inputs: { text: "a" }, sessionId }));
    await started$;
    await nextUntil(first, waitStarted);
    const signal = started.at(-1)!;
    expect(signal.aborted).toBe(false);

    const second = await postPreview(server, { document: sentimentPipeline(), inputs: { text: ANGRY }, sessionId }, { accept: "application/json" });
    expect(second.status).toBe(200);
    expect(((await second.json()) as RunResult).status).toBe("ok");

    const rest = await drain(first);
    expect(signal.aborted).toBe(true);
    expect(finished(rest).status).toBe("cancelled");
  });

  it("a preview in another session is left running", async () => {
    const started$ = waitForStart();
    const first = readEvents(await postPreview(server, { document: blockingDoc, inputs: { text: "a" }, sessionId: "session-x" }));
    await started$;
    await nextUntil(first, waitStarted);
    const signal = started.at(-1)!;
    const other = await postPreview(server, { document: sentimentPipeline(), inputs: { text: ANGRY }, sessionId: "session-y" }, { accept: "application/json" });
    expect(other.status).toBe(200);
    await other.json();
    expect(signal.aborted).toBe(false);
    // Clean up: superseding within session-x ends it.
    await (await postPreview(server, { document: sentimentPipeline(), inputs: { text: "ok" }, sessionId: "session-x" }, { accept: "application/json" })).json();
    expect(finished(await drain(first)).status).toBe("cancelled");
  });

  it("aborts the run when the SSE client disconnects", async () => {
    const client = new AbortController();
    const started$ = waitForStart();
    const res = await postPreview(server, { document: blockingDoc, inputs: { text: "a" } }, { signal: client.signal });
    expect(res.status).toBe(200);
    await started$;
    const signal = started.at(-1)!;
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    client.abort();
    await aborted;
    expect(signal.aborted).toBe(true);
  });

  it("aborts the run when a JSON client disconnects", async () => {
    const client = new AbortController();
    const started$ = waitForStart();
    const res = postPreview(server, { document: blockingDoc, inputs: { text: "a" } }, { signal: client.signal, accept: "application/json" });
    res.catch(() => undefined);
    await started$;
    const signal = started.at(-1)!;
    const aborted = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    client.abort();
    await aborted;
    expect(signal.aborted).toBe(true);
  });

  it("closing the server ends open streams with a cancelled run-finished", async () => {
    const registry = createNodeRegistry([blockingNode(() => onStarted?.())]);
    const local = await startServer({ registry });
    const started$ = waitForStart();
    const events = readEvents(await postPreview(local, { document: blockingDoc, inputs: { text: "a" }, sessionId: "s" }));
    await started$;
    const closed = local.close();
    const rest = await drain(events);
    await closed;
    expect(finished(rest).status).toBe("cancelled");
  });
});

describe("runner logging", () => {
  it("never writes the bearer token to the log", async () => {
    const lines: string[] = [];
    const server = await startServer({ logLevel: "trace", logStream: { write: (line) => void lines.push(line) } });
    try {
      const wrong = "wrong-but-secret-token-987654321";
      await (await fetch(`${server.url}/v1/nodes`, { headers: { authorization: `Bearer ${wrong}` } })).text();
      await (await fetch(`${server.url}/v1/nodes`, { headers: authHeaders() })).text();
      await (await postPreview(server, { document: sentimentPipeline(), inputs: { text: ANGRY } })).text();
      expect(lines.length).toBeGreaterThan(0);
      const log = lines.join("");
      expect(log).not.toContain(TOKEN);
      expect(log).not.toContain(wrong);
      expect(log).toContain("/v1/preview");
    } finally {
      await server.close();
    }
  });

  it("tags every request's lines with its reqId at an enabled level, and writes none below it", async () => {
    const lines: string[] = [];
    const server = await startServer({ logLevel: "info", logStream: { write: (line) => void lines.push(line) } });
    try {
      await (await fetch(`${server.url}/v1/nodes`, { headers: authHeaders() })).text();
      await (await fetch(`${server.url}/v1/nodes`)).text(); // 401
      const records = lines.map((line) => JSON.parse(line) as { level: number; reqId?: string; msg?: string });
      const perRequest = records.filter((r) => r.msg === "incoming request" || r.msg === "request completed" || r.msg === "request rejected");
      expect(perRequest.length).toBe(4); // incoming + completed, per request
      for (const record of perRequest) expect(record.reqId).toMatch(/^req-/);
      expect(records.every((r) => r.level >= 30)).toBe(true); // nothing at debug/trace
    } finally {
      await server.close();
    }
  });
});

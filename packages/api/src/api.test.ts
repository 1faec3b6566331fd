import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { openDatabase, type AttuneDb } from "@attune/db";
import { defineNodeSpec, NodeRegistry, type NodeSpec, type PipelineDocument } from "@attune/graph";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAppRouter, createContext, type AppRouter } from "./index";

// A tiny registry defined here, because api must not depend on node packages.
const specs = new NodeRegistry<NodeSpec>([
  defineNodeSpec({
    type: "core.text-input",
    version: 1,
    family: "core",
    title: "Text input",
    description: "Reads a text run input.",
    role: "input",
    inputs: [],
    outputs: [{ id: "text", label: "Text", type: "text" }],
    params: z.object({ name: z.string().min(1).default("text") }),
    keywords: ["input"],
  }),
  defineNodeSpec({
    type: "policy.threshold",
    version: 2,
    family: "policy",
    title: "Threshold",
    description: "Fires when a value crosses a threshold.",
    inputs: [{ id: "value", label: "Value", accepts: ["number", "scores:any"] }],
    outputs: [{ id: "fired", label: "Fired", type: "boolean" }],
    params: z.object({ threshold: z.number().min(0).max(1).default(0.7), label: z.string().optional() }),
  }),
  defineNodeSpec({
    type: "core.output",
    version: 1,
    family: "core",
    title: "Output",
    description: "Names a result field.",
    role: "output",
    inputs: [{ id: "value", label: "Value", accepts: "any" }],
    outputs: [],
    params: z.object({ name: z.string().min(1).default("result") }),
  }) as NodeSpec,
]);

function docWith(...ids: string[]): PipelineDocument {
  return {
    schemaVersion: 1,
    nodes: ids.map((id, i) => ({ id, type: "core.text-input", version: 1, params: { name: id }, position: { x: i * 100, y: 0 } })),
    edges: [],
  };
}

/** Node http -> WHATWG Request -> the same fetch adapter the studio's Next route handler uses. */
async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // Required by undici for a streamed request body.
    duplex: "half",
  } as RequestInit);
}

let dir: string;
let db: AttuneDb;
let server: Server;
let url: string;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "attune-api-"));
  db = openDatabase(path.join(dir, "attune.sqlite"));
  const router = createAppRouter();
  server = createServer((req, res) => {
    void (async () => {
      const response = await fetchRequestHandler({
        endpoint: "/trpc",
        req: await toRequest(req, url),
        router,
        createContext: () => createContext({ db, specs }),
      });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // httpLink (not batch) so each call is its own HTTP request with its own status.
  client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc` })] });
});

afterAll(async () => {
  server.close();
  await once(server, "close");
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function rowCounts(): { pipelines: number; versions: number } {
  const count = (table: string) => (db.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { pipelines: count("pipelines"), versions: count("pipeline_versions") };
}

/** The JSON body of a failed (non-batched) tRPC call, as our errorFormatter shapes it. */
interface ErrorBody {
  error: {
    message: string;
    data: { code: string; httpStatus: number; problems: { path: string; message: string }[] | null; currentHeadVersion: number | null };
  };
}

async function post(procedure: string, input: unknown): Promise<{ status: number; body: ErrorBody }> {
  const res = await fetch(`${url}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

async function get(procedure: string, input: unknown): Promise<{ status: number; body: ErrorBody }> {
  const res = await fetch(`${url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

describe("pipelines over HTTP", () => {
  it("creates, saves, lists history and restores", async () => {
    const created = await client.pipelines.create.mutate({ name: "Angry caller", description: "escalate", document: docWith("a") });
    expect(created.headVersion).toBe(1);

    const v2 = await client.pipelines.save.mutate({ id: created.id, baseVersion: 1, document: docWith("a", "b"), message: "add b" });
    expect(v2.version).toBe(2);

    const history = await client.pipelines.history.query({ id: created.id });
    expect(history.map((v) => [v.version, v.message, v.nodeCount])).toEqual([
      [2, "add b", 2],
      [1, null, 1],
    ]);

    const restored = await client.pipelines.restore.mutate({ id: created.id, version: 1, baseVersion: 2 });
    expect(restored.version).toBe(3);
    const head = await client.pipelines.get.query({ id: created.id });
    expect(head.headVersion).toBe(3);
    expect(head.document).toEqual(docWith("a"));
    expect((await client.pipelines.getVersion.query({ id: created.id, version: 2 })).document).toEqual(docWith("a", "b"));

    const list = await client.pipelines.list.query();
    expect(list.find((p) => p.id === created.id)).toMatchObject({ name: "Angry caller", headVersion: 3, nodeCount: 1 });
  });

  it("renames, duplicates and deletes", async () => {
    const created = await client.pipelines.create.mutate({ name: "Original", document: docWith("x") });
    const renamed = await client.pipelines.rename.mutate({ id: created.id, name: "Renamed" });
    expect(renamed.name).toBe("Renamed");
    const copy = await client.pipelines.duplicate.mutate({ id: created.id });
    expect(copy).toMatchObject({ name: "Renamed (copy)", headVersion: 1, document: docWith("x") });

    expect(await client.pipelines.delete.mutate({ id: created.id })).toEqual({ id: created.id, deleted: true });
    const missing = await get("pipelines.get", { id: created.id });
    expect(missing.status).toBe(404);
    expect(missing.body.error.data.code).toBe("NOT_FOUND");
    expect((await client.pipelines.get.query({ id: copy.id })).name).toBe("Renamed (copy)");
  });

  it("rejects a stale save with 409, names the current head and stores nothing", async () => {
    const created = await client.pipelines.create.mutate({ name: "Race" });
    await client.pipelines.save.mutate({ id: created.id, baseVersion: 1, document: docWith("mine") });
    const before = rowCounts();

    const stale = await post("pipelines.save", { id: created.id, baseVersion: 1, document: docWith("theirs") });
    expect(stale.status).toBe(409);
    expect(stale.body.error.data.code).toBe("CONFLICT");
    expect(stale.body.error.data.currentHeadVersion).toBe(2);
    expect(stale.body.error.message).toMatch(/current version is 2/);

    // The typed client sees the same data.
    const error = await client.pipelines.save
      .mutate({ id: created.id, baseVersion: 1, document: docWith("theirs") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.currentHeadVersion).toBe(2);

    expect(rowCounts()).toEqual(before);
    expect((await client.pipelines.get.query({ id: created.id })).document).toEqual(docWith("mine"));
  });

  it("rejects a malformed document with 400 listing exact paths and stores nothing", async () => {
    const created = await client.pipelines.create.mutate({ name: "Strict" });
    const before = rowCounts();
    const bad = docWith("a", "b") as { nodes: Array<Record<string, unknown>> };
    bad.nodes[0] = { ...bad.nodes[0], position: { x: "left", y: 0 } };
    bad.nodes[1] = { ...bad.nodes[1], type: "NotAType" };

    const res = await post("pipelines.save", { id: created.id, baseVersion: 1, document: bad });
    expect(res.status).toBe(400);
    expect(res.body.error.data.code).toBe("BAD_REQUEST");
    const paths = (res.body.error.data.problems ?? []).map((p) => p.path);
    expect(paths).toEqual(["document.nodes[0].position.x", "document.nodes[1].type"]);

    const wrongVersion = await post("pipelines.create", { name: "X", document: { schemaVersion: 2, nodes: [], edges: [] } });
    expect(wrongVersion.status).toBe(400);
    expect((wrongVersion.body.error.data.problems ?? []).map((p) => p.path)).toEqual(["document.schemaVersion"]);

    const notJson = await fetch(`${url}/trpc/pipelines.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(notJson.status).toBe(400);

    expect(rowCounts()).toEqual(before);
    expect((await client.pipelines.history.query({ id: created.id })).map((v) => v.version)).toEqual([1]);
  });

  it("returns 404 for unknown ids and versions", async () => {
    const created = await client.pipelines.create.mutate({ name: "Lonely" });
    expect((await get("pipelines.getVersion", { id: created.id, version: 5 })).status).toBe(404);
    expect((await get("pipelines.history", { id: "missing" })).status).toBe(404);
    expect((await post("pipelines.save", { id: "missing", baseVersion: 1, document: docWith() })).status).toBe(404);
  });
});

describe("catalog over HTTP", () => {
  it("lists serialisable specs with defaults and JSON schema", async () => {
    const nodes = await client.catalog.nodes.query();
    expect(nodes.map((n) => n.type)).toEqual(["core.output", "core.text-input", "policy.threshold"]);
    const threshold = nodes.find((n) => n.type === "policy.threshold");
    expect(threshold).toMatchObject({
      version: 2,
      family: "policy",
      role: null,
      keywords: [],
      defaults: { threshold: 0.7 },
      inputs: [{ id: "value", accepts: ["number", "scores:any"], optional: false }],
      outputs: [{ id: "fired", type: "boolean" }],
    });
    expect(threshold?.paramsJsonSchema).toMatchObject({
      type: "object",
      properties: {
        threshold: { type: "number", minimum: 0, maximum: 1, default: 0.7 },
        label: { type: "string" },
      },
    });
    expect(nodes.find((n) => n.type === "core.text-input")).toMatchObject({ role: "input", defaults: { name: "text" }, keywords: ["input"] });
  });
});

describe("graph over HTTP", () => {
  it("validate reports UNKNOWN_NODE_TYPE for a node type nobody registered", async () => {
    const doc: PipelineDocument = {
      schemaVersion: 1,
      nodes: [
        { id: "in", type: "core.text-input", version: 1, params: {}, position: { x: 0, y: 0 } },
        { id: "ghost", type: "vision.mind-reader", version: 1, params: {}, position: { x: 200, y: 0 } },
      ],
      edges: [],
    };
    const { issues } = await client.graph.validate.query({ document: doc });
    expect(issues).toContainEqual(expect.objectContaining({ code: "UNKNOWN_NODE_TYPE", nodeId: "ghost", severity: "error" }));
  });

  it("compile returns a plan for a valid document and issues for a broken one", async () => {
    const good: PipelineDocument = {
      schemaVersion: 1,
      nodes: [
        { id: "in", type: "core.text-input", version: 1, params: { name: "text" }, position: { x: 0, y: 0 } },
        { id: "out", type: "core.output", version: 1, params: { name: "echo" }, position: { x: 200, y: 0 } },
      ],
      edges: [{ id: "e1", from: { node: "in", port: "text" }, to: { node: "out", port: "value" } }],
    };
    const compiled = await client.graph.compile.query({ document: good });
    expect(compiled.ok).toBe(true);
    if (compiled.ok) {
      expect(compiled.plan.nodes.map((n) => n.id)).toEqual(["in", "out"]);
      expect(compiled.plan.outputs).toEqual({ echo: "out" });
      expect(compiled.plan.inputs).toEqual({ text: "in" });
    }

    const broken = await client.graph.compile.query({
      document: { ...good, nodes: good.nodes.map((n) => (n.id === "out" ? { ...n, params: { name: 42 } } : n)) },
    });
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.issues).toContainEqual(expect.objectContaining({ code: "PARAM_INVALID", nodeId: "out" }));
  });

  it("rejects a malformed document on validate with 400 and paths", async () => {
    const res = await get("graph.validate", { document: { schemaVersion: 1, nodes: [{ id: "bad id!" }], edges: [] } });
    expect(res.status).toBe(400);
    const paths = (res.body.error.data.problems ?? []).map((p) => p.path);
    expect(paths).toContain("document.nodes[0].id");
    expect(paths).toContain("document.nodes[0].position");
  });
});

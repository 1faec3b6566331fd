/**
 * Gallery, import/export and share links over real HTTP, against a real SQLite file: the same
 * fetch adapter the studio's route handler uses. api.test.ts has the pipelines/catalog/graph side.
 */
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { openDatabase, readBuiltinTemplates, syncBuiltinTemplates, type AttuneDb } from "@attune/db";
import { defineNodeSpec, NodeRegistry, type NodeSpec, type PipelineDocument } from "@attune/graph";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAppRouter, createContext, type AppRouter } from "./index";

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
    params: z.object({ name: z.string().min(1).default("text"), sample: z.string().default("") }),
  }),
  defineNodeSpec({
    type: "nlp.sentiment",
    version: 1,
    family: "nlp",
    title: "Sentiment",
    description: "Text to sentiment scores.",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "scores", label: "Scores", type: "scores:sentiment3" }],
    params: z.object({}),
  }),
  defineNodeSpec({
    type: "policy.webhook",
    version: 1,
    family: "policy",
    title: "Webhook",
    description: "Posts scores somewhere.",
    inputs: [{ id: "value", label: "Value", accepts: "any" }],
    outputs: [],
    role: "output",
    params: z.object({ name: z.string().default("sent"), token: z.string().min(1).meta({ secret: true }) }),
  }) as NodeSpec,
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

function starter(): PipelineDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "message", type: "core.text-input", version: 1, label: "Message", params: { name: "text", sample: "Thanks, great!" }, position: { x: 0, y: 0 } },
      { id: "sentiment", type: "nlp.sentiment", version: 1, params: {}, position: { x: 300, y: 0 } },
      { id: "out", type: "core.output", version: 1, params: { name: "sentiment" }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: "e1", from: { node: "message", port: "text" }, to: { node: "sentiment", port: "text" } },
      { id: "e2", from: { node: "sentiment", port: "scores" }, to: { node: "out", port: "value" } },
    ],
    meta: { purpose: "Score the sentiment of a message.", setting: "customer-service" },
  };
}

const SECRET = "hook-password-do-not-leak";
function withSecret(): PipelineDocument {
  const doc = starter();
  doc.nodes.push({ id: "hook", type: "policy.webhook", version: 1, params: { name: "sent", token: SECRET }, position: { x: 600, y: 200 } });
  doc.edges.push({ id: "e3", from: { node: "sentiment", port: "scores" }, to: { node: "hook", port: "value" } });
  return doc;
}

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
    duplex: "half",
  } as RequestInit);
}

let dir: string;
let db: AttuneDb;
let server: Server;
let url: string;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "attune-gallery-"));
  db = openDatabase(path.join(dir, "attune.sqlite"));
  const router = createAppRouter();
  server = createServer((req, res) => {
    void (async () => {
      const response = await fetchRequestHandler({ endpoint: "/trpc", req: await toRequest(req, url), router, createContext: () => createContext({ db, specs }) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc` })] });
});

afterAll(async () => {
  server.close();
  await once(server, "close");
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function counts() {
  const count = (table: string) => (db.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { pipelines: count("pipelines"), versions: count("pipeline_versions"), templates: count("templates"), shares: count("shares") };
}

async function post(procedure: string, input: unknown) {
  const res = await fetch(`${url}/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  return { status: res.status, body: (await res.json()) as { error: { message: string; data: { code: string; problems: { path: string; message: string; code?: string }[] | null } } } };
}

function writeTemplateFolder(root: string, slug: string, doc: unknown, title: string): void {
  mkdirSync(path.join(root, slug, "samples"), { recursive: true });
  writeFileSync(path.join(root, slug, "pipeline.json"), JSON.stringify(doc));
  writeFileSync(path.join(root, slug, "README.md"), `# ${title}\n\nScores a message and says how it feels.\nSecond line.\n\n## What it does\n\nStuff.\n`);
  writeFileSync(
    path.join(root, slug, "samples", "inputs.json"),
    JSON.stringify({ praise: { text: "Great, thanks!" }, photo: { frame: { file: "x.png" } } }),
  );
}

describe("built-in templates and the gallery", () => {
  it("syncs the templates folder as data, lists cards, searches and filters by modality", async () => {
    const folder = path.join(dir, "templates");
    writeTemplateFolder(folder, "text-starter", starter(), "Text starter");
    const broken = starter();
    broken.nodes[1]!.type = "nlp.not-installed";
    writeTemplateFolder(folder, "broken", broken, "Broken");

    const read = readBuiltinTemplates(folder, specs);
    expect(read.templates.map((t) => t.slug)).toEqual(["text-starter"]);
    expect(read.skipped).toEqual([{ slug: "broken", problems: [expect.objectContaining({ code: "UNKNOWN_NODE_TYPE", path: "nodes[1].type" })] }]);
    expect(syncBuiltinTemplates(db, read.templates)).toEqual({ added: 1, updated: 0, removed: 0 });
    // Unchanged folder: nothing to do; the row keeps its id.
    expect(syncBuiltinTemplates(db, read.templates)).toEqual({ added: 0, updated: 0, removed: 0 });

    const cards = await client.gallery.list.query();
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(card).toMatchObject({
      source: "builtin",
      slug: "text-starter",
      name: "Text starter",
      description: "Scores a message and says how it feels. Second line.",
      modalities: ["text"],
      nodeCount: 3,
      sampleCount: 1,
    });
    expect(card.diagram.nodes.map((n) => [n.id, n.x, n.family])).toEqual([
      ["message", 0, "core"],
      ["sentiment", 300, "nlp"],
      ["out", 600, "core"],
    ]);
    expect(card.diagram.edges).toEqual([
      { from: "message", to: "sentiment" },
      { from: "sentiment", to: "out" },
    ]);
    expect(await client.gallery.list.query({ modality: "text" })).toHaveLength(1);
    expect(await client.gallery.list.query({ modality: "face" })).toHaveLength(0);
    expect(await client.gallery.list.query({ query: "FEELS message" })).toHaveLength(1);
    expect(await client.gallery.list.query({ query: "webcam" })).toHaveLength(0);

    const full = await client.gallery.get.query({ id: card.id });
    expect(full.samples).toEqual([{ name: "praise", inputs: { text: "Great, thanks!" } }]);
  });

  it("'Use template' creates a pipeline with the template's document", async () => {
    const [card] = await client.gallery.list.query({ query: "text starter" });
    const before = counts();
    const created = await client.gallery.use.mutate({ id: card!.id });
    const pipeline = await client.pipelines.get.query({ id: created.id });
    expect(pipeline.name).toBe("Text starter");
    expect(pipeline.document).toEqual(starter());
    expect(counts().pipelines).toBe(before.pipelines + 1);
    expect((await client.pipelines.history.query({ id: created.id }))[0]!.message).toBe('From template "Text starter"');
  });

  it("publishes a pipeline as a template without its secrets; built-ins cannot be deleted", async () => {
    const source = await client.pipelines.create.mutate({ name: "With webhook", document: withSecret() });
    const published = await client.gallery.publish.mutate({ pipelineId: source.id, name: "Webhook alert", description: "Tells the team", tags: ["Alerts", "alerts"] });
    expect(published).toMatchObject({ source: "user", name: "Webhook alert", tags: ["alerts"], modalities: ["text"], sourcePipelineId: source.id, sourceVersion: 1 });
    expect(published.placeholders.map((p) => p.path)).toEqual(["document.nodes[3].params.token"]);
    const stored = db.sqlite.prepare("select document from templates where id = ?").get(published.id) as { document: string };
    expect(stored.document).not.toContain(SECRET);
    const exported = await client.gallery.export.query({ id: published.id });
    expect(JSON.stringify(exported.file)).not.toContain(SECRET);
    expect(exported.fileName).toBe("webhook-alert.attune-template.json");
    expect(exported.file.format).toBe("attune.template");

    const cards = await client.gallery.list.query();
    expect(cards.map((c) => c.name)).toEqual(["Text starter", "Webhook alert"]);

    const builtin = cards.find((c) => c.source === "builtin")!;
    expect((await post("gallery.delete", { id: builtin.id })).status).toBe(403);
    await client.gallery.delete.mutate({ id: published.id });
    expect((await client.gallery.list.query()).map((c) => c.name)).toEqual(["Text starter"]);
    expect((await post("gallery.use", { id: "nope" })).status).toBe(404);
  });
});

describe("export and import over HTTP", () => {
  it("export then import gives an equal document", async () => {
    const source = await client.pipelines.create.mutate({ name: "Round trip", description: "there and back", document: starter() });
    const exported = await client.exchange.export.query({ id: source.id });
    expect(exported.fileName).toBe("round-trip.attune.json");
    const text = JSON.stringify(exported.file);
    const check = await client.exchange.check.mutate({ text });
    expect(check).toMatchObject({ ok: true, problems: [], placeholders: [], summary: { name: "Round trip", nodeCount: 3, modalities: ["text"] } });
    const imported = await client.exchange.import.mutate({ text });
    const copy = await client.pipelines.get.query({ id: imported.id });
    expect(copy.document).toEqual(starter());
    expect(copy).toMatchObject({ name: "Round trip", description: "there and back" });
  });

  it("secrets come back as placeholders to fill, and filling them restores the pipeline", async () => {
    const source = await client.pipelines.create.mutate({ name: "Secretive", document: withSecret() });
    const exported = await client.exchange.export.query({ id: source.id });
    const text = JSON.stringify(exported.file);
    expect(text).not.toContain(SECRET);
    const check = await client.exchange.check.mutate({ text });
    expect(check.placeholders).toEqual([expect.objectContaining({ path: "document.nodes[3].params.token", nodeId: "hook" })]);
    const imported = await client.exchange.import.mutate({ text, fills: { "document.nodes[3].params.token": SECRET } });
    expect(imported.placeholders).toEqual([]);
    expect((await client.pipelines.get.query({ id: imported.id })).document).toEqual(withSecret());
  });

  it("an import with problems answers 400 with every problem and its path, and stores nothing", async () => {
    const before = counts();
    const { file } = await client.exchange.export.query({ id: (await client.pipelines.list.query())[0]!.id });
    const broken = structuredClone(file);
    broken.document.nodes[1]!.type = "nlp.unknown-node";
    broken.document.edges[0]!.from.node = "ghost";
    const hostile = JSON.stringify(broken);
    const { status, body } = await post("exchange.import", { text: hostile });
    expect(status).toBe(400);
    expect(body.error.message).toContain("nothing was stored");
    expect(body.error.data.problems?.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ["UNKNOWN_NODE_TYPE", "document.nodes[1].type"],
        ["DANGLING_EDGE", "document.edges[0]"],
      ]),
    );
    const polluted = await post("exchange.import", { text: '{"format":"attune.pipeline","formatVersion":3,"__proto__":{"admin":true}}' });
    expect(polluted.status).toBe(400);
    expect(polluted.body.error.data.problems).toEqual([expect.objectContaining({ path: "__proto__", code: "FORBIDDEN_KEY" })]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const wrongTypes = await post("exchange.import", { text: JSON.stringify({ ...file, document: { ...file.document, nodes: "lots" } }) });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body.error.data.problems).toEqual([expect.objectContaining({ path: "document.nodes", code: "SCHEMA" })]);
    expect((await post("exchange.import", { text: "not json" })).body.error.data.problems?.[0]?.code).toBe("INVALID_JSON");
    expect(counts()).toEqual(before);
  });
});

describe("share links over HTTP", () => {
  it("opens a read-only version without secrets, forks it, and stops working once revoked", async () => {
    const source = await client.pipelines.create.mutate({ name: "Shared one", description: "look", document: withSecret() });
    // A later edit must not change what the link shows: it points at version 1.
    await client.pipelines.save.mutate({ id: source.id, baseVersion: 1, document: starter() });
    const share = await client.shares.create.mutate({ pipelineId: source.id, version: 1 });
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const head = await client.shares.create.mutate({ pipelineId: source.id });
    expect(head.version).toBe(2);
    expect(head.token).not.toBe(share.token);

    const view = await client.shares.get.query({ token: share.token });
    expect(view).toMatchObject({ name: "Shared one", description: "look", version: 1 });
    expect(view.document.nodes.map((n) => n.id)).toEqual(["message", "sentiment", "out", "hook"]);
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view.placeholders).toEqual([expect.objectContaining({ nodeId: "hook" })]);

    const fork = await client.shares.fork.mutate({ token: share.token });
    const forked = await client.pipelines.get.query({ id: fork.id });
    expect(forked.name).toBe("Shared one (fork)");
    expect(forked.document.nodes).toHaveLength(4);
    expect(JSON.stringify(forked.document)).not.toContain(SECRET);
    expect(fork.placeholders).toHaveLength(1);

    expect((await client.shares.list.query({ pipelineId: source.id })).map((s) => s.token).sort()).toEqual([share.token, head.token].sort());
    const revoked = await client.shares.revoke.mutate({ token: share.token });
    expect(revoked.revokedAt).not.toBeNull();
    const gone = await post("shares.fork", { token: share.token });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain("revoked");
    const res = await fetch(`${url}/trpc/shares.get?input=${encodeURIComponent(JSON.stringify({ token: share.token }))}`);
    expect(res.status).toBe(404);
    expect((await post("shares.fork", { token: "A".repeat(43) })).status).toBe(404);
    // The other link still works.
    expect((await client.shares.get.query({ token: head.token })).version).toBe(2);

    try {
      await client.shares.get.query({ token: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TRPCClientError);
    }
  });
});

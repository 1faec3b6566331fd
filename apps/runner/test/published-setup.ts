// Shared setup of the published-endpoint tests: a real SQLite file in a temp folder, opened twice
// (the studio's connection publishes, the runner's serves, as in production), the real runner on a
// loopback port, and publishing through the real tRPC procedures.
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAppRouter, createContext } from "@attune/api";
import { createPipeline, getPipeline, openDatabase, savePipeline, type AttuneDb } from "@attune/db";
import { defineNode, type ImageValue, type NodeDefinition } from "@attune/graph";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createNodeRegistry, type RunnerRegistry } from "../src/registry";
import { buildServer, type BuildServerOptions, type PublishedLimits } from "../src/server";
import { edge, node, TOKEN } from "./helpers";

/** Marks which deployment version answered: its output is the `tag` param, whatever the text. */
const tagNode = defineNode(
  {
    type: "core.test-tag",
    version: 1,
    family: "core",
    title: "Tag (test)",
    description: "Outputs its tag param.",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "tag", label: "Tag", type: "text" }],
    params: z.object({ tag: z.string().default("") }),
  },
  { run: async (_inputs, params) => ({ tag: params.tag }), example: { inputs: { text: "x" } } },
);

/** Every core.test-hang run that started, and the abort reasons of those that ended, in order. */
export const hangStarts: number[] = [];
export const hangEndings: unknown[] = [];

/** Never finishes on its own: only the run's time limit (or a cancel) ends it. */
const hangNode = defineNode(
  {
    type: "core.test-hang",
    version: 1,
    family: "core",
    title: "Hang (test)",
    description: "Waits until aborted.",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "text", label: "Text", type: "text" }],
    params: z.object({}),
  },
  {
    run: (_inputs, _params, ctx) =>
      new Promise((_resolve, reject) => {
        hangStarts.push(hangStarts.length);
        ctx.signal.addEventListener(
          "abort",
          () => {
            hangEndings.push(ctx.signal.reason);
            reject(ctx.signal.reason);
          },
          { once: true },
        );
      }),
    example: { inputs: { text: "x" } },
  },
);

/** Reduces an image to its size so responses stay small. */
const imageSizeNode = defineNode(
  {
    type: "core.test-image-size",
    version: 1,
    family: "core",
    title: "Image size (test)",
    description: "width x height",
    inputs: [{ id: "image", label: "Image", accepts: "image" }],
    outputs: [{ id: "size", label: "Size", type: "text" }],
    params: z.object({}),
  },
  { run: async ({ image }) => ({ size: `${(image as ImageValue).width}x${(image as ImageValue).height}` }), example: { inputs: {} } },
);

/** Counts calls per session in node state: shows whether `session` carries state between calls. */
const counterNode = defineNode(
  {
    type: "core.test-counter",
    version: 1,
    family: "core",
    title: "Counter (test)",
    description: "Counts calls in this session.",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "count", label: "Count", type: "number" }],
    params: z.object({}),
    cacheable: false,
  },
  {
    run: async (_inputs, _params, ctx) => {
      const count = ((ctx.state.get<number>("count") ?? 0) as number) + 1;
      ctx.state.set("count", count);
      return { count };
    },
    example: { inputs: { text: "x" } },
  },
);

/**
 * A json output JSON cannot write as is: a typed array (the endpoint writes it as a list) or a
 * BigInt (the endpoint cannot answer with it at all).
 */
const jsonValueNode = defineNode(
  {
    type: "core.test-json-value",
    version: 1,
    family: "core",
    title: "JSON value (test)",
    description: "Outputs a typed array or a BigInt.",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "value", label: "Value", type: "json" }],
    params: z.object({ kind: z.enum(["typed-array", "bigint"]).default("typed-array") }),
  },
  {
    run: async (_inputs, params) => ({ value: params.kind === "bigint" ? { big: 10n } : { embedding: new Float32Array([1, 2.5, -3]) } }),
    example: { inputs: { text: "x" } },
  },
);

export const TEST_NODES: NodeDefinition<any>[] = [tagNode, hangNode, imageSizeNode, counterNode, jsonValueNode];

export function testRegistry(): RunnerRegistry {
  return createNodeRegistry(TEST_NODES);
}

/** text -> sentiment -> valence + scores, and text -> tag -> tag. */
export function sentimentDocument(tag: string, sample = "I love this, thank you!") {
  return {
    schemaVersion: 1,
    nodes: [
      node("in", "core.text-input", { name: "text", sample, maxChars: 200 }),
      node("sent", "nlp.sentiment", {}, 200),
      node("tag", "core.test-tag", { tag }, 200),
      node("outValence", "core.output", { name: "valence" }, 400),
      node("outScores", "core.output", { name: "scores" }, 400),
      node("outTag", "core.output", { name: "tag" }, 400),
    ],
    edges: [
      edge("in", "text", "sent", "text"),
      edge("in", "text", "tag", "text"),
      edge("sent", "valence", "outValence", "value"),
      edge("sent", "scores", "outScores", "value"),
      edge("tag", "tag", "outTag", "value"),
    ],
  };
}

/** The plainest text pipeline: what the load test and the bench call. */
export function plainSentimentDocument() {
  return {
    schemaVersion: 1,
    nodes: [
      node("in", "core.text-input", { name: "text", sample: "Thanks, that works great!" }),
      node("sent", "nlp.sentiment", {}, 200),
      node("outValence", "core.output", { name: "valence" }, 400),
      node("outScores", "core.output", { name: "scores" }, 400),
    ],
    edges: [edge("in", "text", "sent", "text"), edge("sent", "valence", "outValence", "value"), edge("sent", "scores", "outScores", "value")],
  };
}

export interface Harness {
  dir: string;
  /** The studio's connection (publishing, keys, run log reads). */
  studioDb: AttuneDb;
  /** The runner's own connection to the same file. */
  runnerDb: AttuneDb;
  registry: RunnerRegistry;
  api: ReturnType<ReturnType<typeof createAppRouter>["createCaller"]>;
  app: FastifyInstance;
  url: string;
  /** Creates a pipeline and publishes it; returns its id and the publish result. */
  publishNew(name: string, document: unknown, slug?: string): Promise<{ pipelineId: string; slug: string; version: number }>;
  /** Saves a new head document and publishes it. */
  republish(pipelineId: string, document: unknown): Promise<{ slug: string; version: number }>;
  /** Another runner on the same database with other limits (rate limit tests) or logging. */
  startAnother(limits: PublishedLimits, logging?: Pick<BuildServerOptions, "logLevel" | "logStream">): Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startHarness(limits: PublishedLimits = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), "attune-published-"));
  const file = path.join(dir, "attune.db");
  const studioDb = openDatabase(file);
  const runnerDb = openDatabase(file);
  const registry = testRegistry();
  const api = createAppRouter().createCaller(createContext({ db: studioDb, specs: registry }));

  async function listen(db: AttuneDb, published: PublishedLimits, logging: Pick<BuildServerOptions, "logLevel" | "logStream"> = {}) {
    const app = buildServer({ token: TOKEN, registry, database: db, published: { ratePerSecond: 0, ...published }, ...logging });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return { app, url: `http://127.0.0.1:${port}` };
  }
  const { app, url } = await listen(runnerDb, limits);
  const others: { close(): Promise<void> }[] = [];

  return {
    dir,
    studioDb,
    runnerDb,
    registry,
    api,
    app,
    url,
    async publishNew(name, document, slug) {
      const pipeline = createPipeline(studioDb, { name, document });
      const published = await api.deployments.publish({ pipelineId: pipeline.id, ...(slug ? { slug } : {}) });
      return { pipelineId: pipeline.id, slug: published.slug, version: published.version };
    },
    async republish(pipelineId, document) {
      const head = getPipeline(studioDb, pipelineId).headVersion;
      savePipeline(studioDb, { id: pipelineId, baseVersion: head, document });
      return api.deployments.publish({ pipelineId });
    },
    async startAnother(published, logging) {
      const db = openDatabase(file);
      const other = await listen(db, published, logging);
      const handle = {
        url: other.url,
        async close() {
          await other.app.close();
          db.close();
        },
      };
      others.push(handle);
      return handle;
    },
    async close() {
      for (const other of others) await other.close();
      await app.close();
      runnerDb.close();
      studioDb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs a run call. */
export function callRun(
  url: string,
  slug: string,
  key: string | undefined,
  body: unknown,
  options: { version?: number; query?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const route = options.version === undefined ? `/v1/pipelines/${slug}/run` : `/v1/pipelines/${slug}/versions/${options.version}/run`;
  return fetch(`${url}${route}${options.query ?? ""}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Waits for the runner's batched run log writes to land (polls; no time assertion). */
export async function waitFor<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

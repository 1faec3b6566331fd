import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Fastify from "fastify";
import { createApiKey, createPipeline, describePlanInterface, openDatabase, publishPipeline } from "@attune/db";
import { compile } from "@attune/graph";
import { scoreSentiment, sentimentParams } from "@attune/nodes-nlp";
import { buildServer, createNodeRegistry, DEFAULTS } from "@attune/runner";
import { median, threadCpuMs, type Bench } from "./harness";

const CONNECTIONS = 32;
const WARMUP_S = 2;
/** Paired rounds, each side loaded for ROUND_S per round; the side that goes first alternates. */
const ROUNDS = 8;
const ROUND_S = 1.5;
const TEXTS = ["I hate waiting on hold, this is terrible!", "Thanks so much, that fixed it :)", "The parcel arrived on Tuesday."];

/** text -> sentiment -> valence + scores: the published pipeline measured here. */
const DOCUMENT = {
  schemaVersion: 1,
  nodes: [
    { id: "in", type: "core.text-input", version: 1, params: { name: "text" }, position: { x: 0, y: 0 } },
    { id: "sent", type: "nlp.sentiment", version: 1, params: {}, position: { x: 200, y: 0 } },
    { id: "outValence", type: "core.output", version: 1, params: { name: "valence" }, position: { x: 400, y: 0 } },
    { id: "outScores", type: "core.output", version: 1, params: { name: "scores" }, position: { x: 400, y: 100 } },
  ],
  edges: [
    { id: "e1", from: { node: "in", port: "text" }, to: { node: "sent", port: "text" } },
    { id: "e2", from: { node: "sent", port: "valence" }, to: { node: "outValence", port: "value" } },
    { id: "e3", from: { node: "sent", port: "scores" }, to: { node: "outScores", port: "value" } },
  ],
};

function load(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", ...headers },
    requests: TEXTS.map((text) => ({ body: JSON.stringify({ inputs: { text } }) })),
  });
}

/**
 * The published sentiment endpoint (API key check, rate limiter, input validation, the runtime,
 * queueing the run log entry and run outputs for the writer thread, which compacts and writes them
 * off the event loop: apps/runner/src/writes) against a bare Fastify route in the same process that
 * calls the same sentiment function directly. Both are loaded by autocannon over loopback with the same bodies.
 *
 * Where the client runs: autocannon shares this process (and its event loop) with both servers,
 * with identical settings for both sides, so each request pays the same client cost on either
 * side. Running autocannon in a child process for both sides was measured as well (2 shared
 * cores): it moved both sides' req/s by about the same amount and gave a ratio no better (0.54-0.58
 * against 0.6x in-process on the same code), so the simpler in-process setup stays.
 */
export const httpBench: Bench = {
  name: "published endpoint vs bare route (HTTP)",
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), "attune-http-bench-"));
    const studioDb = openDatabase(path.join(dir, "attune.db"));
    const runnerDb = openDatabase(path.join(dir, "attune.db"));
    const registry = createNodeRegistry();
    const pipeline = createPipeline(studioDb, { name: "Bench sentiment", document: DOCUMENT });
    const { slug } = publishPipeline(studioDb, {
      pipelineId: pipeline.id,
      build(document) {
        const compiled = compile(document, registry);
        if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
        return { plan: compiled.plan, interface: describePlanInterface(compiled.plan, registry) };
      },
    });
    const { key } = createApiKey(studioDb, { name: "bench", scopes: [slug] });

    // Rate limiting off: it would cap the measurement, not describe the request path. Logging at the
    // runner's default level (info, apps/runner/src/env.ts), as `npm start` and the Docker image run
    // it, into a stream that drops the lines: whatever the request path logs is paid for here too.
    const runner = buildServer({
      token: "bench-token-0123456789",
      database: runnerDb,
      registry,
      published: { ratePerSecond: 0 },
      logLevel: DEFAULTS.logLevel,
      logStream: { write: () => {} },
    });
    const params = sentimentParams.parse({});
    const bare = Fastify({ logger: false });
    bare.post<{ Body: { inputs: { text: string } } }>("/bare", async (request) => {
      const { scores, valence } = scoreSentiment(request.body.inputs.text, params);
      return { outputs: { valence, scores } };
    });
    try {
      await runner.listen({ host: "127.0.0.1", port: 0 });
      await bare.listen({ host: "127.0.0.1", port: 0 });
      const runnerUrl = `http://127.0.0.1:${(runner.server.address() as AddressInfo).port}/v1/pipelines/${slug}/run`;
      const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bare`;
      const auth = { authorization: `Bearer ${key}` };

      await load(bareUrl, {}, WARMUP_S);
      await load(runnerUrl, auth, WARMUP_S);
      // Interleaved rounds rather than one long run per side: on a shared machine the load changes
      // over seconds, and alternating the sides (and which goes first) spreads that over both.
      const bareRounds: autocannon.Result[] = [];
      const publishedRounds: autocannon.Result[] = [];
      // Event-loop CPU per side (server and client share it): the cost of one request, less noisy than req/s.
      const cpuMs = { bare: 0, published: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const sides = round % 2 === 0 ? (["bare", "published"] as const) : (["published", "bare"] as const);
        for (const side of sides) {
          const before = threadCpuMs() ?? NaN;
          if (side === "bare") bareRounds.push(await load(bareUrl, {}, ROUND_S));
          else publishedRounds.push(await load(runnerUrl, auth, ROUND_S));
          cpuMs[side] += (threadCpuMs() ?? NaN) - before;
        }
      }
      const failures = [...bareRounds, ...publishedRounds].reduce((sum, r) => sum + r.errors + r.non2xx, 0);
      if (failures > 0) throw new Error(`${failures} failed requests (published non-2xx ${publishedRounds.reduce((n, r) => n + r.non2xx, 0)})`);
      // Requests per second over all rounds of a side (autocannon's rounds last about, not exactly, ROUND_S).
      const rate = (results: autocannon.Result[]) => results.reduce((sum, r) => sum + r.requests.total, 0) / results.reduce((sum, r) => sum + r.duration, 0);
      const ratio = rate(publishedRounds) / rate(bareRounds);
      const perRound = publishedRounds.map((r, i) => rate([r]) / rate([bareRounds[i]!]));
      const total = (results: autocannon.Result[]) => results.reduce((sum, r) => sum + r.requests.total, 0);
      const cpuPerRequest = { bare: (cpuMs.bare * 1000) / total(bareRounds), published: (cpuMs.published * 1000) / total(publishedRounds) };
      const describe = (results: autocannon.Result[]) =>
        `${rate(results).toFixed(0)} req/s, p50 ${median(results.map((r) => r.latency.p50))} ms, p99 ${median(results.map((r) => r.latency.p99))} ms (medians over rounds)`;
      return [
        {
          metric: "throughput lost vs the bare route (target: ratio >= 0.70)",
          value: (1 - ratio) * 100,
          unit: "%",
          target: 30,
          notes: [
            `published: ${describe(publishedRounds)}`,
            `bare:      ${describe(bareRounds)}`,
            ...(Number.isFinite(cpuPerRequest.bare)
              ? [
                  `event-loop CPU per request (server + in-process client): published ${cpuPerRequest.published.toFixed(0)} µs, bare ${cpuPerRequest.bare.toFixed(0)} µs ` +
                    `(ratio ${(cpuPerRequest.bare / cpuPerRequest.published).toFixed(2)})`,
                ]
              : []),
            `throughput ratio ${ratio.toFixed(2)} over ${ROUNDS} paired rounds of ${ROUND_S} s per side (per round: min ${Math.min(...perRound).toFixed(2)}, median ${median(perRound).toFixed(2)}, max ${Math.max(...perRound).toFixed(2)}); ${CONNECTIONS} connections, same process`,
          ],
        },
      ];
    } finally {
      await runner.close();
      await bare.close();
      runnerDb.close();
      studioDb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

// Load test of a published text pipeline over loopback: 10,000 calls at concurrency 32 must all
// succeed, and memory must stay bounded (the run log queue, plan cache, key buckets and sessions
// are all bounded; a leak per request would show here as ~10,000x its size). Sized for 2 cores.
// Asserts counts and memory, never time.
import autocannon from "autocannon";
import { listRunLog } from "@attune/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { plainSentimentDocument, startHarness, waitFor, type Harness } from "./published-setup";

const REQUESTS = 10_000;
const CONCURRENCY = 32;

let h: Harness;
let slug: string;
let key: string;

beforeAll(async () => {
  // Rate limiting off (ratePerSecond 0): this measures the request path, not the limiter.
  h = await startHarness({ ratePerSecond: 0 });
  slug = (await h.publishNew("Load sentiment", plainSentimentDocument())).slug;
  key = (await h.api.apiKeys.create({ name: "load", scopes: [slug] })).key;
});

afterAll(async () => {
  await h?.close();
});

function blast(amount: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${h.url}/v1/pipelines/${slug}/run`,
    method: "POST",
    connections: CONCURRENCY,
    amount,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    // Varied texts so no layer can get away with answering from a single cached result.
    requests: [
      { body: JSON.stringify({ inputs: { text: "I hate waiting on hold, this is terrible!" } }) },
      { body: JSON.stringify({ inputs: { text: "Thanks so much, that fixed it :)" } }) },
      { body: JSON.stringify({ inputs: { text: "The parcel arrived on Tuesday." } }) },
    ],
  });
}

it(`serves ${REQUESTS} calls at concurrency ${CONCURRENCY} with no errors and bounded memory growth`, async () => {
  // Warm up JIT, plan cache and connections so the "before" reading is a steady state.
  const warm = await blast(500);
  expect(warm.non2xx).toBe(0);
  global.gc?.();
  const before = process.memoryUsage().rss;

  const result = await blast(REQUESTS);
  global.gc?.();
  const after = process.memoryUsage().rss;
  const growthMb = (after - before) / 1024 / 1024;
  console.log(
    `load: ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; ` +
      `${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ` +
      `RSS before ${(before / 1024 / 1024).toFixed(1)} MB, after ${(after / 1024 / 1024).toFixed(1)} MB (growth ${growthMb.toFixed(1)} MB)`,
  );
  expect(result.requests.total).toBe(REQUESTS);
  expect(result.errors).toBe(0);
  expect(result.timeouts).toBe(0);
  expect(result.non2xx).toBe(0);
  expect(result["2xx"]).toBe(REQUESTS);
  expect(growthMb).toBeLessThan(150);

  // Every call reached the run log, written in batches off the request path.
  const total = REQUESTS + 500;
  await waitFor(() => (h.studioDb.sqlite.prepare("select count(*) as n from run_log where slug = ?").get(slug) as { n: number }).n >= total || undefined, "run log rows");
  expect((h.studioDb.sqlite.prepare("select count(*) as n from run_log where slug = ? and status = 'ok'").get(slug) as { n: number }).n).toBe(total);
  expect(listRunLog(h.studioDb, { slug, limit: 1 }).items[0]).toMatchObject({ status: "ok", keyName: "load", httpStatus: 200 });
});

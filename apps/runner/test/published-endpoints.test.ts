// The published REST endpoints over real HTTP on loopback, against a real SQLite file shared by a
// "studio" connection (which publishes through the tRPC procedures) and the runner's connection.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listApiKeys, listRunLog } from "@attune/db";
import { Validator } from "@seriousme/openapi-schema-validator";
import { TRPCError } from "@trpc/server";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge, node, TOKEN } from "./helpers";
import { callRun, hangEndings, hangStarts, plainSentimentDocument, sentimentDocument, startHarness, waitFor, type Harness } from "./published-setup";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PNG = readFileSync(path.join(repoRoot, "templates/video-call-engagement/samples/empty-room.png"));

let h: Harness;
let sentiment: { pipelineId: string; slug: string };
let key: string;
let keyId: string;
let otherKey: string;

async function errorOf(res: Response): Promise<{ code: string; message: string; [k: string]: unknown }> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const text = await res.text();
  // Never a stack trace, whatever went wrong.
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+/);
  return (JSON.parse(text) as { error: { code: string; message: string } }).error;
}

beforeAll(async () => {
  h = await startHarness({ runTimeoutMs: 300, bodyLimitBytes: 256 * 1024, runLog: { flushIntervalMs: 20 } });
  sentiment = await h.publishNew("Customer Sentiment!", sentimentDocument("one"));
  const created = await h.api.apiKeys.create({ name: "web shop", scopes: [sentiment.slug, "hang", "photo-size", "counter", "typed-array", "bigint"] });
  key = created.key;
  keyId = created.id;
  otherKey = (await h.api.apiKeys.create({ name: "other team", scopes: ["something-else"] })).key;
});

afterAll(async () => {
  await h?.close();
});

describe("publish and call", () => {
  it("derives a stable kebab slug and answers with named outputs, version and run id", async () => {
    expect(sentiment.slug).toBe("customer-sentiment");
    expect(key).toMatch(/^atn_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    const res = await callRun(h.url, sentiment.slug, key, { inputs: { text: "I hate this, it is terrible!" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; slug: string; version: number; outputs: Record<string, unknown>; trace?: unknown };
    expect(body).toMatchObject({ slug: "customer-sentiment", version: 1, outputs: { tag: "one" } });
    expect(body.outputs.valence).toBeLessThan(-0.5);
    expect(body.outputs.scores).toMatchObject({ taxonomy: "sentiment3" });
    expect(body.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-run-id")).toBe(body.runId);
    expect(body.trace).toBeUndefined();
  });

  it("adds per-node status and timings with ?trace=1", async () => {
    const res = await callRun(h.url, sentiment.slug, key, { inputs: { text: "fine" } }, { query: "?trace=1" });
    const body = (await res.json()) as { trace: { status: string; nodes: { id: string; status: string; durationMs: number }[] } };
    expect(body.trace.status).toBe("ok");
    expect(body.trace.nodes.map((n) => n.id).sort()).toEqual(["in", "outScores", "outTag", "outValence", "sent", "tag"]);
    for (const n of body.trace.nodes) {
      expect(n.status).toBe("ok");
      expect(n.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("describes the endpoint for the studio and lists versions", async () => {
    const described = await h.api.deployments.describe({ slug: sentiment.slug });
    expect(described).toMatchObject({
      slug: "customer-sentiment",
      live: 1,
      inputs: [{ name: "text", type: "text", required: true, example: "I love this, thank you!", maxChars: 200 }],
      paths: { run: "/v1/pipelines/customer-sentiment/run" },
    });
    expect(described.outputs).toEqual([
      { name: "scores", portType: "scores:sentiment3" },
      { name: "tag", portType: "text" },
      { name: "valence", portType: "number" },
    ]);
    const listed = await h.api.deployments.list({ pipelineId: sentiment.pipelineId });
    expect(listed).toMatchObject({ slug: "customer-sentiment", live: 1, versions: [{ version: 1, pipelineVersion: 1, live: true }] });
  });

  it("refuses to publish a pipeline that does not compile, naming the node, and writes nothing", async () => {
    const broken = { schemaVersion: 1, nodes: [node("in", "core.text-input"), node("sent", "nlp.sentiment", {}, 200)], edges: [edge("in", "text", "sent", "text")] };
    const { createPipeline } = await import("@attune/db");
    const p = createPipeline(h.studioDb, { name: "Broken", document: broken });
    const error = await h.api.deployments.publish({ pipelineId: p.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/NO_OUTPUT/);
    expect(await h.api.deployments.list({ pipelineId: p.id })).toBeNull();
  });

  it("re-publishes as version 2 under the same slug, serves pinned versions, and rolls back", async () => {
    const second = await h.republish(sentiment.pipelineId, sentimentDocument("two"));
    expect(second).toMatchObject({ slug: "customer-sentiment", version: 2, pipelineVersion: 2 });
    const live = await (await callRun(h.url, sentiment.slug, key, { inputs: { text: "ok" } })).json();
    expect(live).toMatchObject({ version: 2, outputs: { tag: "two" } });
    const pinned = await (await callRun(h.url, sentiment.slug, key, { inputs: { text: "ok" } }, { version: 1 })).json();
    expect(pinned).toMatchObject({ version: 1, outputs: { tag: "one" } });

    await h.api.deployments.rollback({ slug: sentiment.slug, version: 1 });
    const rolledBack = await (await callRun(h.url, sentiment.slug, key, { inputs: { text: "ok" } })).json();
    expect(rolledBack).toMatchObject({ version: 1, outputs: { tag: "one" } });
    expect((await h.api.deployments.list({ pipelineId: sentiment.pipelineId }))!.versions.map((v) => [v.version, v.live])).toEqual([
      [2, false],
      [1, true],
    ]);
    await h.api.deployments.rollback({ slug: sentiment.slug, version: 2 });
    await expect(h.api.deployments.rollback({ slug: sentiment.slug, version: 9 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(h.api.deployments.publish({ pipelineId: sentiment.pipelineId, slug: "renamed" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("keeps each session's node state per key, and none without a session", async () => {
    const doc = {
      schemaVersion: 1,
      nodes: [node("in", "core.text-input"), node("count", "core.test-counter", {}, 200), node("out", "core.output", { name: "count" }, 400)],
      edges: [edge("in", "text", "count", "text"), edge("count", "count", "out", "value")],
    };
    const { slug } = await h.publishNew("Counter", doc);
    const count = async (k: string, session?: string) =>
      ((await (await callRun(h.url, slug, k, { inputs: { text: "x" }, ...(session ? { session } : {}) })).json()) as { outputs: { count: number } }).outputs.count;
    expect([await count(key, "s1"), await count(key, "s1"), await count(key, "s2"), await count(key)]).toEqual([1, 2, 1, 1]);
    const second = await h.api.apiKeys.create({ name: "second", scopes: [slug] });
    // Same session id, other key: a fresh state, not the first customer's.
    expect(await count(second.key, "s1")).toBe(1);
  });
});

describe("status codes", () => {
  it("401 without a key, with an unknown key, and with a revoked key", async () => {
    const missing = await callRun(h.url, sentiment.slug, undefined, { inputs: { text: "x" } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await errorOf(missing)).code).toBe("MISSING_API_KEY");

    const unknown = await callRun(h.url, sentiment.slug, `atn_aaaaaaaaaa_${"A".repeat(43)}`, { inputs: { text: "x" } });
    expect(unknown.status).toBe(401);
    expect((await errorOf(unknown)).code).toBe("INVALID_API_KEY");
    // A real prefix with a wrong secret is just as unknown.
    const forged = key.slice(0, -4) + "AAAA";
    expect((await callRun(h.url, sentiment.slug, forged, { inputs: { text: "x" } })).status).toBe(401);

    const doomed = await h.api.apiKeys.create({ name: "doomed", scopes: [sentiment.slug] });
    expect((await callRun(h.url, sentiment.slug, doomed.key, { inputs: { text: "x" } })).status).toBe(200);
    await h.api.apiKeys.revoke({ id: doomed.id });
    const revoked = await callRun(h.url, sentiment.slug, doomed.key, { inputs: { text: "x" } });
    expect(revoked.status).toBe(401);
    expect((await errorOf(revoked)).code).toBe("REVOKED_API_KEY");
    // The studio's runner token is not an API key.
    const token = await callRun(h.url, sentiment.slug, "test-token-0123456789abcdef", { inputs: { text: "x" } });
    expect(token.status).toBe(401);
  });

  it("403 for a key scoped to other endpoints, 404 for an unknown slug or version, both without details", async () => {
    const forbidden = await callRun(h.url, sentiment.slug, otherKey, { inputs: { text: "x" } });
    expect(forbidden.status).toBe(403);
    const error = await errorOf(forbidden);
    expect(error.code).toBe("FORBIDDEN");
    expect(JSON.stringify(error)).not.toContain("web shop");

    const missing = await callRun(h.url, "no-such-endpoint", key, { inputs: { text: "x" } });
    expect(missing.status).toBe(404);
    expect(Object.keys(await errorOf(missing)).sort()).toEqual(["code", "message"]);
    expect((await callRun(h.url, sentiment.slug, key, { inputs: { text: "x" } }, { version: 99 })).status).toBe(404);
    expect((await fetch(`${h.url}/v1/pipelines/${sentiment.slug}/versions/abc/run`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: "{}" })).status).toBe(404);
  });

  it("400 for malformed JSON, a non-object body, unknown fields or a bad session id", async () => {
    const bad = await callRun(h.url, sentiment.slug, key, '{"inputs": {"text": "x"');
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("INVALID_JSON");
    expect((await callRun(h.url, sentiment.slug, key, "[1,2]")).status).toBe(400);
    expect((await callRun(h.url, sentiment.slug, key, { input: { text: "x" } })).status).toBe(400);
    expect((await callRun(h.url, sentiment.slug, key, { inputs: "x" })).status).toBe(400);
    expect((await callRun(h.url, sentiment.slug, key, { inputs: { text: "x" }, session: "no spaces" })).status).toBe(400);
  });

  it("422 listing every bad field", async () => {
    const res = await callRun(h.url, sentiment.slug, key, { inputs: { txt: "typo" } });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe("INVALID_INPUTS");
    expect(error.fields).toEqual([
      { field: "inputs.text", code: "REQUIRED", message: expect.stringContaining("required") },
      { field: "inputs.txt", code: "UNKNOWN_INPUT", message: expect.any(String) },
    ]);
    const wrongType = await callRun(h.url, sentiment.slug, key, { inputs: { text: 42 } });
    expect(wrongType.status).toBe(422);
    expect((await errorOf(wrongType)).fields).toEqual([{ field: "inputs.text", code: "WRONG_TYPE", message: expect.stringContaining("string") }]);
  });

  it("413 for a text over the input's limit and for a body over the body limit", async () => {
    const long = await callRun(h.url, sentiment.slug, key, { inputs: { text: "a".repeat(201) } });
    expect(long.status).toBe(413);
    const error = await errorOf(long);
    expect(error).toMatchObject({ code: "INPUT_TOO_LARGE", limit: 200 });
    const huge = await callRun(h.url, sentiment.slug, key, { inputs: { text: "a".repeat(300 * 1024) } });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).code).toBe("BODY_TOO_LARGE");
  });

  it("504 when the run passes its time limit, and the runner keeps serving", async () => {
    const doc = {
      schemaVersion: 1,
      nodes: [node("in", "core.text-input"), node("hang", "core.test-hang", {}, 200), node("out", "core.output", { name: "text" }, 400)],
      edges: [edge("in", "text", "hang", "text"), edge("hang", "text", "out", "value")],
    };
    const { slug } = await h.publishNew("Hang", doc);
    expect(slug).toBe("hang");
    const res = await callRun(h.url, slug, key, { inputs: { text: "x" } });
    expect(res.status).toBe(504);
    expect((await errorOf(res)).code).toBe("RUN_TIMEOUT");
    expect((await callRun(h.url, sentiment.slug, key, { inputs: { text: "still here" } })).status).toBe(200);
  });

  it("a client that hangs up cancels its run at once, not at the time limit", async () => {
    // A limit far beyond the test's own timeout: only the disconnect can end this run in time.
    const patient = await h.startAnother({ runTimeoutMs: 600_000 });
    const endedBefore = hangEndings.length;
    const client = new AbortController();
    const call = callRun(patient.url, "hang", key, { inputs: { text: "x" } }, { signal: client.signal }).catch((error: unknown) => error);
    // Past the event-loop turn the run started in, which is when its watches are set up.
    await waitFor(() => (hangStarts.length > endedBefore ? true : undefined), "the hang node to start");
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.abort();
    expect(await call).toBeInstanceOf(Error);
    await waitFor(() => (hangEndings.length > endedBefore ? true : undefined), "the hang node to be cancelled");
    expect((await callRun(patient.url, sentiment.slug, key, { inputs: { text: "still here" } })).status).toBe(200);
  });

  it("429 with Retry-After once a key's bucket is empty; other keys are unaffected", async () => {
    const limited = await h.startAnother({ ratePerSecond: 0.01, rateBurst: 2 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const res = await callRun(limited.url, sentiment.slug, key, { inputs: { text: "x" } });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get("retry-after");
        expect((await errorOf(res)).code).toBe("RATE_LIMITED");
      } else await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const fresh = await h.api.apiKeys.create({ name: "fresh", scopes: [sentiment.slug] });
    expect((await callRun(limited.url, sentiment.slug, fresh.key, { inputs: { text: "x" } })).status).toBe(200);
  });
});

describe("media", () => {
  let slug: string;
  beforeAll(async () => {
    const doc = {
      schemaVersion: 1,
      nodes: [node("photo", "core.image-input", { name: "photo" }), node("size", "core.test-image-size", {}, 200), node("out", "core.output", { name: "size" }, 400)],
      edges: [edge("photo", "image", "size", "image"), edge("size", "size", "out", "value")],
    };
    slug = (await h.publishNew("Photo size", doc)).slug;
  });

  it("takes an image as a multipart upload", async () => {
    const form = new FormData();
    form.set("request", "{}");
    form.set("photo", new Blob([PNG], { type: "image/png" }), "room.png");
    const res = await fetch(`${h.url}/v1/pipelines/${slug}/run`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { outputs: { size: string } };
    expect(body.outputs.size).toMatch(/^\d+x\d+$/);
  });

  it("takes the same image as a base64 data URL, and answers 422 for a file that is no image", async () => {
    const res = await callRun(h.url, slug, key, { inputs: { photo: `data:image/png;base64,${PNG.toString("base64")}` } });
    expect(res.status).toBe(200);
    const viaForm = new FormData();
    viaForm.set("request", "{}");
    viaForm.set("photo", new Blob([PNG], { type: "image/png" }), "room.png");
    const sizes = await Promise.all([res.json(), (await fetch(`${h.url}/v1/pipelines/${slug}/run`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: viaForm })).json()]);
    expect((sizes[0] as { outputs: unknown }).outputs).toEqual((sizes[1] as { outputs: unknown }).outputs);

    const junk = await callRun(h.url, slug, key, { inputs: { photo: { base64: Buffer.from("not an image at all").toString("base64") } } });
    expect(junk.status).toBe(422);
    expect((await errorOf(junk)).code).toBe("INVALID_MEDIA");
    const malformed = await callRun(h.url, slug, key, { inputs: { photo: "data:image/png;base64,@@@" } });
    expect(malformed.status).toBe(400);
  });
});

describe("concurrent re-publish", () => {
  it("never fails a request nor mixes versions while publishes switch the live pointer", async () => {
    const { pipelineId, slug } = await h.publishNew("Flip", sentimentDocument("tag-1"));
    const flipKey = (await h.api.apiKeys.create({ name: "flip", scopes: [slug] })).key;
    const tagOf = new Map<number, string>([[1, "tag-1"]]);
    const results: { status: number; version: number; tag: string }[] = [];
    let publishing = true;

    const worker = async () => {
      while (publishing || results.length < 60) {
        const res = await callRun(h.url, slug, flipKey, { inputs: { text: "how is it going" } });
        const body = (await res.json()) as { version: number; outputs: { tag: string } };
        results.push({ status: res.status, version: body.version, tag: body.outputs.tag });
        if (results.length > 2000) break;
      }
    };
    const workers = Array.from({ length: 12 }, () => worker());
    for (let n = 2; n <= 6; n++) {
      // Let some requests start on the current version, then switch while they are in flight.
      await new Promise((r) => setTimeout(r, 5));
      const published = await h.republish(pipelineId, sentimentDocument(`tag-${n}`));
      tagOf.set(published.version, `tag-${n}`);
    }
    publishing = false;
    await Promise.all(workers);

    expect(results.every((r) => r.status === 200)).toBe(true);
    for (const r of results) expect(r.tag).toBe(tagOf.get(r.version));
    // The last publish is live for everyone afterwards.
    const after = await (await callRun(h.url, slug, flipKey, { inputs: { text: "x" } })).json();
    expect(after).toMatchObject({ version: 6, outputs: { tag: "tag-6" } });
    expect(new Set(results.map((r) => r.version)).size).toBeGreaterThan(1);
  });
});

describe("OpenAPI", () => {
  it("needs a key with the endpoint in scope", async () => {
    expect((await fetch(`${h.url}/v1/pipelines/${sentiment.slug}/openapi.json`)).status).toBe(401);
    expect((await fetch(`${h.url}/v1/pipelines/${sentiment.slug}/openapi.json`, { headers: { authorization: `Bearer ${otherKey}` } })).status).toBe(403);
  });

  it("is a valid OpenAPI 3.1 document, and calling exactly as documented works", async () => {
    const res = await fetch(`${h.url}/v1/pipelines/${sentiment.slug}/openapi.json`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    const validator = new Validator();
    const checked = await validator.validate(doc);
    expect(checked.errors ?? []).toEqual([]);
    expect(checked.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(JSON.stringify(doc)).not.toContain(key);

    // Follow the document: server + path, the bearer scheme, the documented example body.
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    const [pathKey, pathItem] = Object.entries(doc.paths as Record<string, any>).find(([, item]) => item.post?.operationId === "run")!;
    const media = pathItem.post.requestBody.content["application/json"];
    expect(media.example).toEqual({ inputs: { text: "I love this, thank you!" } });
    const called = await fetch(`${doc.servers[0].url}${pathKey}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(media.example),
    });
    expect(called.status).toBe(200);
    const body = await called.json();

    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(doc, "openapi.json");
    const validateResponse = ajv.getSchema("openapi.json#/components/schemas/RunResponse")!;
    expect(validateResponse(body), JSON.stringify(validateResponse.errors)).toBe(true);
    const validateRequest = ajv.getSchema("openapi.json#/components/schemas/RunRequest")!;
    expect(validateRequest(media.example)).toBe(true);
    expect(validateRequest({ inputs: { text: 5 } })).toBe(false);
  });

  it("documents image inputs as data URL, base64 object or multipart file", async () => {
    const res = await fetch(`${h.url}/v1/pipelines/photo-size/openapi.json`, { headers: { authorization: `Bearer ${key}` } });
    const doc = (await res.json()) as any;
    expect((await new Validator().validate(doc)).valid).toBe(true);
    const content = doc.paths["/v1/pipelines/photo-size/run"].post.requestBody.content;
    expect(Object.keys(content)).toEqual(["application/json", "multipart/form-data"]);
    expect(content["multipart/form-data"].schema.required).toEqual(["request", "photo"]);
  });
});

describe("run log and keys", () => {
  it("records each call with status, latency, key name and error code, filterable and paged", async () => {
    const page = await waitFor(() => {
      const p = listRunLog(h.studioDb, { slug: sentiment.slug, limit: 500 });
      return p.items.some((i) => i.errorCode === "RUN_TIMEOUT" || i.httpStatus === 413) && p.items.some((i) => i.httpStatus === 403) ? p : undefined;
    }, "run log entries");
    const items = page.items;
    expect(items.find((i) => i.httpStatus === 401 && i.errorCode === "MISSING_API_KEY")).toMatchObject({ status: "rejected", keyName: null });
    expect(items.find((i) => i.httpStatus === 403)).toMatchObject({ status: "rejected", keyName: "other team", errorCode: "FORBIDDEN" });
    expect(items.find((i) => i.httpStatus === 422)).toMatchObject({ errorCode: "INVALID_INPUTS", keyName: "web shop", deploymentVersion: expect.any(Number) });
    expect(items.find((i) => i.httpStatus === 413 && i.errorCode === "BODY_TOO_LARGE")).toBeDefined();
    // This key's: the runner started by the rate-limit test logs a call with another key, and
    // whether its batch lands before or after this runner's last one is a matter of timing.
    const ok = items.find((i) => i.status === "ok" && i.keyId === keyId)!;
    expect(ok).toMatchObject({ httpStatus: 200, keyName: "web shop", errorCode: null });
    expect(ok.latencyMs).toBeGreaterThan(0);
    // The key itself never reaches the log.
    expect(JSON.stringify(items)).not.toContain(key.slice(15));

    const viaApi = await h.api.runLog.list({ slug: sentiment.slug, status: "rejected", keyId, limit: 2 });
    expect(viaApi.items).toHaveLength(2);
    expect(viaApi.items.every((i) => i.status === "rejected" && i.keyName === "web shop")).toBe(true);
    const next = await h.api.runLog.list({ slug: sentiment.slug, status: "rejected", keyId, limit: 2, cursor: viaApi.nextCursor! });
    expect(next.items[0]!.runId).not.toBe(viaApi.items[1]!.runId);
    const timeouts = await h.api.runLog.list({ slug: "hang", status: "timeout" });
    expect(timeouts.items[0]).toMatchObject({ httpStatus: 504, errorCode: "RUN_TIMEOUT" });
  });

  it("writes typed arrays in json outputs as lists, and logs a run it cannot answer with as failed, not ok", async () => {
    const jsonValue = (kind: string) => ({
      schemaVersion: 1,
      nodes: [node("in", "core.text-input", { name: "text" }), node("v", "core.test-json-value", { kind }, 200), node("out", "core.output", { name: "value" }, 400)],
      edges: [edge("in", "text", "v", "text"), edge("v", "value", "out", "value")],
    });
    await h.publishNew("typed array", jsonValue("typed-array"), "typed-array");
    await h.publishNew("bigint", jsonValue("bigint"), "bigint");
    const typed = await callRun(h.url, "typed-array", key, { inputs: { text: "x" } });
    expect(typed.status).toBe(200);
    expect(typed.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await typed.json()).outputs).toEqual({ value: { embedding: [1, 2.5, -3] } });
    const big = await callRun(h.url, "bigint", key, { inputs: { text: "x" } });
    expect(big.status).toBe(500);
    const runId = big.headers.get("x-run-id")!;
    const logged = await waitFor(() => listRunLog(h.studioDb, { slug: "bigint" }).items.find((i) => i.runId === runId), "the bigint call in the run log");
    expect(logged).toMatchObject({ status: "failed", httpStatus: 500 });
  });

  it("writes no per-request log lines for published calls (the run log has them), while other routes keep theirs", async () => {
    const lines: string[] = [];
    const other = await h.startAnother({}, { logLevel: "info", logStream: { write: (line) => void lines.push(line) } });
    try {
      const ok = await fetch(`${other.url}/v1/pipelines/${sentiment.slug}/run`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ inputs: { text: "Thanks, that worked." } }),
      });
      expect(ok.status).toBe(200);
      const runId = (await ok.json()).runId as string;
      expect((await fetch(`${other.url}/v1/pipelines/${sentiment.slug}/run`, { method: "POST" })).status).toBe(401);
      expect((await fetch(`${other.url}/v1/nodes`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      // A call naming no endpoint has no run log to go to: it gets one line, with its URL and status.
      const typo = await fetch(`${other.url}/v1/pipelines/no-such-endpoint/run`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ inputs: { text: "x" } }),
      });
      expect(typo.status).toBe(404);
      const records = lines.map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string }; res?: { statusCode?: number } });
      const incoming = records.filter((r) => r.msg === "incoming request").map((r) => r.req?.url);
      expect(incoming).toEqual(["/v1/nodes"]);
      expect(records.filter((r) => r.msg === "request completed")).toHaveLength(1);
      const unrouted = records.filter((r) => r.msg === "call to no published endpoint");
      expect(unrouted.map((r) => [r.req?.url, r.res?.statusCode])).toEqual([["/v1/pipelines/no-such-endpoint/run", 404]]);
      // The calls themselves are in the run log.
      await waitFor(() => listRunLog(h.studioDb, { slug: sentiment.slug, limit: 500 }).items.find((i) => i.runId === runId), "the logged call");
    } finally {
      await other.close();
    }
  });

  it("updates last-used times and lists keys without secrets", async () => {
    const listed = await waitFor(() => {
      const keys = listApiKeys(h.studioDb);
      return keys.find((k) => k.id === keyId)?.lastUsedAt ? keys : undefined;
    }, "lastUsedAt");
    const mine = listed.find((k) => k.id === keyId)!;
    expect(mine.lastUsedAt).toBeGreaterThan(0);
    expect(mine.revokedAt).toBeNull();
    const viaApi = await h.api.apiKeys.list();
    expect(JSON.stringify(viaApi)).not.toContain(key.slice(15));
    expect(viaApi.find((k) => k.name === "doomed")!.revokedAt).toBeGreaterThan(0);
  });

  it("retention prunes old entries", async () => {
    expect(await h.api.runLog.settings()).toEqual({ retentionDays: 30 });
    h.studioDb.sqlite.prepare("update run_log set at = at - ? where slug = 'hang'").run(10 * 24 * 3600 * 1000);
    const result = await h.api.runLog.setRetention({ days: 7 });
    expect(result.pruned).toBeGreaterThan(0);
    expect((await h.api.runLog.list({ slug: "hang" })).items).toEqual([]);
    expect((await h.api.runLog.list({ slug: sentiment.slug })).items.length).toBeGreaterThan(0);
  });
});

describe("plain pipeline", () => {
  it("the load test's pipeline answers with valence and scores", async () => {
    const { slug } = await h.publishNew("Plain sentiment", plainSentimentDocument());
    const k = (await h.api.apiKeys.create({ name: "plain", scopes: [slug] })).key;
    const body = (await (await callRun(h.url, slug, k, { inputs: { text: "great" } })).json()) as { outputs: Record<string, unknown> };
    expect(Object.keys(body.outputs).sort()).toEqual(["scores", "valence"]);
  });
});

describe("configuration", () => {
  it("reads the published endpoints' limits and the shared database path from the environment", async () => {
    const { loadConfig } = await import("../src/env");
    const config = loadConfig({
      RUNNER_TOKEN: "test-token-0123456789abcdef",
      ATTUNE_DB_PATH: "/srv/attune/attune.db",
      RUNNER_API_BODY_LIMIT_BYTES: "65536",
      RUNNER_API_RUN_TIMEOUT_MS: "5000",
      RUNNER_API_RATE_PER_SEC: "2.5",
      RUNNER_API_RATE_BURST: "5",
      RUNNER_API_SESSIONS_MAX: "10",
      RUNNER_PUBLIC_URL: "https://api.example.com",
    });
    expect(config.dbPath).toBe("/srv/attune/attune.db");
    expect(config.api).toEqual({ bodyLimitBytes: 65536, runTimeoutMs: 5000, ratePerSecond: 2.5, rateBurst: 5, sessionsMax: 10, publicUrl: "https://api.example.com" });
    expect(() => loadConfig({ RUNNER_TOKEN: "test-token-0123456789abcdef", RUNNER_API_RATE_BURST: "0" })).toThrow(/RUNNER_API_RATE_BURST/);
  });
});

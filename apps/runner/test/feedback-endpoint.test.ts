// POST /v1/runs/:runId/feedback over real HTTP on loopback, against a real SQLite file shared by the
// "studio" connection (publishing, keys, the Feedback page's queries) and the runner's connection.
import { deploymentOfPipeline, getRunOutputs, listFeedbackPoints } from "@attune/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRun, sentimentDocument, startHarness, waitFor, type Harness } from "./published-setup";

let h: Harness;
let pipelineId: string;
let slug: string;
let key: string;
let keyId: string;
let sameScopeKey: string;
let otherKey: string;

async function run(text: string, withKey = key): Promise<string> {
  const res = await callRun(h.url, slug, withKey, { inputs: { text } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { runId: string }).runId;
}

function feedback(runId: string, body: unknown, withKey: string | null = key, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.url}/v1/runs/${runId}/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(withKey ? { authorization: `Bearer ${withKey}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; fields?: { path: string; message: string }[]; feedback?: unknown } }).error;
}

beforeAll(async () => {
  h = await startHarness({ runLog: { flushIntervalMs: 20 } });
  const published = await h.publishNew("Empathic Chat", sentimentDocument("one"));
  pipelineId = published.pipelineId;
  slug = published.slug;
  const created = await h.api.apiKeys.create({ name: "chat widget", scopes: [slug] });
  key = created.key;
  keyId = created.id;
  sameScopeKey = (await h.api.apiKeys.create({ name: "another app", scopes: [slug] })).key;
  otherKey = (await h.api.apiKeys.create({ name: "other team", scopes: ["something-else"] })).key;
});

afterAll(async () => {
  await h?.close();
});

describe("POST /v1/runs/:runId/feedback", () => {
  it("stores a rating tied to the deployment version and the run's outputs snapshot", async () => {
    const runId = await run("I hate this, it is terrible!");
    const res = await feedback(runId, {
      rating: 4,
      behaviours: ["validated", "acknowledged_feelings"],
      comment: "It understood I was annoyed.",
      context: { tags: ["en", "mobile"] },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { feedback: Record<string, unknown> };
    expect(body.feedback).toMatchObject({
      runId,
      version: 1,
      rating: 4,
      behaviours: ["acknowledged_feelings", "validated"],
      comment: "It understood I was annoyed.",
      context: { tags: ["en", "mobile"] },
    });

    // The studio's own connection sees it, joined to what the pipeline answered for that run.
    const snapshot = getRunOutputs(h.studioDb, runId)!;
    expect(snapshot).toMatchObject({ keyId, deploymentVersion: 1, slug });
    expect(snapshot.snapshot.labels).toMatchObject({ scores: "negative", tag: "one" });
    expect(snapshot.snapshot.numbers.valence).toBeLessThan(-0.3);
    expect(snapshot.snapshot.numbers["scores.negative"]).toBeGreaterThan(0.5);
    const deployment = deploymentOfPipeline(h.studioDb, pipelineId)!;
    const points = listFeedbackPoints(h.studioDb, deployment.id);
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ runId, version: 1, rating: 4, tags: ["en", "mobile"], labels: { scores: "negative" } });
    expect(points[0]!.numbers.valence).toBe(snapshot.snapshot.numbers.valence);
  });

  it("records the version that answered: a rating after a republish belongs to version 2", async () => {
    await h.republish(pipelineId, sentimentDocument("two"));
    const runId = await run("Thanks, that was really kind of you.");
    const res = await feedback(runId, { rating: 5 });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { feedback: { version: number; behaviours: string[]; comment: unknown; context: unknown } }).feedback).toMatchObject({
      version: 2,
      behaviours: [],
      comment: null,
      context: null,
    });
  });

  it("answers 422 naming every invalid field, and stores nothing", async () => {
    const runId = await run("hello");
    const res = await feedback(runId, {
      rating: 6,
      behaviours: ["validated", "was_rude"],
      comment: "x".repeat(2001),
      context: { tags: [""] },
      mood: "happy",
    });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe("INVALID_FEEDBACK");
    const paths = error.fields!.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["rating", "behaviours[1]", "comment", "context.tags[0]"]));
    expect(error.fields!.find((f) => f.path === "rating")!.message).toMatch(/1 to 5/);
    expect(error.fields!.some((f) => /mood/.test(f.message))).toBe(true);

    for (const bad of [{ rating: 3.5 }, { rating: 0 }, { rating: "4" }, {}, [4], { rating: null }]) {
      const r = await feedback(runId, bad);
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect((await errorOf(r)).fields!.length).toBeGreaterThan(0);
    }
    const deployment = deploymentOfPipeline(h.studioDb, pipelineId)!;
    expect(listFeedbackPoints(h.studioDb, deployment.id).some((p) => p.runId === runId)).toBe(false);
  });

  it("answers 404 for an unknown run, and for a run made with another key, whatever that key's scope", async () => {
    const unknown = await feedback("5b0e7d1c-0000-4000-8000-000000000000", { rating: 3 });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe("RUN_NOT_FOUND");
    expect((await feedback("not a run id at all", { rating: 3 })).status).toBe(404);

    const runId = await run("ok then");
    for (const wrong of [otherKey, sameScopeKey]) {
      const res = await feedback(runId, { rating: 3 }, wrong);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe("RUN_NOT_FOUND");
    }
    // The run's own key still can rate it afterwards: the refusals stored nothing.
    expect((await feedback(runId, { rating: 3 })).status).toBe(201);
  });

  it("answers 401 without a valid key, before saying anything about the run", async () => {
    const runId = await run("ok");
    expect((await feedback(runId, { rating: 3 }, null)).status).toBe(401);
    const bad = await feedback(runId, { rating: 3 }, "atn_aaaaaaaaaa_" + "A".repeat(43));
    expect(bad.status).toBe(401);
    expect((await errorOf(bad)).code).toBe("INVALID_API_KEY");
  });

  it("is idempotent per run: a retry returns the stored feedback, a different rating is a 409", async () => {
    const runId = await run("I waited an hour for nothing");
    const body = { rating: 2, behaviours: ["felt_generic", "offered_help"], comment: "canned answer" };
    const first = await feedback(runId, body, key, { "idempotency-key": "abc" });
    expect(first.status).toBe(201);
    const stored = ((await first.json()) as { feedback: { id: string } }).feedback;

    // Same submission (behaviours in another order): the stored feedback, not a second row.
    const retry = await feedback(runId, { ...body, behaviours: ["offered_help", "felt_generic"] });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(((await retry.json()) as { feedback: unknown }).feedback).toEqual(stored);

    const changed = await feedback(runId, { ...body, rating: 5 });
    expect(changed.status).toBe(409);
    const error = await errorOf(changed);
    expect(error.code).toBe("FEEDBACK_EXISTS");
    expect(error.feedback).toEqual(stored);

    const deployment = deploymentOfPipeline(h.studioDb, pipelineId)!;
    const rows = listFeedbackPoints(h.studioDb, deployment.id).filter((p) => p.runId === runId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.rating).toBe(2);
  });

  it("records snapshots for runs nobody rated too (written in batches, off the request path)", async () => {
    const runId = await run("just checking");
    const snap = await waitFor(() => getRunOutputs(h.studioDb, runId), "the run outputs snapshot");
    expect(snap.snapshot.labels.tag).toBe("two");
  });

  it("feeds the studio's Feedback page (tRPC feedback.summary) with per-version figures joined to the outputs", async () => {
    const summary = await h.api.feedback.summary({ pipelineId });
    expect(summary.deployment).toMatchObject({ slug });
    const { report } = summary;
    // Ratings made above: v1 -> 4; v2 -> 5, 3, 2.
    expect(report.n).toBe(4);
    expect(report.versions.map((v) => [v.version, v.n, v.counts])).toEqual([
      [1, 1, [0, 0, 0, 1, 0]],
      [2, 3, [0, 1, 1, 0, 1]],
    ]);
    expect(report.behaviours).toMatchObject({ validated: 1, acknowledged_feelings: 1, felt_generic: 1, offered_help: 1, felt_intrusive: 0 });
    expect(report.correlations.find((c) => c.field === "valence")).toMatchObject({ n: 4 });
    expect(report.comparison).toMatchObject({ a: { version: 1, n: 1 }, b: { version: 2, n: 3 } });
    expect(report.comparison!.difference).toBeCloseTo(10 / 3 - 4, 12);
    expect(summary.recent.map((r) => r.comment)).toEqual(["canned answer", "It understood I was annoyed."]);
  });
});

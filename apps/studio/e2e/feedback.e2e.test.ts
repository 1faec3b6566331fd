import { describe, expect, test } from "vitest";
import { useStudio } from "./harness";

// Publish a sentiment pipeline, call it, rate the runs through POST /v1/runs/:runId/feedback (on the
// runner: the studio's /v1 proxy serves /v1/pipelines only), publish v2, rate again, and read the
// Feedback page: per-version charts, behaviours, correlations with the outputs and the comparison.

const studio = useStudio();

const WAIT = { timeout: 30_000 };

function node(id: string, type: string, params: Record<string, unknown>, x: number, y: number) {
  return { id, type, version: 1, params, position: { x, y } };
}
const edge = (id: string, from: [string, string], to: [string, string]) => ({ id, from: { node: from[0], port: from[1] }, to: { node: to[0], port: to[1] } });

const doc = (sample: string) => ({
  schemaVersion: 1,
  nodes: [
    node("message", "core.text-input", { name: "text", sample }, 0, 100),
    node("sentiment", "nlp.sentiment", {}, 300, 100),
    node("out-scores", "core.output", { name: "sentiment" }, 600, 0),
    node("out-valence", "core.output", { name: "valence" }, 600, 200),
  ],
  edges: [
    edge("e1", ["message", "text"], ["sentiment", "text"]),
    edge("e2", ["sentiment", "scores"], ["out-scores", "value"]),
    edge("e3", ["sentiment", "valence"], ["out-valence", "value"]),
  ],
});

async function trpcMutation<T>(path: string, input: unknown): Promise<T> {
  const res = await fetch(`${studio.stack.studioUrl}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !body.result) throw new Error(`${path} failed (${res.status}): ${JSON.stringify(body.error)}`);
  return body.result.data;
}

async function runAndRate(slug: string, key: string, text: string, rating: number, behaviours: string[]): Promise<void> {
  const res = await fetch(`${studio.stack.studioUrl}/v1/pipelines/${slug}/run`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ inputs: { text } }),
  });
  expect(res.status, studio.stack.logs()).toBe(200);
  const { runId } = (await res.json()) as { runId: string };
  const fb = await fetch(`${studio.stack.runnerUrl}/v1/runs/${runId}/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ rating, behaviours, comment: `rated ${rating}` }),
  });
  expect(fb.status, await fb.clone().text()).toBe(201);
}

describe("feedback page", () => {
  test(
    "shows ratings by version, behaviours, correlations with the outputs and a version comparison",
    async () => {
      const created = await trpcMutation<{ id: string; headVersion: number }>("pipelines.create", { name: "Support empathy", document: doc("hello") });
      const published = await trpcMutation<{ slug: string; version: number }>("deployments.publish", { pipelineId: created.id });
      const { key } = await trpcMutation<{ key: string }>("apiKeys.create", { name: "widget", scopes: [published.slug] });

      // v1: the angrier the message, the lower the rating.
      await runAndRate(published.slug, key, "I hate this, it is terrible!", 1, ["felt_generic"]);
      await runAndRate(published.slug, key, "This is annoying and slow.", 2, ["felt_generic"]);
      await runAndRate(published.slug, key, "It is fine I guess.", 3, ["acknowledged_feelings"]);
      await runAndRate(published.slug, key, "Thanks, that works great!", 4, ["validated"]);

      await trpcMutation("pipelines.save", { id: created.id, baseVersion: created.headVersion, document: doc("hello again") });
      await trpcMutation("deployments.publish", { pipelineId: created.id });
      await runAndRate(published.slug, key, "I love this, thank you so much!", 5, ["validated", "offered_help"]);
      await runAndRate(published.slug, key, "Thanks, that was kind.", 5, ["adapted_to_person"]);

      const page = await studio.newPage();
      await page.goto(`${studio.stack.studioUrl}/pipelines/${created.id}/feedback`);
      await page.getByTestId("feedback-title").filter({ hasText: "Support empathy" }).waitFor(WAIT);
      expect(await page.getByTestId("feedback-n").textContent()).toBe("6");
      expect(await page.getByTestId("feedback-mean").textContent()).toBe("3.33");
      // Charts are SVG: distribution per version, trend, behaviours, correlations, comparison.
      for (const id of ["feedback-distribution", "feedback-means", "feedback-behaviours", "feedback-compare-chart"]) {
        expect(await page.locator(`[data-testid="${id}"] svg`).count(), id).toBe(1);
      }
      expect(await page.locator('svg[data-testid="feedback-trend"] polyline').count()).toBe(2);
      const correlations = await page.locator('svg[data-testid="feedback-correlations"]').textContent();
      expect(correlations).toContain("valence");
      expect(correlations).toContain("n = 6");
      const distribution = await page.getByTestId("feedback-distribution").textContent();
      expect(distribution).toContain("v1 (n=4)");
      expect(distribution).toContain("v2 (n=2)");
      // v2 mean 5 - v1 mean 2.5 = 2.5, with a bootstrap interval.
      expect(await page.getByTestId("feedback-difference").textContent()).toMatch(/^2\.50 \[/);
      await page.close();
    },
  );
});

import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { useStudio } from "./harness";

const studio = useStudio({ viewport: { width: 1440, height: 900 } });

const WAIT = { timeout: 30_000 };

async function createPipeline(page: Page, name: string): Promise<string> {
  await page.goto(studio.stack.studioUrl);
  await page.getByTestId("new-pipeline-name").fill(name);
  await page.getByTestId("create-pipeline").click();
  await page.waitForURL(/\/pipelines\/[^/]+$/, WAIT);
  await page.getByTestId("canvas").waitFor(WAIT);
  return new URL(page.url()).pathname;
}

/** Drags a palette item onto the canvas with the real mouse; returns the new node's id. */
async function dragFromPalette(page: Page, type: string, at: { x: number; y: number }): Promise<string> {
  const existing = await page.locator(`[data-node-type="${type}"]`).count();
  // The palette outgrew the viewport (vision, audio, policy families): bring the item into view first.
  await page.getByTestId(`palette-${type}`).scrollIntoViewIfNeeded();
  const item = await page.getByTestId(`palette-${type}`).boundingBox();
  const canvas = await page.getByTestId("canvas").boundingBox();
  if (!item || !canvas) throw new Error("palette item or canvas not visible");
  await page.mouse.move(item.x + item.width / 2, item.y + item.height / 2);
  await page.mouse.down();
  await page.mouse.move(canvas.x + at.x, canvas.y + at.y, { steps: 12 });
  await page.mouse.up();
  const node = page.locator(`[data-node-type="${type}"]`).nth(existing);
  await node.waitFor(WAIT);
  const id = await node.getAttribute("data-node-id");
  if (!id) throw new Error(`dropped ${type} has no id`);
  return id;
}

/** Drags from one handle to another like a user wiring nodes. */
async function dragHandle(page: Page, fromTestId: string, toTestId: string): Promise<void> {
  const from = await page.getByTestId(fromTestId).boundingBox();
  const to = await page.getByTestId(toTestId).boundingBox();
  if (!from || !to) throw new Error(`handle ${fromTestId} or ${toTestId} not visible`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
  await page.mouse.up();
}

describe("pipeline editor", () => {
  test("build a sentiment escalation pipeline by dragging, preview it live, save and reload", async () => {
    const page = await studio.newPage();
    try {
      const path = await createPipeline(page, "Angry caller escalation");

      const input = await dragFromPalette(page, "core.text-input", { x: 130, y: 120 });
      const sentiment = await dragFromPalette(page, "nlp.sentiment", { x: 430, y: 120 });
      const threshold = await dragFromPalette(page, "policy.threshold", { x: 710, y: 120 });
      const output = await dragFromPalette(page, "core.output", { x: 710, y: 400 });

      await dragHandle(page, `handle-${input}-out-text`, `handle-${sentiment}-in-text`);
      await dragHandle(page, `handle-${sentiment}-out-scores`, `handle-${threshold}-in-value`);
      await dragHandle(page, `handle-${threshold}-out-action`, `handle-${output}-in-value`);
      await page.waitForFunction(() => document.querySelectorAll(".react-flow__edge").length === 3, undefined, WAIT);
      await page.getByTestId("no-issues").waitFor(WAIT);

      await page.getByTestId("preview-input-text").fill("I hate this, it is awful!");

      // The sentiment bars render with "negative" on top once the runner's events arrive.
      const scores = page.getByTestId(`node-result-${sentiment}`).locator('[data-kind="scores"]');
      await page.waitForFunction(
        (id) => document.querySelector(`[data-testid="node-result-${id}"] [data-kind="scores"]`)?.getAttribute("data-top-label") === "negative",
        sentiment,
        WAIT,
      );
      const bars = await scores.locator("[data-label]").evaluateAll((rows) =>
        rows.map((r) => ({ label: r.getAttribute("data-label"), score: Number(r.getAttribute("data-score")) })),
      );
      const negative = bars.find((b) => b.label === "negative")?.score ?? 0;
      expect(bars.map((b) => b.label).sort()).toEqual(["negative", "neutral", "positive"]);
      expect(Math.max(...bars.map((b) => b.score))).toBe(negative);
      expect(negative).toBeGreaterThan(0.5);

      // Default rule: negative > 0.6 escalates.
      const action = page.getByTestId(`node-result-${threshold}`).locator("[data-action]");
      await page.waitForFunction(
        (id) => document.querySelector(`[data-testid="node-result-${id}"] [data-action]`)?.getAttribute("data-action") === "escalate",
        threshold,
        WAIT,
      );
      expect(await action.textContent()).toContain("escalate");
      expect(await page.getByTestId(`node-latency-${sentiment}`).textContent()).toMatch(/ms|s$/);
      await page.screenshot({ path: "/tmp/attune-e2e-editor.png" });

      // A milder sentence changes the result live: no action.
      await page.getByTestId("preview-input-text").fill("What a lovely, helpful answer. Thank you!");
      await page.waitForFunction(
        (id) => document.querySelector(`[data-testid="node-result-${id}"] [data-action]`)?.getAttribute("data-action") === "none",
        threshold,
        WAIT,
      );

      // Save explicitly and wait until the server acknowledged it.
      await page.keyboard.press("Control+s");
      await page.waitForFunction(() => document.querySelector('[data-testid="save-state"]')?.getAttribute("data-status") === "saved", undefined, WAIT);

      await page.goto(`${studio.stack.studioUrl}${path}`);
      for (const id of [input, sentiment, threshold, output]) await page.getByTestId(`node-${id}`).waitFor(WAIT);
      expect(await page.locator(".react-flow__edge").count()).toBe(3);
      expect(await page.getByTestId(`node-${sentiment}`).getAttribute("data-node-type")).toBe("nlp.sentiment");
      // v1 is the empty pipeline from create; at least one more version holds the graph.
      await page.getByTestId("history-version-1").waitFor(WAIT);
      await page.getByTestId("history-version-2").waitFor(WAIT);
      const versionLabel = await page.getByTestId("base-version").textContent();
      expect(Number(versionLabel?.replace("v", ""))).toBeGreaterThanOrEqual(2);
    } catch (error) {
      await page.screenshot({ path: "/tmp/attune-e2e-failure-1.png" }).catch(() => undefined);
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${studio.stack.logs().slice(-4000)}`);
    } finally {
      await page.close();
    }
  });

  test("a refused connection says why", async () => {
    const page = await studio.newPage();
    try {
      await createPipeline(page, "Refusal");
      const input = await dragFromPalette(page, "core.text-input", { x: 130, y: 150 });
      const threshold = await dragFromPalette(page, "policy.threshold", { x: 480, y: 150 });

      await dragHandle(page, `handle-${input}-out-text`, `handle-${threshold}-in-value`);
      const refusal = page.getByTestId("connect-refused");
      await refusal.waitFor(WAIT);
      const text = await refusal.textContent();
      expect(text).toContain("text cannot feed number or scores:any");
      expect(await page.locator(".react-flow__edge").count()).toBe(0);
      await page.screenshot({ path: "/tmp/attune-e2e-refused.png" });
    } catch (error) {
      await page.screenshot({ path: "/tmp/attune-e2e-failure-2.png" }).catch(() => undefined);
      throw error;
    } finally {
      await page.close();
    }
  });
});

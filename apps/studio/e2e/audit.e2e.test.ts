import { describe, expect, test } from "vitest";
import { useStudio } from "./harness";

// A bias audit the way a person runs one: open the pipeline's Audits page, upload a small CSV,
// keep the guessed column mapping, start, watch the progress reach the end, open the report and
// see the per-group charts; the pipeline list then shows the disparity. The runner (started by
// the harness with the same SQLite file) picks the queued audit up and runs the real VADER node.

const studio = useStudio({ viewport: { width: 1400, height: 1000 } });

const WAIT = { timeout: 30_000 };

const node = (id: string, type: string, params: Record<string, unknown>, x: number) => ({ id, type, version: 1, params, position: { x, y: 100 } });
const edge = (id: string, from: [string, string], to: [string, string]) => ({ id, from: { node: from[0], port: from[1] }, to: { node: to[0], port: to[1] } });

const SENTIMENT = {
  schemaVersion: 1,
  nodes: [node("message", "core.text-input", { name: "text" }, 0), node("vader", "nlp.sentiment", {}, 300), node("out", "core.output", { name: "sentiment" }, 600)],
  edges: [edge("e1", ["message", "text"], ["vader", "text"]), edge("e2", ["vader", "scores"], ["out", "value"])],
};

/** Standard-English sentiment words VADER knows, and regional slang it does not. */
const CSV = [
  "text,label,dialect",
  ...["I love this, it is great", "What a wonderful day", "This is awful, I hate it", "Terrible service, very bad", "The bus leaves at nine", "The shop opens on Monday"].map(
    (t, i) => `"${t}",${["positive", "positive", "negative", "negative", "neutral", "neutral"][i]},standard`,
  ),
  ...["That gig was proper mint", "Well chuffed with the flat", "Gutted about the match", "Proper cheesed off with it", "The bus leaves at nine", "The shop opens on Monday"].map(
    (t, i) => `"${t}",${["positive", "positive", "negative", "negative", "neutral", "neutral"][i]},regional`,
  ),
].join("\n");

async function trpcMutation<T>(path: string, input: unknown): Promise<T> {
  const res = await fetch(`${studio.stack.studioUrl}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !body.result) throw new Error(`${path} failed (${res.status}): ${JSON.stringify(body.error)}`);
  return body.result.data;
}

describe("bias audit in the studio", () => {
  test("upload a CSV, run an audit, see the per-group chart and the disparity on the list", async () => {
    const pipeline = await trpcMutation<{ id: string }>("pipelines.create", { name: "VADER audit", document: SENTIMENT });
    const page = await studio.newPage();
    try {
      await page.goto(`${studio.stack.studioUrl}/pipelines/${pipeline.id}/audits`);
      await page.getByTestId("new-audit").waitFor(WAIT);

      // A broken file is refused in the page with its line number, before anything is sent.
      await page.getByTestId("audit-file").setInputFiles({ name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from('text,label,dialect\n"open,positive,standard\n') });
      await page.getByTestId("audit-parse-problems").waitFor(WAIT);
      expect(await page.getByTestId("audit-parse-problems").textContent()).toContain("line 2: a quoted field is never closed");

      await page.getByTestId("audit-file").setInputFiles({ name: "dialects.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
      await page.getByTestId("audit-file-summary").waitFor(WAIT);
      expect(await page.getByTestId("audit-file-summary").textContent()).toContain("12 rows");
      // The mapping was guessed from the column names.
      expect(await page.getByTestId("map-input-text").inputValue()).toBe("text");
      expect(await page.getByTestId("map-label").inputValue()).toBe("label");
      expect(await page.getByTestId("group-dialect").isChecked()).toBe(true);
      expect(await page.getByTestId("map-output").inputValue()).toBe("sentiment");
      await page.getByTestId("min-group-size").fill("5");
      await page.getByTestId("start-audit").click();

      const row = page.locator('[data-testid^="audit-row-"]').first();
      await row.waitFor(WAIT);
      await page.locator('[data-testid^="audit-row-"][data-status="completed"]').waitFor({ timeout: 60_000 });
      expect(await row.getByTestId("audit-progress").getAttribute("aria-valuenow")).toBe("12");

      await row.getByTestId("open-report").click();
      const chart = page.getByTestId("chart-accuracy-dialect");
      await chart.waitFor(WAIT);
      // One bar per group, each with its bootstrap whisker, labelled with the group and its size.
      expect(await chart.locator("svg rect").count()).toBe(2);
      expect(await chart.locator('svg [data-whisker="1"]').count()).toBe(2);
      const labels = await chart.locator("svg text").allTextContents();
      expect(labels.some((l) => l.startsWith("regional (n=6)"))).toBe(true);
      expect(labels.some((l) => l.startsWith("standard (n=6)"))).toBe(true);
      await page.getByTestId("chart-recall-dialect").locator("svg").waitFor(WAIT);
      expect(await page.getByTestId("disparity-accuracy-dialect").textContent()).toMatch(/^Accuracy: \d\.\d\d higher for standard/);

      // The HTML export downloads a self-contained page.
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-html").click()]);
      expect(download.suggestedFilename()).toMatch(/^audit-VADER-audit-v1\.html$/);

      await page.goto(studio.stack.studioUrl);
      const badge = page.getByTestId(`pipeline-row-${pipeline.id}`).getByTestId("latest-disparity");
      await badge.waitFor(WAIT);
      expect(await badge.textContent()).toMatch(/^accuracy gap \d\.\d\d \[-?\d\.\d\d, \d\.\d\d\] by dialect$/);
      expect(await badge.getAttribute("title")).toContain("standard vs regional");
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${studio.stack.logs()}`);
    } finally {
      await page.close();
    }
  });
});

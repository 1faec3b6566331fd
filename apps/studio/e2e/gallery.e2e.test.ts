import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { useStudio } from "./harness";

const studio = useStudio({ viewport: { width: 1440, height: 900 } });
let downloads: string;

beforeAll(() => {
  downloads = mkdtempSync(path.join(tmpdir(), "attune-e2e-downloads-"));
});

afterAll(() => {
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

const WAIT = { timeout: 30_000 };

/** A pipeline's stored document, read over the studio's own tRPC endpoint. */
async function storedDocument(id: string): Promise<unknown> {
  const res = await fetch(`${studio.stack.studioUrl}/api/trpc/pipelines.get?input=${encodeURIComponent(JSON.stringify({ id }))}`);
  const body = (await res.json()) as { result: { data: { document: unknown } } };
  return body.result.data.document;
}

function pipelineIdOf(page: Page): string {
  const match = /\/pipelines\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!match) throw new Error(`not on a pipeline page: ${page.url()}`);
  return match[1]!;
}

async function waitForTopLabel(page: Page, nodeId: string, label: string): Promise<void> {
  await page.waitForFunction(
    ([id, want]) => document.querySelector(`[data-testid="node-result-${id}"] [data-kind="scores"]`)?.getAttribute("data-top-label") === want,
    [nodeId, label] as const,
    WAIT,
  );
}

describe("gallery, export/import and share links", () => {
  test("use the text starter from the gallery, preview it live, export, import, share, fork and revoke", async () => {
    const page = await studio.newPage({ acceptDownloads: true });
    try {
      // ---- gallery: cards with diagrams, filter by modality, search ----
      await page.goto(`${studio.stack.studioUrl}/gallery`);
      const starter = page.getByTestId("template-card-text-sentiment-starter");
      await starter.waitFor(WAIT);
      expect(await page.getByTestId("diagram-text-sentiment-starter").getAttribute("data-node-count")).toBe("7");
      expect(await page.locator('[data-testid="diagram-text-sentiment-starter"] [data-diagram-node]').count()).toBe(7);
      expect(await starter.locator("[data-modality]").allTextContents()).toEqual(["text"]);
      const allCards = await page.locator('[data-testid^="template-card-"]').count();
      expect(allCards).toBeGreaterThanOrEqual(5);

      await page.getByTestId("filter-face").click();
      await starter.waitFor({ state: "detached", ...WAIT });
      await page.getByTestId("template-card-video-call-engagement").waitFor(WAIT);
      const faceModalities = await page.locator('[data-testid^="template-card-"]').evaluateAll((cards) => cards.map((c) => c.getAttribute("data-modalities") ?? ""));
      expect(faceModalities.length).toBeGreaterThan(0);
      expect(faceModalities.length).toBeLessThan(allCards);
      for (const m of faceModalities) expect(m.split(",")).toContain("face");

      await page.getByTestId("filter-text").click();
      await starter.waitFor(WAIT);
      await page.getByTestId("gallery-search").fill("text-sentiment-starter");
      await page.waitForFunction(() => document.querySelectorAll('[data-testid^="template-card-"]').length === 1, undefined, WAIT);
      await page.screenshot({ path: "/tmp/attune-e2e-gallery.png" });

      // ---- "Use template" opens a new pipeline that runs in the live preview ----
      await page.getByTestId("use-template-text-sentiment-starter").click();
      await page.waitForURL(/\/pipelines\/[^/]+$/, WAIT);
      const sourceId = pipelineIdOf(page);
      await page.getByTestId("canvas").waitFor(WAIT);
      expect(await page.getByTestId("pipeline-name").textContent()).toBe("Text sentiment starter");
      await page.getByTestId("preview-input-text").fill("This is the worst support ever. I hate it, totally useless!");
      await waitForTopLabel(page, "sentiment", "negative");
      await page.waitForFunction(
        () => document.querySelector('[data-testid="node-result-negative"] [data-action]')?.getAttribute("data-action") === "flag_for_review",
        undefined,
        WAIT,
      );
      await page.getByTestId("preview-input-text").fill("Thank you so much, this is wonderful!");
      await waitForTopLabel(page, "sentiment", "positive");
      await page.screenshot({ path: "/tmp/attune-e2e-from-template.png" });

      // ---- export downloads a file; importing it on /import gives an equal pipeline ----
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-pipeline").click()]);
      expect(download.suggestedFilename()).toBe("text-sentiment-starter.attune.json");
      const exportedPath = path.join(downloads, download.suggestedFilename());
      await download.saveAs(exportedPath);
      const exported = JSON.parse(readFileSync(exportedPath, "utf8")) as { format: string; formatVersion: number; document: unknown };
      expect(exported).toMatchObject({ format: "attune.pipeline", formatVersion: 3 });

      await page.goto(`${studio.stack.studioUrl}/import`);
      await page.getByTestId("import-file").setInputFiles(exportedPath);
      await page.waitForFunction(() => document.querySelector('[data-testid="import-result"]')?.getAttribute("data-state") === "ok", undefined, WAIT);
      expect(await page.getByTestId("import-node-count").textContent()).toBe("7");
      expect(await page.getByTestId("import-name").inputValue()).toBe("Text sentiment starter");
      await page.getByTestId("import-name").fill("Imported starter");
      await page.getByTestId("import-submit").click();
      await page.waitForURL(/\/pipelines\/[^/]+$/, WAIT);
      const importedId = pipelineIdOf(page);
      expect(importedId).not.toBe(sourceId);
      expect(await page.getByTestId("pipeline-name").textContent()).toBe("Imported starter");
      expect(await storedDocument(importedId)).toEqual(await storedDocument(sourceId));

      // ---- a hostile file: every problem listed with its path, nothing importable ----
      await page.goto(`${studio.stack.studioUrl}/import`);
      const hostile = JSON.parse(readFileSync(exportedPath, "utf8")) as Record<string, any>;
      hostile.document.nodes[1].type = "nlp.not-a-node";
      const hostileText = JSON.stringify(hostile).replace('"pipeline":{', '"pipeline":{"__proto__":{"polluted":true},');
      await page.getByTestId("import-text").fill(hostileText);
      await page.getByTestId("import-problems").waitFor(WAIT);
      expect(await page.locator('[data-testid="import-problems"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute("data-path")))).toEqual(["pipeline.__proto__"]);
      expect(await page.getByTestId("import-submit").isDisabled()).toBe(true);
      delete hostile.pipeline.__proto__;
      await page.getByTestId("import-text").fill(JSON.stringify(hostile));
      await page.waitForFunction(
        () => [...document.querySelectorAll('[data-testid="import-problems"] li')].map((li) => li.getAttribute("data-path")).join() === "document.nodes[1].type",
        undefined,
        WAIT,
      );
      expect(await page.getByTestId("import-submit").isDisabled()).toBe(true);

      // ---- scripts in strings are shown as text, never run ----
      const scripted = JSON.parse(readFileSync(exportedPath, "utf8")) as Record<string, any>;
      scripted.pipeline.name = "<img src=x onerror=window.__pwned=1>";
      scripted.pipeline.description = "<script>window.__pwned=2</script><b>bold?</b>";
      await page.getByTestId("import-text").fill(JSON.stringify(scripted));
      await page.getByTestId("import-summary").waitFor(WAIT);
      expect(await page.getByTestId("import-description").textContent()).toBe("<script>window.__pwned=2</script><b>bold?</b>");
      expect(await page.locator('[data-testid="import-description"] script, [data-testid="import-description"] b, [data-testid="import-result"] img').count()).toBe(0);
      expect(await page.getByTestId("import-name").inputValue()).toBe("<img src=x onerror=window.__pwned=1>");
      await page.getByTestId("import-warnings").waitFor({ state: "attached", ...WAIT });
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

      // ---- share a read-only link, open it in a fresh browser context and fork it ----
      await page.goto(`${studio.stack.studioUrl}/pipelines/${sourceId}`);
      await page.getByTestId("canvas").waitFor(WAIT);
      await page.getByTestId("share-pipeline").click();
      await page.getByTestId("create-share").click();
      const shareUrl = await page.getByTestId("share-url").first().inputValue();
      expect(shareUrl).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/);

      const guest = await studio.newPage({ acceptDownloads: true });
      try {
        await guest.goto(shareUrl);
        await guest.getByTestId("share-canvas").waitFor(WAIT);
        expect(await guest.getByTestId("share-name").textContent()).toBe("Text sentiment starter");
        expect(await guest.getByTestId("read-only").textContent()).toBe("read-only");
        await guest.waitForFunction(() => document.querySelectorAll(".react-flow__node").length === 7, undefined, WAIT);
        // Read-only: dragging a node moves nothing, and wiring two handles adds no edge.
        const sentimentNode = guest.locator('.react-flow__node[data-id="sentiment"]');
        const before = await sentimentNode.getAttribute("style");
        const box = await sentimentNode.boundingBox();
        await guest.mouse.move(box!.x + 40, box!.y + 12);
        await guest.mouse.down();
        await guest.mouse.move(box!.x + 200, box!.y + 180, { steps: 10 });
        await guest.mouse.up();
        expect(await sentimentNode.getAttribute("style")).toBe(before);
        const edgesBefore = await guest.locator(".react-flow__edge").count();
        expect(edgesBefore).toBe(6);
        const from = await guest.getByTestId("handle-message-out-text").boundingBox();
        const to = await guest.getByTestId("handle-out-action-in-value").boundingBox();
        await guest.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
        await guest.mouse.down();
        await guest.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, { steps: 10 });
        await guest.mouse.up();
        expect(await guest.locator(".react-flow__edge").count()).toBe(edgesBefore);
        expect(await guest.getByTestId("node-doc-sentiment").textContent()).toContain("nlp.sentiment");
        // Sample results: the template's stored sample ("...works great!") run now by the runner.
        await waitForTopLabel(guest, "sentiment", "positive");
        await guest.screenshot({ path: "/tmp/attune-e2e-share.png" });
        await guest.getByTestId("fork-share").click();
        await guest.waitForURL(/\/pipelines\/[^/]+$/, WAIT);
        expect(await guest.getByTestId("pipeline-name").textContent()).toBe("Text sentiment starter (fork)");
        expect(await storedDocument(pipelineIdOf(guest))).toEqual(await storedDocument(sourceId));

        // ---- revoking the link closes it ----
        await page.getByTestId("revoke-share").click();
        await page.waitForFunction(() => document.querySelector('[data-testid="share-row"]')?.getAttribute("data-revoked") === "true", undefined, WAIT);
        await guest.goto(shareUrl);
        await guest.getByTestId("share-error").waitFor(WAIT);
        expect(await guest.getByTestId("share-error").textContent()).toContain("revoked");
      } finally {
        await guest.context().close();
      }
    } catch (error) {
      await page.screenshot({ path: "/tmp/attune-e2e-gallery-failure.png" }).catch(() => undefined);
      throw new Error(`${String(error)}\n${studio.stack.logs().slice(-4000)}`);
    } finally {
      await page.context().close();
    }
  });
});

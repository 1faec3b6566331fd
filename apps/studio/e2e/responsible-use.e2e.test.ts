// Browser tests of the studio's responsible-use and code-node editing: the purpose & setting panel
// blocks face emotion recognition at work (EU AI Act Art. 5(1)(f)) until a safety exemption, undoably
// and saved with the pipeline; a rule routing negative affect to retention needs a recorded
// acknowledgement; the code node's Monaco editor types `input` from what is wired in, and what is
// typed there runs in the live preview. The mood node's gauge renders on the canvas.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { useStudio } from "./harness";

const WAIT = { timeout: 60_000 };

const studio = useStudio({ pageTimeoutMs: 60_000 });

const at = (x: number, y: number) => ({ x, y });
const node = (id: string, type: string, params: Record<string, unknown>, position: { x: number; y: number }) => ({ id, type, version: 1, params, position });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({
  id: `${from}-${fromPort}-${to}-${toPort}`,
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});

/** Creates a pipeline through the studio's own API and opens it in the editor; returns its path. */
async function openPipeline(page: Page, name: string, document: unknown): Promise<string> {
  const res = await page.request.post(`${studio.stack.studioUrl}/api/trpc/pipelines.create`, { data: { name, document } });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as { result: { data: { id: string } } };
  const path = `/pipelines/${body.result.data.id}`;
  await page.goto(`${studio.stack.studioUrl}${path}`);
  await page.getByTestId("canvas").waitFor(WAIT);
  return path;
}

/** Selects a canvas node by clicking its header, as a person would. */
async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator(".head").click();
  await page.locator(`[data-testid="inspector"][data-node-id="${id}"]`).waitFor(WAIT);
}

async function issueCodes(page: Page): Promise<string[]> {
  return page.locator('[data-testid="issue-list"] .code').evaluateAll((els) => els.map((e) => (e.textContent ?? "").split(" · ")[0]!.trim()));
}

async function fail(page: Page, shot: string, error: unknown): Promise<never> {
  await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
  throw new Error(`${error instanceof Error ? error.message : String(error)}\n${studio.stack.logs().slice(-4000)}`);
}

describe("responsible use in the editor", () => {
  test("face emotion recognition at work is prohibited (Art. 5(1)(f)) until a safety exemption; undoable and saved", async () => {
    const page = await studio.newPage();
    try {
      const path = await openPipeline(page, "Workplace faces", {
        schemaVersion: 1,
        nodes: [
          node("img", "core.image-input", { name: "image" }, at(0, 120)),
          node("det", "vision.face-detect", {}, at(300, 0)),
          node("exp", "vision.facial-expression", {}, at(600, 120)),
          node("out", "core.output", { name: "emotion" }, at(900, 120)),
        ],
        edges: [edge("img", "image", "det", "image"), edge("img", "image", "exp", "image"), edge("det", "faces", "exp", "faces"), edge("exp", "primary", "out", "value")],
      });

      // No setting yet: the panel is open and asks for one, citing the article.
      const panel = page.getByTestId("purpose-panel");
      await page.getByTestId("purpose-undeclared").waitFor(WAIT);
      expect(await page.getByTestId("purpose-undeclared").textContent()).toContain("Art. 5(1)(f)");
      expect(await panel.getAttribute("open")).not.toBeNull();
      expect(await issueCodes(page)).toContain("PURPOSE_UNDECLARED");

      await page.getByTestId("meta-purpose").fill("Measure how staff feel during shifts");
      await page.getByTestId("meta-setting").selectOption("workplace");
      const prohibited = page.getByTestId("purpose-prohibited");
      await prohibited.waitFor(WAIT);
      const legal = (await prohibited.textContent()) ?? "";
      expect(legal).toContain("EU AI Act Art. 5(1)(f)");
      expect(legal).toContain("infer the emotions of a natural person in the areas of workplace");
      expect(legal).toContain("except where intended for medical or safety reasons");
      expect(await prohibited.locator('li[data-code="PROHIBITED_USE"]').getAttribute("data-node-id")).toBe("exp");
      expect(await page.getByTestId("purpose-status").textContent()).toBe("prohibited");
      expect(await issueCodes(page)).toContain("PROHIBITED_USE");
      expect(await issueCodes(page)).not.toContain("PURPOSE_UNDECLARED");
      // The facial-expression node itself carries the error on the canvas, and the preview is blocked.
      await page.getByTestId("node-issues-exp").locator('[data-code="PROHIBITED_USE"]').waitFor(WAIT);
      await page.screenshot({ path: "/tmp/attune-e2e-prohibited.png" });

      // A safety exemption is the one way to keep the node in a workplace setting.
      await page.getByTestId("meta-exemption").selectOption("safety");
      await prohibited.waitFor({ state: "detached", ...WAIT });
      expect(await issueCodes(page)).not.toContain("PROHIBITED_USE");
      expect(await page.getByTestId("node-issues-exp").count()).toBe(0);
      await page.getByTestId("purpose-ok").waitFor(WAIT);

      // Document edits like any other: undo brings the prohibition back, redo clears it again.
      await page.getByTestId("undo").click();
      await prohibited.waitFor(WAIT);
      expect(await page.getByTestId("meta-exemption").inputValue()).toBe("");
      await page.getByTestId("redo").click();
      await prohibited.waitFor({ state: "detached", ...WAIT });
      expect(await page.getByTestId("meta-exemption").inputValue()).toBe("safety");

      // Saved with the pipeline.
      await page.getByTestId("save").click();
      await page.waitForFunction(() => document.querySelector('[data-testid="save-state"]')?.getAttribute("data-status") === "saved", undefined, WAIT);
      await page.goto(`${studio.stack.studioUrl}${path}`);
      await page.getByTestId("canvas").waitFor(WAIT);
      expect(await page.getByTestId("meta-setting").inputValue()).toBe("workplace");
      expect(await page.getByTestId("meta-exemption").inputValue()).toBe("safety");
      expect(await page.getByTestId("meta-purpose").inputValue()).toBe("Measure how staff feel during shifts");
      expect(await page.getByTestId("purpose-prohibited").count()).toBe(0);
    } catch (error) {
      await fail(page, "/tmp/attune-e2e-failure-ru-1.png", error);
    } finally {
      await page.close();
    }
  });

  test("the rules editor edits the decision table; a retention action needs a recorded acknowledgement", async () => {
    const page = await studio.newPage();
    try {
      await openPipeline(page, "Retention rules", {
        schemaVersion: 1,
        meta: { purpose: "Call-centre routing", setting: "customer-service" },
        nodes: [
          node("txt", "core.text-input", { name: "text" }, at(0, 100)),
          node("sent", "nlp.sentiment", {}, at(280, 100)),
          node("rules", "policy.rules", {}, at(560, 100)),
          node("out", "core.output", { name: "action" }, at(880, 100)),
        ],
        edges: [edge("txt", "text", "sent", "text"), edge("sent", "scores", "rules", "scores"), edge("rules", "action", "out", "value")],
      });
      await page.getByTestId("no-issues").waitFor(WAIT);
      await selectNode(page, "rules");
      const editor = page.getByTestId("rules-editor-rules");
      await editor.waitFor(WAIT);
      expect(await editor.locator(".rule-card").count()).toBe(2);
      expect(await page.getByTestId("rule-rules-0-id").inputValue()).toBe("escalate-upset");
      expect(await page.getByTestId("rule-rules-1-tone").inputValue()).toBe("calm");

      // Add a rule and move it to the top: the table order is the document's order.
      await page.getByTestId("rules-add-rules").click();
      expect(await editor.locator(".rule-card").count()).toBe(3);
      await page.getByTestId("rule-rules-2-up").click();
      await page.getByTestId("rule-rules-1-up").click();
      expect(await page.getByTestId("rule-rules-0-id").inputValue()).toBe("rule-3");
      expect(await page.getByTestId("rule-rules-1-id").inputValue()).toBe("escalate-upset");
      // A duplicate id is an inline error on the rule that repeats it.
      await page.getByTestId("rule-rules-0-id").fill("escalate-upset");
      await page.getByTestId("rule-rules-1-issue").first().waitFor(WAIT);
      expect(await page.getByTestId("rule-rules-1-issue").first().textContent()).toContain("rule id 'escalate-upset' is used twice");
      await page.getByTestId("rule-rules-0-id").fill("offer-on-anger");
      await page.getByTestId("no-issues").waitFor(WAIT);

      // Negative affect -> a retention offer: flagged as possible manipulation.
      await page.getByTestId("rule-rules-0-action").fill("retention_offer");
      const form = page.getByTestId("ack-form-rules");
      await form.waitFor(WAIT);
      expect(await form.textContent()).toContain("rule 'offer-on-anger' -> 'retention_offer'");
      expect(await issueCodes(page)).toContain("POSSIBLE_MANIPULATION");
      expect(await page.getByTestId("purpose-status").textContent()).toBe("needs attention");

      // Who and why are both required.
      await page.getByTestId("ack-rules-by").fill("Dana Reyes, QA lead");
      await page.getByTestId("ack-rules-submit").click();
      expect(await page.getByTestId("ack-rules-missing").textContent()).toContain("a note saying why");
      await page.getByTestId("ack-rules-note").fill("Offer is read out only after a human agent has taken the call.");
      await page.getByTestId("ack-rules-submit").click();
      await page.getByTestId("manipulation-acknowledged").waitFor(WAIT);
      const acknowledged = (await page.getByTestId("manipulation-acknowledged").textContent()) ?? "";
      expect(acknowledged).toContain("acknowledged by Dana Reyes, QA lead");
      expect(acknowledged).toMatch(/at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
      expect(await page.getByTestId("ack-0").textContent()).toContain("Offer is read out only after a human agent");
      expect(await issueCodes(page)).toContain("POSSIBLE_MANIPULATION"); // still listed, now as an acknowledged warning
      expect(await page.locator('[data-testid="issue-list"] li .error').count()).toBe(0);

      await page.screenshot({ path: "/tmp/attune-e2e-acknowledged.png" });

      // Undo withdraws it.
      await page.getByTestId("undo").click();
      await form.waitFor(WAIT);
      expect(await page.getByTestId("ack-list").count()).toBe(0);
    } catch (error) {
      await fail(page, "/tmp/attune-e2e-failure-ru-2.png", error);
    } finally {
      await page.close();
    }
  });
});

describe("code node editing", () => {
  test("Monaco types `input` from the wired sentiment scores, and typed code runs in the live preview; the mood gauge renders", async () => {
    const page = await studio.newPage();
    try {
      await openPipeline(page, "Code on scores", {
        schemaVersion: 1,
        nodes: [
          node("txt", "core.text-input", { name: "text" }, at(0, 120)),
          node("sent", "nlp.sentiment", {}, at(280, 120)),
          node("code", "core.code", {}, at(580, 0)),
          node("mood", "state.mood", {}, at(580, 330)),
          node("out", "core.output", { name: "result" }, at(900, 0)),
          node("outMood", "core.output", { name: "mood" }, at(900, 330)),
        ],
        edges: [
          edge("txt", "text", "sent", "text"),
          edge("sent", "scores", "code", "input"),
          edge("sent", "scores", "mood", "scores"),
          edge("code", "output", "out", "value"),
          edge("mood", "mood", "outMood", "value"),
        ],
      });
      await page.getByTestId("no-issues").waitFor(WAIT);
      await selectNode(page, "code");

      // The hint says what arrives, and the sandbox limits sit next to the editor.
      const inputType = page.getByTestId("code-input-type-code");
      await inputType.waitFor(WAIT);
      expect(await inputType.getAttribute("data-type")).toBe(
        '{ taxonomy: "sentiment3"; calibrated: boolean; scores: Record<"negative" | "neutral" | "positive", number> }',
      );
      expect(await inputType.textContent()).toContain("'sent' port 'scores'");
      const limits = (await page.getByTestId("code-limits-code").textContent()) ?? "";
      expect(limits).toContain("1000 ms");
      expect(limits).toContain("32 MB");
      expect(limits).toContain("256 KB");

      const monaco = page.getByTestId("code-monaco-code").locator(".monaco-editor");
      await monaco.waitFor(WAIT);
      expect(await monaco.locator(".view-lines").textContent()).toMatch(/return\s+input;/);

      // Completions come from the declared type: the taxonomy's labels after `input.scores.`.
      await monaco.click();
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText("return input.scores.");
      await page.keyboard.press("Control+Space");
      const suggestions = monaco.locator(".suggest-widget .monaco-list-row");
      await page.waitForFunction(
        () => [...document.querySelectorAll('[data-testid="code-monaco-code"] .suggest-widget .monaco-list-row')].some((r) => /negative/.test(r.getAttribute("aria-label") ?? r.textContent ?? "")),
        undefined,
        WAIT,
      );
      const labels = await suggestions.evaluateAll((rows) => rows.map((r) => r.getAttribute("aria-label") ?? r.textContent ?? ""));
      for (const label of ["negative", "neutral", "positive"]) expect(labels.some((l) => l.includes(label))).toBe(true);
      await page.keyboard.press("Escape");

      // Typed code goes into the document and the live preview runs it.
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText(
        'const ranked = Object.entries(input.scores).sort((a, b) => b[1] - a[1]);\nreturn { shout: "TOP=" + ranked[0][0].toUpperCase(), score: Math.round(ranked[0][1] * 100) };',
      );
      await page.getByTestId("preview-input-text").fill("I hate this, it is awful and I am furious!");
      await page.waitForFunction(
        () => (document.querySelector('[data-testid="node-result-code"] [data-kind="json"]')?.textContent ?? "").includes("TOP=NEGATIVE"),
        undefined,
        WAIT,
      );
      const shown = (await page.getByTestId("node-result-out").textContent()) ?? "";
      expect(shown).toContain("TOP=NEGATIVE");

      // A runtime error names itself on the node and in the inspector. (Wait out the 1.5 s in which
      // edits of one field coalesce into one undo step, so this edit is its own step.)
      await page.waitForTimeout(1600);
      await monaco.click();
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText('throw new Error("no scores for you");');
      await page.getByTestId("code-run-error-code").waitFor(WAIT);
      expect(await page.getByTestId("code-run-error-code").textContent()).toContain("no scores for you");

      // Undo (outside the editor) returns the working code, which runs again.
      await page.getByTestId("undo").click();
      await page.waitForFunction(
        () => (document.querySelector('[data-testid="node-result-code"] [data-kind="json"]')?.textContent ?? "").includes("TOP=NEGATIVE"),
        undefined,
        WAIT,
      );

      // The mood node's preview is a gauge on the canvas, moved toward unpleasant by the angry turn.
      const gauge = page.getByTestId("node-gauge-mood");
      await gauge.waitFor(WAIT);
      expect(await gauge.textContent()).toContain("mood:");
      expect(Number(await gauge.getAttribute("data-value"))).toBeLessThan(0);
      expect(await gauge.getAttribute("data-flag")).toMatch(/arousal .* dominance .* turns/);
      await page.screenshot({ path: "/tmp/attune-e2e-code-node.png" });
    } catch (error) {
      await fail(page, "/tmp/attune-e2e-failure-ru-3.png", error);
    } finally {
      await page.close();
    }
  });
});

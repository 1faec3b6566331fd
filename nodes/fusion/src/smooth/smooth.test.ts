import { compile, defineNode, NodeRegistry, type EmotionScores, type NodeDefinition, type RunContext } from "@attune/graph";
import { output } from "@attune/nodes-core";
import { makeTestContext } from "@attune/nodes-core/testing";
import { execute, MemoryResultCache, MemorySessionStateStore } from "@attune/runtime";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { smooth } from "./index";

// Reads emotion scores from the run input `x`.
const scoresInput = defineNode(
  {
    type: "test.scores-input", version: 1, family: "core", title: "Scores input", description: "", role: "input",
    inputs: [], outputs: [{ id: "scores", label: "Scores", type: "scores:any" }],
    params: z.object({ name: z.string().default("x") }),
  },
  { run: async (_i, p, ctx) => ({ scores: ctx.runInputs[p.name] }), example: { inputs: {} } },
);

const senti = (negative: number, neutral: number, positive: number): EmotionScores => ({
  taxonomy: "sentiment3",
  calibrated: true,
  scores: { negative, neutral, positive },
});
const NEG = senti(0.8, 0.1, 0.1);
const POS = senti(0.1, 0.1, 0.8);

type Out = { scores: EmotionScores; label: string; changed: boolean };

/** One session: a context whose state persists across calls and whose clock the test sets. */
function session(params: Record<string, unknown> = {}) {
  let clock = 0;
  const ctx: RunContext = { ...makeTestContext({ sessionId: "s1" }), now: () => clock };
  const p = smooth.params.parse(params);
  return {
    at(ms: number) {
      clock = ms;
      return this;
    },
    run: async (scores: EmotionScores, t?: number) => (await smooth.run(t === undefined ? { scores } : { scores, t }, p, ctx)) as Out,
  };
}

describe("fusion.smooth", () => {
  it("passes the first reading through and then moves alpha of the way per run", async () => {
    const s = session({ alpha: 0.5 });
    expect((await s.run(NEG)).scores.scores.negative).toBeCloseTo(0.8, 9);
    expect((await s.run(POS)).scores.scores.negative).toBeCloseTo(0.45, 9);
    expect((await s.run(POS)).scores.scores.negative).toBeCloseTo(0.275, 9);
  });

  it("keeps the label through one noisy frame (hysteresis)", async () => {
    const s = session({ alpha: 0.6, minHold: 2, switchMargin: 0.1 });
    const labels: string[] = [];
    for (const frame of [NEG, NEG, POS, NEG, NEG]) labels.push((await s.run(frame)).label);
    expect(labels).toEqual(["negative", "negative", "negative", "negative", "negative"]);
  });

  it("switches after the challenger leads for minHold runs, reporting the change once", async () => {
    const s = session({ alpha: 0.6, minHold: 2, switchMargin: 0.1 });
    const seq: [string, boolean][] = [];
    for (const frame of [NEG, POS, POS, POS, POS]) {
      const out = await s.run(frame);
      seq.push([out.label, out.changed]);
    }
    // Run 2: positive leads 0.52 vs 0.38 (streak 1); run 3: leads again (streak 2) -> switch.
    expect(seq).toEqual([
      ["negative", false],
      ["negative", false],
      ["positive", true],
      ["positive", false],
      ["positive", false],
    ]);
  });

  it("does not switch on a lead smaller than the margin", async () => {
    const s = session({ alpha: 1, minHold: 1, switchMargin: 0.2 });
    await s.run(senti(0.5, 0.2, 0.3));
    expect((await s.run(senti(0.4, 0.1, 0.5))).label).toBe("negative"); // lead 0.1 < 0.2
    expect((await s.run(senti(0.3, 0.1, 0.6))).label).toBe("positive"); // lead 0.3
  });

  it("with a half-life, weighs by elapsed time from the `t` input", async () => {
    const s = session({ mode: "half-life", halfLifeSec: 2 });
    await s.run(NEG, 10);
    // 2 s later: the old estimate keeps half its weight.
    expect((await s.run(POS, 12)).scores.scores.negative).toBeCloseTo(0.45, 9);
    // 6 s later (3 half-lives): it keeps 1/8.
    expect((await s.run(NEG, 18)).scores.scores.negative).toBeCloseTo(0.45 / 8 + 0.8 * 7 / 8, 9);
  });

  it("uses the run's clock (ctx.now) when `t` is not connected", async () => {
    const s = session({ mode: "half-life", halfLifeSec: 1 });
    await s.at(1_000).run(NEG);
    expect((await s.at(2_000).run(POS)).scores.scores.negative).toBeCloseTo(0.45, 9);
  });

  it("starts afresh after a long gap, when time runs backwards, or when the taxonomy changes", async () => {
    const s = session({ alpha: 0.5, resetAfterSec: 60 });
    await s.at(0).run(NEG);
    expect((await s.at(61_000).run(POS)).scores.scores.positive).toBeCloseTo(0.8, 9);
    await s.run(NEG, 100);
    expect((await s.run(POS, 50)).scores.scores.positive).toBeCloseTo(0.8, 9);
    const ekman: EmotionScores = { taxonomy: "ekman7", calibrated: true, scores: { joy: 1 } };
    const out = await s.run(ekman, 51);
    expect(out.scores.taxonomy).toBe("ekman7");
    expect(out.label).toBe("joy");
  });

  it("is not cached and keeps state per session in the runtime", async () => {
    const registry = new NodeRegistry<NodeDefinition<any>>([scoresInput, output, smooth]);
    const compiled = compile(
      {
        schemaVersion: 1,
        nodes: [
          { id: "in", type: "test.scores-input", version: 1, params: {}, position: { x: 0, y: 0 } },
          { id: "sm", type: "fusion.smooth", version: 1, params: { alpha: 0.5 }, position: { x: 1, y: 0 } },
          { id: "out", type: "core.output", version: 1, params: { name: "smoothed" }, position: { x: 2, y: 0 } },
        ],
        edges: [
          { id: "e1", from: { node: "in", port: "scores" }, to: { node: "sm", port: "scores" } },
          { id: "e2", from: { node: "sm", port: "scores" }, to: { node: "out", port: "value" } },
        ],
      },
      registry,
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    const state = new MemorySessionStateStore();
    const cache = new MemoryResultCache(100);
    const run = async (x: EmotionScores, sessionId: string) =>
      ((await execute(compiled.plan, { registry, inputs: { x }, state, cache, sessionId })).outputs["smoothed"] as EmotionScores).scores.negative;
    expect(await run(NEG, "s1")).toBeCloseTo(0.8, 9);
    expect(await run(POS, "s1")).toBeCloseTo(0.45, 9);
    expect(await run(POS, "s1")).toBeCloseTo(0.275, 9);
    expect(await run(POS, "s2")).toBeCloseTo(0.1, 9);
  });

  it("refuses a non-numeric time", async () => {
    await expect(session().run(NEG, Number.NaN)).rejects.toThrow("input 't' must be a finite number");
  });
});

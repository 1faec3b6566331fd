import type { EmotionScores } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { baseline } from "./index";

const ekman = (scores: Record<string, number>): EmotionScores => ({ taxonomy: "ekman7", calibrated: true, scores });
const RESTING = ekman({ neutral: 0.7, sadness: 0.3 });

type Out = { scores: EmotionScores; deviation: Record<string, number>; ready: boolean; samples: number };

function session(params: Record<string, unknown> = {}) {
  const ctx = makeTestContext({ sessionId: "s" });
  const p = baseline.params.parse({ warmup: 3, ...params });
  return {
    ctx,
    run: async (scores: EmotionScores, extra: Record<string, unknown> = {}) => (await baseline.run({ scores, ...extra }, p, ctx)) as Out,
  };
}

describe("fusion.baseline", () => {
  it("passes scores through while warming up, counting samples", async () => {
    const s = session();
    for (let i = 1; i <= 3; i++) {
      const out = await s.run(RESTING);
      expect(out.ready).toBe(false);
      expect(out.samples).toBe(i);
      expect(out.scores.scores.sadness).toBeCloseTo(0.3, 9);
      expect(out.scores.calibrated).toBe(true);
    }
  });

  it("then subtracts the person's resting level: their usual reading becomes neutral", async () => {
    const s = session();
    for (let i = 0; i < 3; i++) await s.run(RESTING);
    const same = await s.run(RESTING);
    expect(same.ready).toBe(true);
    expect(same.scores.scores.neutral).toBeCloseTo(1, 9);
    expect(same.scores.scores.sadness).toBeCloseTo(0, 9);
    expect(same.scores.calibrated).toBe(false);
  });

  it("keeps only the excess over baseline as emotion, the rest neutral", async () => {
    const s = session();
    for (let i = 0; i < 3; i++) await s.run(RESTING);
    const out = await s.run(ekman({ neutral: 0.2, sadness: 0.6, anger: 0.2 }));
    expect(out.scores.scores.sadness).toBeCloseTo(0.3, 9);
    expect(out.scores.scores.anger).toBeCloseTo(0.2, 9);
    expect(out.scores.scores.neutral).toBeCloseTo(0.5, 9);
    expect(out.deviation.neutral).toBeCloseTo(-0.5, 9);
    expect(out.deviation.sadness).toBeCloseTo(0.3, 9);
  });

  it("keeps a separate baseline per subject, from the input or the param", async () => {
    const s = session();
    for (let i = 0; i < 3; i++) await s.run(RESTING, { subject: "ann" });
    const bob = await s.run(RESTING, { subject: "bob" });
    expect(bob.ready).toBe(false);
    expect((await s.run(RESTING, { subject: "ann" })).ready).toBe(true);
    // Unconnected/empty subject falls back to the param.
    expect((await s.run(RESTING, { subject: "  " })).samples).toBe(1);
    expect((await s.run(RESTING)).samples).toBe(2);
  });

  it("starts over when reset is true", async () => {
    const s = session();
    for (let i = 0; i < 4; i++) await s.run(RESTING);
    const out = await s.run(ekman({ joy: 1 }), { reset: true });
    expect(out).toMatchObject({ ready: false, samples: 1 });
    expect(out.scores.scores.joy).toBeCloseTo(1, 9);
    expect((await s.run(ekman({ joy: 1 }), { reset: false })).samples).toBe(2);
  });

  it("adapts slowly after warm-up (EMA at `rate`)", async () => {
    const s = session({ warmup: 1, rate: 0.5 });
    await s.run(RESTING); // mean sadness 0.3
    await s.run(ekman({ sadness: 0.7, neutral: 0.3 })); // n=2: k = max(0.5, 1/2) -> 0.5
    const out = await s.run(RESTING);
    expect(out.deviation.sadness).toBeCloseTo(0.3 - 0.5, 9);
  });

  it("forgets the least recently seen subject beyond maxSubjects", async () => {
    const s = session({ maxSubjects: 2 });
    await s.run(RESTING, { subject: "a" });
    await s.run(RESTING, { subject: "b" });
    await s.run(RESTING, { subject: "a" });
    await s.run(RESTING, { subject: "c" }); // evicts b
    expect((await s.run(RESTING, { subject: "a" })).samples).toBe(3);
    expect((await s.run(RESTING, { subject: "b" })).samples).toBe(1);
  });

  it("refuses wrong input types", async () => {
    await expect(session().run(RESTING, { subject: 42 })).rejects.toThrow("input 'subject' must be text");
    await expect(session().run(RESTING, { reset: "yes" })).rejects.toThrow("input 'reset' must be a boolean");
  });
});

import { previewSummarySchema, type EmotionScores, type RunContext } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { mood } from "./index";
import { moodLabel } from "./run";

const ekman = (scores: Record<string, number>): EmotionScores => ({ taxonomy: "ekman7", calibrated: true, scores });
const ANGRY = ekman({ anger: 1 });
const NEUTRAL = ekman({ neutral: 1 });

type Pad = { pleasure: number; arousal: number; dominance: number; label: string; turns: number; idleSec: number; expired: boolean };
type Out = { mood: { valence: number; arousal: number }; pad: Pad; label: string };

function session(params: Record<string, unknown> = {}) {
  let clock = 1_000_000;
  const ctx: RunContext = { ...makeTestContext({ sessionId: "s" }), now: () => clock };
  const p = mood.params.parse(params);
  return {
    wait(sec: number) {
      clock += sec * 1000;
      return this;
    },
    run: async (inputs: Record<string, unknown> = {}) => (await mood.run(inputs, p, ctx)) as Out,
  };
}

describe("state.mood", () => {
  it("starts neutral and moves `gain` of the way toward an emotional turn's PAD point", async () => {
    const s = session({ gain: 0.3 });
    const out = await s.run({ scores: ANGRY });
    expect(out.pad.pleasure).toBeCloseTo(0.3 * -0.51, 6);
    expect(out.pad.arousal).toBeCloseTo(0.3 * 0.59, 6);
    expect(out.pad.dominance).toBeCloseTo(0.3 * 0.25, 6);
    expect(out.mood).toEqual({ valence: out.pad.pleasure, arousal: out.pad.arousal });
    expect(out.label).toBe("hostile");
    expect(out.pad.turns).toBe(1);
  });

  it("grows more hostile over several angry turns, converging on anger's coordinates", async () => {
    const s = session({ gain: 0.3 });
    const pleasure: number[] = [];
    for (let i = 0; i < 10; i++) pleasure.push((await s.wait(1).run({ scores: ANGRY })).pad.pleasure);
    for (let i = 1; i < pleasure.length; i++) expect(pleasure[i]).toBeLessThan(pleasure[i - 1]!);
    expect(pleasure.at(-1)!).toBeGreaterThan(-0.51);
    expect(pleasure.at(-1)!).toBeLessThan(-0.4);
  });

  it("decays toward neutral with the configured half-life", async () => {
    const s = session({ gain: 1, halfLifeSec: 60 });
    const first = await s.run({ scores: ANGRY });
    expect(first.pad.pleasure).toBeCloseTo(-0.51, 6);
    const later = await s.wait(60).run();
    expect(later.pad.pleasure).toBeCloseTo(-0.255, 6);
    expect(later.pad.idleSec).toBe(60);
    const much = await s.wait(120).run();
    expect(much.pad.pleasure).toBeCloseTo(-0.255 / 4, 6);
    // Runs without input do not count as turns.
    expect(much.pad.turns).toBe(1);
    expect((await s.wait(6000).run()).label).toBe("neutral");
  });

  it("lets a neutral turn leave the mood to decay alone", async () => {
    const s = session({ gain: 0.5, halfLifeSec: 600_000 });
    const angry = await s.run({ scores: ANGRY });
    const after = await s.run({ scores: NEUTRAL });
    expect(after.pad.pleasure).toBeCloseTo(angry.pad.pleasure, 6);
    expect(after.pad.turns).toBe(2);
  });

  it("expires an idle session after ttlSec and starts neutral", async () => {
    const s = session({ gain: 1, halfLifeSec: 600_000, ttlSec: 600 });
    await s.run({ scores: ANGRY });
    const still = await s.wait(599).run();
    expect(still.pad.expired).toBe(false);
    expect(still.pad.pleasure).toBeLessThan(-0.5);
    const gone = await s.wait(601).run({ scores: NEUTRAL });
    expect(gone.pad).toMatchObject({ expired: true, pleasure: 0, arousal: 0, dominance: 0, turns: 1, label: "neutral" });
  });

  it("appraises a valence/arousal input on pleasure and arousal", async () => {
    const s = session({ gain: 0.5 });
    const out = await s.run({ va: { valence: 0.8, arousal: -0.6 } });
    expect(out.pad.pleasure).toBeCloseTo(0.4, 6);
    expect(out.pad.arousal).toBeCloseTo(-0.3, 6);
    expect(out.pad.dominance).toBe(0);
  });

  it("keeps state per session (a second context starts neutral)", async () => {
    const a = session({ gain: 1 });
    await a.run({ scores: ANGRY });
    const b = session({ gain: 1 });
    expect((await b.run()).label).toBe("neutral");
  });

  it("names Mehrabian's PAD octants", () => {
    expect(moodLabel({ pleasure: 0.5, arousal: 0.5, dominance: 0.5 }, 0.1)).toBe("exuberant");
    expect(moodLabel({ pleasure: -0.5, arousal: 0.5, dominance: -0.5 }, 0.1)).toBe("anxious");
    expect(moodLabel({ pleasure: 0.5, arousal: -0.5, dominance: 0.5 }, 0.1)).toBe("relaxed");
    expect(moodLabel({ pleasure: -0.5, arousal: -0.5, dominance: -0.5 }, 0.1)).toBe("bored");
    expect(moodLabel({ pleasure: 0.05, arousal: 0, dominance: 0 }, 0.1)).toBe("neutral");
  });

  it("shows the mood in its preview as a gauge", async () => {
    const s = session();
    const out = await s.run({ scores: ANGRY });
    const preview = previewSummarySchema.parse(mood.preview!(out, mood.params.parse({})));
    expect(preview).toMatchObject({ kind: "gauge", label: "mood: hostile", min: -1, max: 1 });
  });

  it("refuses malformed inputs", async () => {
    await expect(session().run({ va: { valence: 3, arousal: 0 } })).rejects.toThrow("input 'va' must be valence/arousal");
    await expect(session().run({ scores: "angry" })).rejects.toThrow("input 'scores' must be emotion scores");
  });
});

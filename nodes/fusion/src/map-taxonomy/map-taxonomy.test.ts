import { TAXONOMY_LABELS, type EmotionScores, type Taxonomy } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { GOEMOTIONS_TO_EKMAN } from "../shared/mapping";
import { mapTaxonomy } from "./index";

const s = (taxonomy: Taxonomy, scores: Record<string, number>, calibrated = true): EmotionScores => ({ taxonomy, calibrated, scores });

async function map(value: unknown, params: Record<string, unknown> = {}) {
  const out = await mapTaxonomy.run({ scores: value }, mapTaxonomy.params.parse(params), makeTestContext());
  return out as { ekman7: EmotionScores; sentiment3: EmotionScores; va: { valence: number; arousal: number }; dominance: number };
}

function close(actual: Record<string, number>, expected: Record<string, number>) {
  for (const [k, v] of Object.entries(expected)) expect(actual[k], k).toBeCloseTo(v, 6);
  for (const [k, v] of Object.entries(actual)) if (!(k in expected)) expect(v, k).toBeCloseTo(0, 6);
}

describe("fusion.map-taxonomy", () => {
  it("groups GoEmotions into Ekman by the GoEmotions paper's mapping, keeping calibration", async () => {
    const out = await map(s("goemotions28", { annoyance: 0.4, anger: 0.2, gratitude: 0.1, neutral: 0.2, curiosity: 0.1 }));
    expect(out.ekman7.taxonomy).toBe("ekman7");
    expect(out.ekman7.calibrated).toBe(true);
    close(out.ekman7.scores, { anger: 0.6, joy: 0.1, neutral: 0.2, surprise: 0.1 });
  });

  it("covers every GoEmotions label with an Ekman label", () => {
    for (const label of TAXONOMY_LABELS.goemotions28) {
      expect(TAXONOMY_LABELS.ekman7 as readonly string[], label).toContain(GOEMOTIONS_TO_EKMAN[label]);
    }
  });

  it("groups GoEmotions into sentiment; ambiguous labels go to neutral or are split", async () => {
    const value = s("goemotions28", { annoyance: 0.4, anger: 0.2, gratitude: 0.1, neutral: 0.2, curiosity: 0.1 });
    close((await map(value)).sentiment3.scores, { negative: 0.6, neutral: 0.3, positive: 0.1 });
    const split = (await map(value, { ambiguous: "split" })).sentiment3;
    close(split.scores, { negative: 0.65, neutral: 0.2, positive: 0.15 });
    expect(split.calibrated).toBe(false);
  });

  it("maps Ekman to sentiment with surprise as ambiguous", async () => {
    const out = await map(s("ekman7", { anger: 0.5, joy: 0.3, surprise: 0.2 }));
    close(out.sentiment3.scores, { negative: 0.5, neutral: 0.2, positive: 0.3 });
    expect(out.sentiment3.calibrated).toBe(true);
  });

  it("spreads sentiment's negative evenly over the four negative Ekman categories, uncalibrated", async () => {
    const out = await map(s("sentiment3", { negative: 0.8, neutral: 0.2, positive: 0 }));
    close(out.ekman7.scores, { anger: 0.2, disgust: 0.2, fear: 0.2, sadness: 0.2, neutral: 0.2 });
    expect(out.ekman7.calibrated).toBe(false);
  });

  it("places categories at their Russell & Mehrabian (1977) circumplex coordinates", async () => {
    expect((await map(s("ekman7", { joy: 1 }))).va).toEqual({ valence: 0.76, arousal: 0.48 });
    expect((await map(s("ekman7", { anger: 1 }))).va).toEqual({ valence: -0.51, arousal: 0.59 });
    expect((await map(s("ekman7", { sadness: 1 }))).va).toEqual({ valence: -0.63, arousal: -0.27 });
    expect((await map(s("ekman7", { neutral: 1 }))).va).toEqual({ valence: 0, arousal: 0 });
    expect((await map(s("ekman7", { fear: 1 }))).dominance).toBe(-0.43);
  });

  it("averages coordinates by score for mixtures, via the Ekman grouping for GoEmotions", async () => {
    const out = await map(s("goemotions28", { annoyance: 0.4, anger: 0.2, gratitude: 0.1, neutral: 0.2, curiosity: 0.1 }));
    expect(out.va.valence).toBeCloseTo(0.6 * -0.51 + 0.1 * 0.76 + 0.1 * 0.4, 6);
    expect(out.va.arousal).toBeCloseTo(0.6 * 0.59 + 0.1 * 0.48 + 0.1 * 0.67, 6);
  });

  it("gives sentiment a valence of positive - negative and no invented arousal", async () => {
    const out = await map(s("sentiment3", { negative: 0.7, neutral: 0.1, positive: 0.2 }));
    expect(out.va.valence).toBeCloseTo(-0.5, 6);
    expect(out.va.arousal).toBe(0);
    expect(out.dominance).toBe(0);
  });

  it("normalises unnormalised (multi-label) scores and marks them uncalibrated", async () => {
    const out = await map(s("ekman7", { anger: 0.9, joy: 0.9 }));
    close(out.ekman7.scores, { anger: 0.5, joy: 0.5 });
    expect(out.ekman7.calibrated).toBe(false);
  });

  it("treats all-zero scores as neutral", async () => {
    const out = await map(s("ekman7", {}));
    expect(out.ekman7.scores.neutral).toBe(1);
    expect(out.va).toEqual({ valence: 0, arousal: 0 });
  });

  it("refuses labels outside the taxonomy and malformed scores", async () => {
    await expect(map(s("sentiment3", { anger: 1 }))).rejects.toThrow("'anger' is not a sentiment3 label");
    await expect(map(s("ekman7", { joy: -1 }))).rejects.toThrow("must be a finite number >= 0");
    await expect(map("happy")).rejects.toThrow("must be emotion scores");
  });
});

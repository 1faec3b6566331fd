import type { EmotionScores } from "@attune/graph";
import { emotionScoresSchema, previewSummarySchema } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { emojiToText } from "./emoji";
import { sentiment } from "./index";

async function analyse(text: string, params: Record<string, unknown> = {}) {
  const out = await sentiment.run({ text }, sentiment.params.parse(params), makeTestContext());
  return { scores: out.scores as EmotionScores, valence: out.valence as number };
}

const valence = async (text: string, params: Record<string, unknown> = {}) => (await analyse(text, params)).valence;

describe("nlp.sentiment", () => {
  it("emits sentiment3 scores (uncalibrated) and a compound valence", async () => {
    const { scores, valence: v } = await analyse("I love this");
    expect(emotionScoresSchema.parse(scores)).toEqual(scores);
    expect(scores.taxonomy).toBe("sentiment3");
    expect(scores.calibrated).toBe(false);
    expect(Object.keys(scores.scores).sort()).toEqual(["negative", "neutral", "positive"]);
    expect(scores.scores.positive).toBeGreaterThan(scores.scores.negative!);
    expect(v).toBeGreaterThan(0.5);
    const sum = Object.values(scores.scores).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 2);
  });

  it("scores plainly negative text as negative", async () => {
    const { scores, valence: v } = await analyse("This is a terrible, awful experience");
    expect(v).toBeLessThan(-0.5);
    expect(scores.scores.negative).toBeGreaterThan(scores.scores.positive!);
  });

  it("flips polarity under negation", async () => {
    expect(await valence("The food is good")).toBeGreaterThan(0.3);
    expect(await valence("The food is not good")).toBeLessThan(-0.2);
    expect(await valence("The service isn't great")).toBeLessThan(0);
  });

  it("raises intensity with an intensifier and lowers it with a dampener", async () => {
    const plain = await valence("The food is good");
    expect(await valence("The food is very good")).toBeGreaterThan(plain);
    expect(await valence("The food is extremely good")).toBeGreaterThan(plain);
    expect(await valence("The food is slightly good")).toBeLessThan(plain);
  });

  it("raises intensity for an ALL-CAPS sentiment word among lower-case words", async () => {
    expect(await valence("The food is GOOD")).toBeGreaterThan(await valence("The food is good"));
    expect(await valence("I HATE waiting")).toBeLessThan(await valence("I hate waiting"));
  });

  it("raises intensity with exclamation marks, more with more of them", async () => {
    const plain = await valence("The food is good");
    const one = await valence("The food is good!");
    const three = await valence("The food is good!!!");
    expect(one).toBeGreaterThan(plain);
    expect(three).toBeGreaterThan(one);
    expect(await valence("This is awful!!")).toBeLessThan(await valence("This is awful"));
  });

  it("weights the clause after 'but' more than the one before it", async () => {
    // Same words, different order: the clause after "but" decides the sign.
    expect(await valence("The food was great, but the service was awful")).toBeLessThan(0);
    expect(await valence("The service was awful, but the food was great")).toBeGreaterThan(0);
  });

  it("applies the 'but' shift to a sentence-initial 'But' (the JS port alone misses it)", async () => {
    expect(await valence("The food was great. But the service was awful")).toBeLessThan(0);
  });

  it("reads emoticons", async () => {
    expect(await valence("I am sad :(")).toBeLessThan(await valence("I am sad"));
    expect(await valence("see you tomorrow :)")).toBeGreaterThan(0);
    expect(await valence("see you tomorrow :(")).toBeLessThan(0);
  });

  it("reads emoji as their names, like the reference VADER", async () => {
    expect(await valence("I love this 😍")).toBeGreaterThan(await valence("I love this"));
    expect(await valence("😡😡")).toBeLessThan(-0.3);
    expect(await valence("see you soon 😢")).toBeLessThan(0);
    expect(await valence("that meeting 😂")).toBeGreaterThan(0);
    // Skin-tone variants mean the same as the base emoji.
    expect(await valence("🙍🏽")).toBeLessThan(0);
    expect(await valence("🙍🏽")).toBeCloseTo(await valence("🙍"), 6);
  });

  it("scores emoji as neutral tokens when translateEmoji is off", async () => {
    expect(await valence("😡😡", { translateEmoji: false })).toBe(0);
    expect(await valence("I love this 😍", { translateEmoji: false })).toBeCloseTo(await valence("I love this"), 6);
  });

  it("treats empty text as neutral instead of all-zero scores", async () => {
    const { scores, valence: v } = await analyse("");
    expect(scores.scores).toEqual({ negative: 0, neutral: 1, positive: 0 });
    expect(v).toBe(0);
  });

  it("fails clearly on a non-string input", async () => {
    await expect(sentiment.run({ text: 12 }, sentiment.params.parse({}), makeTestContext())).rejects.toThrow(
      "input 'text' must be a string, got number",
    );
  });

  it("does not start once the run is cancelled", async () => {
    const ctx = makeTestContext();
    ctx.abort.abort(new Error("cancelled by user"));
    await expect(sentiment.run({ text: "fine" }, sentiment.params.parse({}), ctx)).rejects.toThrow("cancelled by user");
  });

  it("previews the three bars, highest first, with compound as extra", async () => {
    const out = await sentiment.run({ text: "I hate this so much" }, sentiment.params.parse({}), makeTestContext());
    const preview = sentiment.preview!(out, sentiment.params.parse({}));
    expect(previewSummarySchema.parse(preview)).toEqual(preview);
    if (preview.kind !== "scores") throw new Error(`expected a scores preview, got ${preview.kind}`);
    expect(preview.top.map((t) => t.label)).toEqual(expect.arrayContaining(["negative", "neutral", "positive"]));
    expect(preview.top[0]!.label).toBe("negative");
    expect(preview.top[0]!.score).toBeGreaterThanOrEqual(preview.top[1]!.score);
    expect(preview.extra).toEqual({ compound: out.valence });
  });
});

describe("emojiToText", () => {
  it("replaces emoji with lower-case names and leaves other text alone", () => {
    expect(emojiToText("plain text, no emoji :)")).toBe("plain text, no emoji :)");
    expect(emojiToText("love it😍")).toBe("love it smiling face with heart-eyes ");
    expect(emojiToText("👍🏿")).toBe(" thumbs up ");
  });

  it("keeps names from adding ALL-CAPS or '!' emphasis", () => {
    const text = emojiToText("🆙");
    expect(text).toBe(" up button ");
  });
});

import { previewSummarySchema } from "@attune/graph";
import { describe, expect, it } from "vitest";
import { summarizeOutputs, summarizeValue } from "./summarize";

describe("summarizeOutputs", () => {
  it("shows the top three scores of an emotion-scores value, highest first", () => {
    const summary = summarizeOutputs({
      scores: { taxonomy: "ekman7", calibrated: true, scores: { joy: 0.1, anger: 0.6, fear: 0.05, neutral: 0.25 } },
    });
    expect(summary).toEqual({
      kind: "scores",
      taxonomy: "ekman7",
      calibrated: true,
      top: [{ label: "anger", score: 0.6 }, { label: "neutral", score: 0.25 }, { label: "joy", score: 0.1 }],
    });
  });

  it("summarises text (truncated), numbers, booleans, actions and null actions", () => {
    expect(summarizeValue("short")).toEqual({ kind: "text", text: "short", truncated: false });
    const long = summarizeValue("x".repeat(5000));
    expect(long).toMatchObject({ kind: "text", truncated: true });
    expect(long.kind === "text" && long.text.length).toBe(200);
    expect(summarizeValue(0.5)).toEqual({ kind: "number", value: 0.5 });
    expect(summarizeValue(true)).toEqual({ kind: "boolean", value: true });
    expect(summarizeValue({ name: "escalate", reason: "anger rising", detail: { pitch: 1 } })).toEqual({
      kind: "action",
      action: { name: "escalate", reason: "anger rising" },
    });
    expect(summarizeValue(null)).toEqual({ kind: "action", action: null });
  });

  it("falls back to bounded JSON, describing binary data instead of listing it", () => {
    expect(summarizeValue({ valence: 0.2, arousal: -0.1 })).toEqual({ kind: "json", json: '{"valence":0.2,"arousal":-0.1}', truncated: false });
    const audio = summarizeValue({ samples: new Float32Array(16_000), rate: 16_000 });
    expect(audio).toEqual({ kind: "json", json: '{"samples":"[Float32Array 64000 bytes]","rate":16000}', truncated: false });
    const huge = summarizeValue(Array.from({ length: 100_000 }, (_, i) => ({ i })));
    expect(huge).toMatchObject({ kind: "json", truncated: true });
    expect(huge.kind === "json" && huge.json.length).toBeLessThanOrEqual(400);
  });

  it("draws decoded audio as a waveform of at most 400 peaks", () => {
    const samples = new Float32Array(16_000 * 2);
    samples[50] = -0.8; // first bin (80 samples per bin)
    samples[samples.length - 1] = 0.25; // last bin
    const summary = summarizeValue({ sampleRate: 16_000, samples });
    expect(summary).toMatchObject({ kind: "audio", durationSec: 2 });
    const peaks = summary.kind === "audio" ? summary.peaks : [];
    expect(peaks).toHaveLength(400);
    expect([peaks[0], peaks[1], peaks[399]]).toEqual([0.8, 0, 0.25]);
    expect(summarizeValue({ sampleRate: 16_000, samples: new Float32Array(10) })).toMatchObject({ kind: "audio", peaks: new Array(10).fill(0) });
  });

  it("writes several ports as one JSON object and never produces a summary the event schema rejects", () => {
    expect(summarizeOutputs({ passed: true, value: 3 })).toEqual({ kind: "json", json: '{"passed":true,"value":3}', truncated: false });
    for (const value of [Number.NaN, Infinity, undefined, () => 1, 10n, Symbol("s"), [1, [2, [3]]], { a: undefined }]) {
      expect(previewSummarySchema.safeParse(summarizeValue(value)).success, String(value)).toBe(true);
    }
  });
});

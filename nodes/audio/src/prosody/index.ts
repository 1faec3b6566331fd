import { defineNode, type PreviewSummary } from "@attune/graph";
import { syntheticVoice } from "../synthetic-voice";
import type { ProsodyValue } from "./features";
import { runProsody } from "./run";
import { prosodySpec } from "./spec";

export const prosody = defineNode(prosodySpec, {
  run: runProsody,
  preview(outputs): PreviewSummary {
    const p = outputs.prosody as ProsodyValue;
    const o = p.overall;
    const stats: Record<string, number> = {};
    for (const key of ["f0MeanHz", "f0Mean", "f0Range", "f0Slope", "loudnessMean", "speakingRate", "pauseRatio", "jitterLocal", "shimmerLocalDb"] as const) {
      const v = o[key];
      if (typeof v === "number" && Number.isFinite(v)) stats[key] = Math.round(v * 1000) / 1000;
    }
    return {
      kind: "series",
      durationSec: p.durationSec,
      series: [
        { name: "pitch", unit: "st", values: p.contour.f0Semitones.slice(0, 400) },
        { name: "loudness", unit: "dBFS", values: p.contour.loudnessDb.slice(0, 400) },
      ],
      stats,
    };
  },
  example: { inputs: { audio: { sampleRate: 16_000, samples: syntheticVoice({ seconds: 1.5, f0Start: 120, f0End: 200 }) } } },
});

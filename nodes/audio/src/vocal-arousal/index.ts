import { defineNode, type PreviewSummary } from "@attune/graph";
import { computeProsody } from "../prosody/features";
import { syntheticVoice } from "../synthetic-voice";
import { runVocalArousal } from "./run";
import { vocalArousalSpec } from "./spec";

export const vocalArousal = defineNode(vocalArousalSpec, {
  run: runVocalArousal,
  preview(outputs): PreviewSummary {
    const value = outputs.arousal as number;
    return {
      kind: "gauge",
      label: "arousal",
      value: Math.round(value * 1000) / 1000,
      min: 0,
      max: 1,
      ...(outputs.highArousalNegative === true ? { flag: "high arousal, negative (angry-like)" } : {}),
    };
  },
  example: {
    inputs: {
      prosody: computeProsody(syntheticVoice({ seconds: 1.5, f0Start: 220, f0End: 300, syllableHz: 6 }), 16_000, { windowSec: 2, windowHopSec: 1, maxContourPoints: 50 }),
    },
  },
});

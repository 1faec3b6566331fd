import { defineNode, type PreviewSummary } from "@attune/graph";
import { runMood } from "./run";
import { moodSpec } from "./spec";

export const mood = defineNode(moodSpec, {
  run: runMood,
  preview(outputs): PreviewSummary {
    const pad = outputs.pad as { pleasure: number; arousal: number; dominance: number; turns: number };
    // Pleasure on the dial; the octant and the other two axes ride along in the flag.
    return {
      kind: "gauge",
      label: `mood: ${outputs.label as string}`,
      value: pad.pleasure,
      min: -1,
      max: 1,
      flag: `arousal ${pad.arousal.toFixed(2)} · dominance ${pad.dominance.toFixed(2)} · ${pad.turns} turns`,
    };
  },
  example: {
    inputs: {
      scores: { taxonomy: "ekman7", calibrated: true, scores: { anger: 0.7, disgust: 0.05, fear: 0.05, joy: 0, neutral: 0.15, sadness: 0.05, surprise: 0 } },
    },
  },
});

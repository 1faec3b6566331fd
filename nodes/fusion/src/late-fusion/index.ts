import { defineNode, type EmotionScores, type PreviewSummary } from "@attune/graph";
import { scoresPreview } from "../shared/scores";
import { runLateFusion } from "./run";
import { lateFusionSpec } from "./spec";

export const lateFusion = defineNode(lateFusionSpec, {
  run: runLateFusion,
  preview(outputs): PreviewSummary {
    const { weights } = outputs.contributors as { weights: Record<string, number> };
    // Extra numbers show which modalities counted and how much, next to the fused scores.
    const extra: Record<string, number> = { confidence: outputs.confidence as number };
    for (const [port, w] of Object.entries(weights)) extra[`weight ${port}`] = w;
    return scoresPreview(outputs.scores as EmotionScores, extra, 3);
  },
  example: {
    inputs: {
      a: { taxonomy: "ekman7", calibrated: true, scores: { anger: 0.7, disgust: 0.05, fear: 0.05, joy: 0.05, neutral: 0.1, sadness: 0.03, surprise: 0.02 } },
      b: { taxonomy: "ekman7", calibrated: true, scores: { anger: 0.3, disgust: 0.1, fear: 0.1, joy: 0.1, neutral: 0.3, sadness: 0.05, surprise: 0.05 } },
    },
  },
});

import { defineNode, type EmotionScores, type PreviewSummary } from "@attune/graph";
import { scoresPreview } from "../shared/scores";
import { runBaseline } from "./run";
import { baselineSpec } from "./spec";

export const baseline = defineNode(baselineSpec, {
  run: runBaseline,
  preview(outputs): PreviewSummary {
    return scoresPreview(outputs.scores as EmotionScores, { samples: outputs.samples as number, ready: outputs.ready ? 1 : 0 }, 3);
  },
  example: {
    inputs: {
      scores: { taxonomy: "ekman7", calibrated: true, scores: { anger: 0.1, disgust: 0, fear: 0, joy: 0.1, neutral: 0.5, sadness: 0.3, surprise: 0 } },
      subject: "caller-42",
    },
  },
});

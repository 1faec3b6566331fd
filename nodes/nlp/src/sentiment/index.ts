import { defineNode, type EmotionScores, type PreviewSummary } from "@attune/graph";
import { runSentiment } from "./run";
import { sentimentSpec } from "./spec";

export const sentiment = defineNode(sentimentSpec, {
  run: runSentiment,
  preview(outputs): PreviewSummary {
    const value = outputs.scores as EmotionScores;
    const top = Object.entries(value.scores)
      .map(([label, score]) => ({ label, score }))
      .sort((a, b) => b.score - a.score);
    return {
      kind: "scores",
      taxonomy: value.taxonomy,
      calibrated: value.calibrated,
      top,
      extra: { compound: outputs.valence as number },
    };
  },
  example: { inputs: { text: "The support was great, but the wait was really NOT okay!! 😡" } },
});

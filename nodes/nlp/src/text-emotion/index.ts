import { defineNode, type EmotionScores, type PreviewSummary } from "@attune/graph";
import { runTextEmotion } from "./run";
import { textEmotionSpec } from "./spec";

export const textEmotionNode = defineNode(textEmotionSpec, {
  run: runTextEmotion,
  preview(outputs, params): PreviewSummary {
    const value = outputs.scores as EmotionScores;
    const top = Object.entries(value.scores)
      .map(([label, score]) => ({ label, score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, params.previewTop);
    return { kind: "scores", taxonomy: value.taxonomy, calibrated: value.calibrated, top };
  },
  example: { inputs: { text: "I can't believe they cancelled my order again, this is infuriating!" } },
});

import { defineNode, type EmotionScores, type PreviewSummary } from "@attune/graph";
import { scoresPreview } from "../shared/scores";
import { runSmooth } from "./run";
import { smoothSpec } from "./spec";

export const smooth = defineNode(smoothSpec, {
  run: runSmooth,
  preview(outputs): PreviewSummary {
    const value = outputs.scores as EmotionScores;
    const preview = scoresPreview(value, undefined, 3);
    // The stable label leads the list so the preview shows the decision, not the raw argmax.
    if (preview.kind === "scores") {
      const label = outputs.label as string;
      const stable = { label, score: value.scores[label] ?? 0 };
      preview.top = [stable, ...preview.top.filter((t) => t.label !== label)].slice(0, 3);
    }
    return preview;
  },
  example: {
    inputs: { scores: { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.6, neutral: 0.3, positive: 0.1 } } },
  },
});

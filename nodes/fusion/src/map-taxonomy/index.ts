import { defineNode, type EmotionScores, type PreviewSummary, type ValenceArousal } from "@attune/graph";
import { scoresPreview } from "../shared/scores";
import { runMapTaxonomy } from "./run";
import { mapTaxonomySpec } from "./spec";

export const mapTaxonomy = defineNode(mapTaxonomySpec, {
  run: runMapTaxonomy,
  preview(outputs): PreviewSummary {
    const va = outputs.va as ValenceArousal;
    return scoresPreview(outputs.ekman7 as EmotionScores, { valence: va.valence, arousal: va.arousal, dominance: outputs.dominance as number }, 3);
  },
  example: {
    inputs: {
      scores: {
        taxonomy: "goemotions28",
        calibrated: true,
        scores: { annoyance: 0.4, anger: 0.2, gratitude: 0.1, neutral: 0.2, curiosity: 0.1 },
      },
    },
  },
});

import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const textEmotionParams = z.object({
  /** How many labels the live preview lists; the output always carries all seven. */
  previewTop: z.number().int().min(1).max(7).default(3),
});

export type TextEmotionParams = z.infer<typeof textEmotionParams>;

export const textEmotionSpec = defineNodeSpec({
  type: "nlp.text-emotion",
  version: 1,
  family: "nlp",
  title: "Text emotion (Ekman 7)",
  description:
    "Emotion of short English text over anger, disgust, fear, joy, neutral, sadness and surprise, from Attune's own " +
    "compact model trained on GoEmotions (Reddit comments; dev macro-F1 in its model card). Scores are " +
    "temperature-calibrated probabilities that sum to 1; empty text reads as mostly neutral.",
  inputs: [{ id: "text", label: "Text", accepts: "text" }],
  outputs: [
    {
      id: "scores",
      label: "Scores",
      type: "scores:ekman7",
      description: "Probability of each Ekman label (sums to 1); the top label is the model's prediction.",
    },
  ],
  params: textEmotionParams,
  // Declared for the purpose guard (EU AI Act Art. 5(1)(f) covers face and voice).
  infers: ["emotion-from-text"],
  keywords: ["emotion", "ekman", "anger", "joy", "sadness", "fear", "disgust", "surprise", "text", "goemotions", "classifier"],
});

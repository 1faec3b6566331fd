import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const sentimentParams = z.object({
  /**
   * Read emoji as their English names before scoring, as the reference (Python) VADER does, so
   * "😍" counts like "smiling face with heart-eyes". Off scores emoji as neutral tokens.
   */
  translateEmoji: z.boolean().default(true),
});

export type SentimentParams = z.infer<typeof sentimentParams>;

export const sentimentSpec = defineNodeSpec({
  type: "nlp.sentiment",
  version: 1,
  family: "nlp",
  title: "Sentiment (VADER)",
  description:
    "Rule-based sentiment of English text with VADER: handles negation, intensifiers, ALL CAPS, '!' emphasis, " +
    "'but' shifts, emoticons and emoji. Scores are lexicon proportions, not calibrated probabilities.",
  inputs: [{ id: "text", label: "Text", accepts: "text" }],
  outputs: [
    {
      id: "scores",
      label: "Scores",
      type: "scores:sentiment3",
      description: "Share of negative, neutral and positive intensity in the text (sums to about 1).",
    },
    {
      id: "valence",
      label: "Valence",
      type: "number",
      description: "VADER compound score, -1 (most negative) .. +1 (most positive); |v| < 0.05 is usually read as neutral.",
    },
  ],
  params: sentimentParams,
  // Declared for the purpose guard (EU AI Act Art. 5(1)(f) covers face and voice).
  infers: ["emotion-from-text"],
  keywords: ["sentiment", "vader", "polarity", "valence", "text", "lexicon", "emoji", "positive", "negative"],
});

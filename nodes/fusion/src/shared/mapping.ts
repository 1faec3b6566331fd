import { labelPolarity, TAXONOMY_LABELS, type EmotionScores, type ValenceArousal } from "@attune/graph";
import { normalised, sumsToOne } from "./scores";

/**
 * The documented taxonomy mappings. Every mapping is a fixed table applied to scores normalised
 * to sum 1; nothing is learnt, so the same input always maps the same way.
 *
 * Sources:
 * - GoEmotions -> Ekman: the Ekman grouping published with the GoEmotions dataset (Demszky et
 *   al., 2020, "GoEmotions: A Dataset of Fine-Grained Emotions", ACL; `ekman_mapping.json` in
 *   google-research/goemotions).
 * - GoEmotions / Ekman -> sentiment: the dataset's sentiment grouping (`sentiment_mapping.json`),
 *   held in @attune/graph's LABEL_POLARITY. Its "ambiguous" group (surprise, confusion,
 *   curiosity, realization) has no sentiment3 label: it goes to neutral, or is split evenly
 *   between positive and negative with `ambiguous: "split"`.
 * - Emotion -> pleasure/arousal/dominance: the PAD coordinates of the basic-emotion terms from
 *   Russell & Mehrabian (1977), "Evidence for a three-factor theory of emotions", Journal of
 *   Research in Personality 11(3), 273-294, on a -1..1 scale, as used for anger and fear in
 *   Gebhard's ALMA layered model of affect (AAMAS 2005). Neutral is the origin. Valence/arousal
 *   is the pleasure/arousal plane of this space (Russell's circumplex).
 */

/** The GoEmotions paper's Ekman grouping of its 27 emotions (+ neutral). */
export const GOEMOTIONS_TO_EKMAN: Readonly<Record<string, string>> = Object.freeze({
  anger: "anger", annoyance: "anger", disapproval: "anger",
  disgust: "disgust",
  fear: "fear", nervousness: "fear",
  joy: "joy", amusement: "joy", approval: "joy", excitement: "joy", gratitude: "joy", love: "joy",
  optimism: "joy", relief: "joy", pride: "joy", admiration: "joy", desire: "joy", caring: "joy",
  sadness: "sadness", disappointment: "sadness", embarrassment: "sadness", grief: "sadness", remorse: "sadness",
  surprise: "surprise", realization: "surprise", confusion: "surprise", curiosity: "surprise",
  neutral: "neutral",
});

/** Pleasure, arousal, dominance, each -1..1. */
export interface Pad {
  pleasure: number;
  arousal: number;
  dominance: number;
}

/** Russell & Mehrabian (1977) PAD coordinates of Ekman's categories; neutral at the origin. */
export const EKMAN_PAD: Readonly<Record<string, Pad>> = Object.freeze({
  anger: { pleasure: -0.51, arousal: 0.59, dominance: 0.25 },
  disgust: { pleasure: -0.6, arousal: 0.35, dominance: 0.11 },
  fear: { pleasure: -0.64, arousal: 0.6, dominance: -0.43 },
  joy: { pleasure: 0.76, arousal: 0.48, dominance: 0.35 },
  neutral: { pleasure: 0, arousal: 0, dominance: 0 },
  sadness: { pleasure: -0.63, arousal: -0.27, dominance: -0.33 },
  surprise: { pleasure: 0.4, arousal: 0.67, dominance: -0.13 },
});

export type AmbiguousHandling = "neutral" | "split";

const EKMAN_NEGATIVE = ["anger", "disgust", "fear", "sadness"] as const;

/** Any scores as ekman7. sentiment3 spreads "negative" evenly over the four negative categories. */
export function toEkman7(value: EmotionScores): EmotionScores {
  const p = normalised(value.taxonomy, value.scores);
  const out: Record<string, number> = Object.fromEntries(TAXONOMY_LABELS.ekman7.map((l) => [l, 0]));
  switch (value.taxonomy) {
    case "ekman7":
      return { taxonomy: "ekman7", calibrated: value.calibrated && sumsToOne(value.scores), scores: p };
    case "goemotions28":
      for (const [label, score] of Object.entries(p)) out[GOEMOTIONS_TO_EKMAN[label]!]! += score;
      return { taxonomy: "ekman7", calibrated: value.calibrated && sumsToOne(value.scores), scores: out };
    case "sentiment3":
      out.joy = p.positive!;
      out.neutral = p.neutral!;
      for (const label of EKMAN_NEGATIVE) out[label] = p.negative! / EKMAN_NEGATIVE.length;
      // Sentiment cannot say which negative emotion it is: the even split is a prior, not a probability.
      return { taxonomy: "ekman7", calibrated: false, scores: out };
  }
}

/** Any scores as sentiment3, by the GoEmotions sentiment grouping. */
export function toSentiment3(value: EmotionScores, ambiguous: AmbiguousHandling = "neutral"): EmotionScores {
  const p = normalised(value.taxonomy, value.scores);
  if (value.taxonomy === "sentiment3") return { taxonomy: "sentiment3", calibrated: value.calibrated && sumsToOne(value.scores), scores: p };
  const out = { negative: 0, neutral: 0, positive: 0 };
  for (const [label, score] of Object.entries(p)) {
    const polarity = labelPolarity(label) ?? "neutral";
    if (polarity === "ambiguous") {
      if (ambiguous === "split") {
        out.positive += score / 2;
        out.negative += score / 2;
      } else out.neutral += score;
    } else out[polarity] += score;
  }
  // Summing disjoint groups of a distribution is still a distribution; splitting is a convention.
  const exact = ambiguous === "neutral" || !TAXONOMY_LABELS[value.taxonomy].some((l) => labelPolarity(l) === "ambiguous");
  return { taxonomy: "sentiment3", calibrated: value.calibrated && sumsToOne(value.scores) && exact, scores: out };
}

/**
 * Expected PAD coordinates of the scores: the score-weighted mean of the category coordinates.
 * sentiment3 carries no arousal or dominance: its pleasure is P(positive) - P(negative), the other
 * two stay 0 rather than being invented.
 */
export function toPad(value: EmotionScores): Pad {
  if (value.taxonomy === "sentiment3") {
    const p = normalised("sentiment3", value.scores);
    return { pleasure: clip(p.positive! - p.negative!), arousal: 0, dominance: 0 };
  }
  const ekman = toEkman7(value).scores;
  const pad = { pleasure: 0, arousal: 0, dominance: 0 };
  for (const [label, score] of Object.entries(ekman)) {
    const c = EKMAN_PAD[label]!;
    pad.pleasure += score * c.pleasure;
    pad.arousal += score * c.arousal;
    pad.dominance += score * c.dominance;
  }
  return { pleasure: clip(pad.pleasure), arousal: clip(pad.arousal), dominance: clip(pad.dominance) };
}

/** The circumplex point (pleasure/arousal plane of PAD). */
export function toValenceArousal(value: EmotionScores): ValenceArousal {
  const pad = toPad(value);
  return { valence: round(pad.pleasure), arousal: round(pad.arousal) };
}

export function clip(x: number, lo = -1, hi = 1): number {
  return Math.min(hi, Math.max(lo, x));
}

// Floating sums like 0.76 * 0.3 + ... leave 1e-17 noise that reads badly in previews.
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

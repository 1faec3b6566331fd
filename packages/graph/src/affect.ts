import { z } from "zod";

/**
 * Emotion taxonomies Attune knows. A scores value always names its taxonomy so that two values
 * are only compared or fused when they mean the same thing. Mapping between taxonomies is an
 * explicit node, never an implicit cast.
 */
export const TAXONOMY_LABELS = {
  sentiment3: ["negative", "neutral", "positive"],
  ekman7: ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"],
  goemotions28: [
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
    "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
    "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism",
    "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
  ],
} as const;

export type Taxonomy = keyof typeof TAXONOMY_LABELS;
export const TAXONOMIES = Object.keys(TAXONOMY_LABELS) as Taxonomy[];
export const taxonomySchema = z.enum(TAXONOMIES as [Taxonomy, ...Taxonomy[]]);

/**
 * Scores over the labels of one taxonomy. `calibrated` says whether the scores are probabilities
 * that can be read as such (e.g. softmax of a trained model) or merely monotone scores (e.g. a
 * lexicon's normalised proportions).
 */
export interface EmotionScores {
  taxonomy: Taxonomy;
  calibrated: boolean;
  scores: Record<string, number>;
}

export const emotionScoresSchema = z.object({
  taxonomy: taxonomySchema,
  calibrated: z.boolean(),
  scores: z.record(z.string(), z.number()),
});

/** Circumplex affect: valence (unpleasant -1 .. pleasant +1) and arousal (calm -1 .. excited +1). */
export interface ValenceArousal {
  valence: number;
  arousal: number;
}

export const valenceArousalSchema = z.object({
  valence: z.number().min(-1).max(1),
  arousal: z.number().min(-1).max(1),
});

/** What a policy node decided the system should do; `null` on an action port means "nothing". */
export interface Action {
  name: string;
  reason: string;
  /** Optional structured detail (the value that triggered, the rule, ...). */
  detail?: Record<string, unknown>;
}

export const actionSchema = z.object({
  name: z.string().min(1),
  reason: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

/** The label with the highest score, or undefined for empty scores. */
export function topLabel(value: EmotionScores): { label: string; score: number } | undefined {
  let best: { label: string; score: number } | undefined;
  for (const [label, score] of Object.entries(value.scores)) {
    if (!best || score > best.score) best = { label, score };
  }
  return best;
}

export type AffectPolarity = "positive" | "negative" | "ambiguous" | "neutral";

/**
 * Polarity of every label in Attune's taxonomies. GoEmotions labels follow the sentiment grouping
 * of the GoEmotions paper (Demszky et al., 2020, "GoEmotions: A Dataset of Fine-Grained
 * Emotions", ACL; `sentiment_mapping.json` in google-research/goemotions); Ekman labels share
 * their names and polarity with it (surprise is ambiguous there); sentiment3 labels are their own
 * polarity. Used by taxonomy mapping and by the responsible-use rules that recognise
 * "negative affect".
 */
export const LABEL_POLARITY: Readonly<Record<string, AffectPolarity>> = Object.freeze({
  // sentiment3
  positive: "positive",
  negative: "negative",
  neutral: "neutral",
  // GoEmotions "positive"
  admiration: "positive", amusement: "positive", approval: "positive", caring: "positive",
  desire: "positive", excitement: "positive", gratitude: "positive", joy: "positive",
  love: "positive", optimism: "positive", pride: "positive", relief: "positive",
  // GoEmotions "negative"
  anger: "negative", annoyance: "negative", disappointment: "negative", disapproval: "negative",
  disgust: "negative", embarrassment: "negative", fear: "negative", grief: "negative",
  nervousness: "negative", remorse: "negative", sadness: "negative",
  // GoEmotions "ambiguous"
  confusion: "ambiguous", curiosity: "ambiguous", realization: "ambiguous", surprise: "ambiguous",
});

/** The polarity of a label, or undefined for a label no taxonomy of ours has. */
export function labelPolarity(label: string): AffectPolarity | undefined {
  return Object.hasOwn(LABEL_POLARITY, label) ? LABEL_POLARITY[label] : undefined;
}

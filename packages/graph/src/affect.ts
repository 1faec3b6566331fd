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

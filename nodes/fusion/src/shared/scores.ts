import {
  emotionScoresSchema,
  TAXONOMY_LABELS,
  type EmotionScores,
  type PreviewSummary,
  type Taxonomy,
} from "@attune/graph";

/**
 * Reads an emotion-scores port value, refusing anything a downstream computation would silently
 * misread: a wrong shape, a label the taxonomy does not have, a non-finite or negative score.
 */
export function readScores(value: unknown, port: string): EmotionScores {
  const parsed = emotionScoresSchema.safeParse(value);
  if (!parsed.success) throw new Error(`input '${port}' must be emotion scores ({ taxonomy, calibrated, scores })`);
  const { taxonomy, scores } = parsed.data;
  const known = new Set<string>(TAXONOMY_LABELS[taxonomy]);
  for (const [label, score] of Object.entries(scores)) {
    if (!known.has(label)) throw new Error(`input '${port}': '${label}' is not a ${taxonomy} label`);
    if (!Number.isFinite(score) || score < 0) throw new Error(`input '${port}': score of '${label}' must be a finite number >= 0, got ${score}`);
  }
  return parsed.data;
}

/**
 * Scores over every label of the taxonomy, in taxonomy order, summing to 1. Missing labels count
 * as 0. All-zero scores carry no information and become `fallback` (neutral where the taxonomy
 * has it, otherwise uniform) so that downstream arithmetic never divides by zero.
 */
export function normalised(taxonomy: Taxonomy, scores: Readonly<Record<string, number>>): Record<string, number> {
  const labels = TAXONOMY_LABELS[taxonomy];
  let sum = 0;
  for (const label of labels) sum += Object.hasOwn(scores, label) ? Math.max(0, scores[label]!) : 0;
  const out: Record<string, number> = {};
  if (sum <= 0) {
    const hasNeutral = (labels as readonly string[]).includes("neutral");
    for (const label of labels) out[label] = hasNeutral ? (label === "neutral" ? 1 : 0) : 1 / labels.length;
    return out;
  }
  for (const label of labels) out[label] = (Object.hasOwn(scores, label) ? Math.max(0, scores[label]!) : 0) / sum;
  return out;
}

/** Whether scores already form a probability distribution (within rounding). */
export function sumsToOne(scores: Readonly<Record<string, number>>): boolean {
  let sum = 0;
  for (const v of Object.values(scores)) sum += v;
  return Math.abs(sum - 1) < 1e-3;
}

/** Top label and the margin to the runner-up: a cheap, model-agnostic confidence in [0, 1]. */
export function topMargin(scores: Readonly<Record<string, number>>): { label: string; score: number; margin: number } {
  let best = { label: "", score: -Infinity };
  let second = -Infinity;
  for (const [label, score] of Object.entries(scores)) {
    if (score > best.score) {
      second = best.score;
      best = { label, score };
    } else if (score > second) second = score;
  }
  if (best.label === "") return { label: "", score: 0, margin: 0 };
  return { ...best, margin: Math.max(0, best.score - (Number.isFinite(second) ? second : 0)) };
}

/** The usual scores preview: labels by score, highest first, at most `top` of them. */
export function scoresPreview(value: EmotionScores, extra?: Record<string, number>, top = 5): PreviewSummary {
  const sorted = Object.entries(value.scores)
    .map(([label, score]) => ({ label, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, top);
  return { kind: "scores", taxonomy: value.taxonomy, calibrated: value.calibrated, top: sorted, ...(extra ? { extra } : {}) };
}

/** Rounds for display in reasons and explanations. */
export function fmt(n: number): string {
  return String(Number(n.toFixed(3)));
}

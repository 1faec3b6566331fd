/**
 * Classification metrics over parallel arrays of true and predicted labels. Every function returns
 * null (not NaN, not 0) when the value is undefined for the data, so a report can say "no data"
 * instead of showing a misleading number.
 */

export function accuracy(actual: readonly string[], predicted: readonly string[]): number | null {
  checkLengths(actual, predicted);
  if (actual.length === 0) return null;
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) hits++;
  return hits / actual.length;
}

export interface ClassCounts {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  /** Items whose true label is this class. */
  support: number;
}

/** One-vs-rest counts per class, for every class in `classes` and every label seen in the data. */
export function classCounts(actual: readonly string[], predicted: readonly string[], classes: readonly string[] = []): Map<string, ClassCounts> {
  checkLengths(actual, predicted);
  const counts = new Map<string, ClassCounts>();
  const get = (c: string) => {
    let entry = counts.get(c);
    if (!entry) counts.set(c, (entry = { truePositive: 0, falsePositive: 0, falseNegative: 0, support: 0 }));
    return entry;
  };
  for (const c of classes) get(c);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    get(a).support++;
    if (a === p) get(a).truePositive++;
    else {
      get(a).falseNegative++;
      get(p).falsePositive++;
    }
  }
  return counts;
}

/** Recall (sensitivity) per class: TP / (TP + FN); null for a class with no true items. */
export function perClassRecall(actual: readonly string[], predicted: readonly string[], classes: readonly string[]): Record<string, number | null> {
  const counts = classCounts(actual, predicted, classes);
  const out: Record<string, number | null> = {};
  for (const c of classes) {
    const k = counts.get(c)!;
    out[c] = k.support === 0 ? null : k.truePositive / k.support;
  }
  return out;
}

/** F1 per class, 2TP / (2TP + FP + FN); null when the class occurs neither as a label nor as a prediction. */
export function perClassF1(actual: readonly string[], predicted: readonly string[], classes: readonly string[]): Record<string, number | null> {
  const counts = classCounts(actual, predicted, classes);
  const out: Record<string, number | null> = {};
  for (const c of classes) {
    const k = counts.get(c)!;
    const denominator = 2 * k.truePositive + k.falsePositive + k.falseNegative;
    out[c] = denominator === 0 ? null : (2 * k.truePositive) / denominator;
  }
  return out;
}

/**
 * Unweighted mean of per-class F1 over the classes that occur in these items, as a true label or as
 * a prediction (scikit-learn's default `labels`). A class absent from both says nothing about this
 * subset, so averaging a 0 (or a 1) for it would move the figure for no reason. A class only ever
 * predicted counts with F1 = 0. Null for no items.
 */
export function macroF1(actual: readonly string[], predicted: readonly string[]): number | null {
  const counts = classCounts(actual, predicted);
  if (counts.size === 0) return null;
  let sum = 0;
  for (const k of counts.values()) sum += (2 * k.truePositive) / (2 * k.truePositive + k.falsePositive + k.falseNegative);
  return sum / counts.size;
}

/**
 * The label with the highest score; ties go to the label listed first in `classes` (then to the
 * first key), so the prediction never depends on object key order. Undefined for no finite scores.
 */
export function argmax(scores: Readonly<Record<string, number>>, classes: readonly string[] = []): string | undefined {
  let best: string | undefined;
  let bestScore = -Infinity;
  const order = [...classes, ...Object.keys(scores).filter((k) => !classes.includes(k))];
  for (const label of order) {
    const score = scores[label];
    if (typeof score !== "number" || !Number.isFinite(score)) continue;
    if (score > bestScore) {
      best = label;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Scores divided by their sum, so lexicon proportions and probabilities read on one scale; missing
 * classes count as 0. Null when the scores do not sum to a positive finite number.
 */
export function normalizeScores(scores: Readonly<Record<string, number>>, classes: readonly string[]): Record<string, number> | null {
  let sum = 0;
  for (const c of classes) {
    const v = scores[c];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) sum += v;
  }
  if (!(sum > 0) || !Number.isFinite(sum)) return null;
  const out: Record<string, number> = {};
  for (const c of classes) {
    const v = scores[c];
    out[c] = typeof v === "number" && Number.isFinite(v) && v > 0 ? v / sum : 0;
  }
  return out;
}

/** Mean score of each class over all the given score vectors (not only the items of that class); null for none. */
export function meanScores(rows: readonly Readonly<Record<string, number>>[], classes: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const c of classes) {
    if (rows.length === 0) {
      out[c] = null;
      continue;
    }
    let sum = 0;
    for (const row of rows) sum += row[c] ?? 0;
    out[c] = sum / rows.length;
  }
  return out;
}

function checkLengths(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`label arrays differ in length (${a.length} vs ${b.length})`);
}

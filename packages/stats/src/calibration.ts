export interface CalibrationBin {
  /** Exclusive lower edge (the first bin also holds confidence 0). */
  low: number;
  /** Inclusive upper edge. */
  high: number;
  n: number;
  /** Share of correct predictions in the bin; null when empty. */
  accuracy: number | null;
  /** Mean confidence in the bin; null when empty. */
  confidence: number | null;
}

export interface CalibrationResult {
  /** Null for no items. */
  ece: number | null;
  bins: CalibrationBin[];
}

export const DEFAULT_ECE_BINS = 10;

/**
 * Top-label expected calibration error (Guo et al., 2017): confidences are split into `bins`
 * equal-width bins ((m-1)/M, m/M] over [0, 1] (confidence 0 falls in the first bin), and
 * ECE = sum over bins of (n_bin / N) * |accuracy_bin - mean confidence_bin|. Equal width rather
 * than equal mass so that two groups' figures use the same bin edges and can be compared.
 * Confidences outside [0, 1] are clamped.
 */
export function expectedCalibrationError(
  confidence: readonly number[],
  correct: readonly boolean[],
  bins: number = DEFAULT_ECE_BINS,
): CalibrationResult {
  if (confidence.length !== correct.length) throw new RangeError("confidence and correct differ in length");
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError("bins must be a positive integer");
  const n = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  for (let i = 0; i < confidence.length; i++) {
    const c = Math.min(1, Math.max(0, confidence[i]!));
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
    n[b]!++;
    conf[b]! += c;
    if (correct[i]) hits[b]!++;
  }
  const total = confidence.length;
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const count = n[b]!;
    const acc = count === 0 ? null : hits[b]! / count;
    const meanConf = count === 0 ? null : conf[b]! / count;
    if (count > 0) ece += (count / total) * Math.abs(acc! - meanConf!);
    out.push({ low: b / bins, high: (b + 1) / bins, n: count, accuracy: acc, confidence: meanConf });
  }
  return { ece: total === 0 ? null : ece, bins: out };
}

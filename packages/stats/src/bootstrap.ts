import { createRng, type Rng } from "./rng";

export interface BootstrapOptions {
  /** Resamples drawn; default 2000. */
  iterations?: number;
  /** Two-sided coverage, e.g. 0.95; default 0.95. */
  confidence?: number;
  /** Seed of the generator; default 1. Stored with the interval so it can be reproduced. */
  seed?: number;
}

export const DEFAULT_BOOTSTRAP = { iterations: 2000, confidence: 0.95, seed: 1 } as const;

export interface ConfidenceInterval {
  low: number;
  high: number;
  confidence: number;
  /** Resamples asked for. */
  iterations: number;
  /** Resamples whose statistic was defined (a resample can, e.g., miss a class entirely). */
  valid: number;
  seed: number;
  method: "percentile";
}

/**
 * Quantile of sorted values with linear interpolation between order statistics (Hyndman & Fan
 * type 7, the default of R and NumPy).
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("no values");
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Draws n items with replacement. */
export function resample<T>(items: readonly T[], rng: Rng): T[] {
  const out = new Array<T>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = items[rng.int(items.length)]!;
  return out;
}

/**
 * Percentile bootstrap over several independent samples at once (stratified: each sample is
 * resampled within itself, keeping its size), for statistics that compare groups. Null when no
 * resample gave a defined statistic.
 */
export function stratifiedBootstrapCi<T>(
  samples: readonly (readonly T[])[],
  statistic: (resampled: T[][]) => number | null,
  options: BootstrapOptions = {},
): ConfidenceInterval | null {
  const iterations = options.iterations ?? DEFAULT_BOOTSTRAP.iterations;
  const confidence = options.confidence ?? DEFAULT_BOOTSTRAP.confidence;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP.seed;
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError("iterations must be a positive integer");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError("confidence must be between 0 and 1");
  const rng = createRng(seed);
  const values: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const value = statistic(samples.map((s) => resample(s, rng)));
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  return {
    low: quantileSorted(values, alpha),
    high: quantileSorted(values, 1 - alpha),
    confidence,
    iterations,
    valid: values.length,
    seed,
    method: "percentile",
  };
}

/** Percentile bootstrap interval of a statistic of one sample (items resampled with replacement). */
export function bootstrapCi<T>(
  items: readonly T[],
  statistic: (resampled: T[]) => number | null,
  options: BootstrapOptions = {},
): ConfidenceInterval | null {
  return stratifiedBootstrapCi([items], ([s]) => statistic(s!), options);
}

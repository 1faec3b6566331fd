/**
 * Ranks starting at 1; tied values share the mean of the ranks they span (e.g. two values tied
 * for 2nd and 3rd both get 2.5), which is what Spearman's rho with ties needs.
 */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Pearson's r; null for fewer than 2 pairs or when either side is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError("x and y differ in length");
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  // Rounding can push |r| a hair past 1 for perfectly monotone data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export interface SpearmanResult {
  /** Null when undefined: fewer than 2 pairs, or one side constant. */
  rho: number | null;
  /** Number of pairs used (pairs with a non-finite value are dropped). */
  n: number;
}

/**
 * Spearman's rank correlation: Pearson's r of the average ranks, which is exact with ties (the
 * 1 - 6Σd²/(n(n²-1)) shortcut is not). Always reported with its sample size, since a rho from
 * 8 pairs and one from 800 mean very different things.
 */
export function spearman(x: readonly number[], y: readonly number[]): SpearmanResult {
  if (x.length !== y.length) throw new RangeError("x and y differ in length");
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  return { rho: pearson(averageRanks(xs), averageRanks(ys)), n: xs.length };
}

import { stratifiedBootstrapCi, type BootstrapOptions, type ConfidenceInterval } from "./bootstrap";

export interface GroupSample<T> {
  group: string;
  items: readonly T[];
}

export interface Disparity {
  best: { group: string; value: number };
  worst: { group: string; value: number };
  /** best - worst, >= 0. */
  difference: number;
  /** worst / best; null when best is 0. */
  ratio: number | null;
  /**
   * Bootstrap interval of best - worst for this pair of groups, each resampled within itself. It
   * can reach below 0: an interval that includes 0 means the data do not show these two groups
   * to differ. (Bootstrapping max - min over all groups instead could never include 0.)
   */
  ci: ConfidenceInterval | null;
  /** How many groups were compared. */
  groups: number;
}

/**
 * The gap between the best and the worst group on a metric. The pair is picked on the observed
 * data; with many small groups that pick is itself optimistic, which is one reason groups below a
 * minimum size are left out by the caller. Ties are broken by group name so the result is stable.
 * Null for fewer than two groups with a defined metric.
 */
export function bestWorstDisparity<T>(
  groups: readonly GroupSample<T>[],
  metric: (items: readonly T[]) => number | null,
  options: BootstrapOptions = {},
): Disparity | null {
  const scored = groups
    .map((g) => ({ g, value: metric(g.items) }))
    .filter((s): s is { g: GroupSample<T>; value: number } => s.value !== null && Number.isFinite(s.value))
    .sort((a, b) => b.value - a.value || a.g.group.localeCompare(b.g.group));
  if (scored.length < 2) return null;
  const best = scored[0]!;
  const worst = scored[scored.length - 1]!;
  const ci = stratifiedBootstrapCi(
    [best.g.items, worst.g.items],
    ([b, w]) => {
      const vb = metric(b!);
      const vw = metric(w!);
      return vb === null || vw === null ? null : vb - vw;
    },
    options,
  );
  return {
    best: { group: best.g.group, value: best.value },
    worst: { group: worst.g.group, value: worst.value },
    difference: best.value - worst.value,
    ratio: best.value === 0 ? null : worst.value / best.value,
    ci,
    groups: scored.length,
  };
}

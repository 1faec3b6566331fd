import { bootstrapCi, DEFAULT_BOOTSTRAP, type BootstrapOptions, type ConfidenceInterval } from "./bootstrap";
import { DEFAULT_ECE_BINS, expectedCalibrationError } from "./calibration";
import { accuracy, macroF1, meanScores, normalizeScores, perClassRecall } from "./classification";
import { bestWorstDisparity, type Disparity } from "./disparity";

/** One labelled item after the model ran on it. */
export interface AuditItem {
  label: string;
  /** Group column -> this item's group (e.g. { dialect: "AAE", age: "18-29" }). */
  groups: Readonly<Record<string, string>>;
  /** Null when the pipeline failed on this item or returned no usable scores. */
  predicted: string | null;
  scores: Readonly<Record<string, number>> | null;
}

export interface GroupMetrics {
  group: string;
  /** Items in the group, errors included. */
  n: number;
  /** Items with a prediction; every metric below is over these. */
  scored: number;
  /** Items the pipeline failed on (n - scored). */
  errors: number;
  accuracy: number | null;
  accuracyCi: ConfidenceInterval | null;
  macroF1: number | null;
  macroF1Ci: ConfidenceInterval | null;
  /** Per class: share of the class's items predicted as it; null when the group has none of the class. */
  recall: Record<string, number | null>;
  /** Per class: mean (sum-normalised) score the model gave the class over the group's items. */
  meanScore: Record<string, number | null>;
  ece: number | null;
  /** True labels per class (scored items). */
  labelCounts: Record<string, number>;
  /** Fewer scored items than the minimum group size: shown, but not judged or used for disparity. */
  tooSmall: boolean;
}

export interface GroupingReport {
  column: string;
  groups: GroupMetrics[];
  /** Best vs worst group among those large enough; null when fewer than two are. */
  disparity: { accuracy: Disparity | null; macroF1: Disparity | null };
  /** Groups left out of the disparity as too small to judge. */
  tooSmall: string[];
}

export interface GroupAuditOptions {
  /** The label set (the output's taxonomy), in display order. */
  classes: readonly string[];
  groupColumns: readonly string[];
  /** Groups with fewer scored items are marked too small to judge; default 30. */
  minGroupSize?: number;
  bootstrap?: BootstrapOptions;
  /** Equal-width confidence bins of the ECE; default 10. */
  eceBins?: number;
}

export interface GroupAuditParams {
  minGroupSize: number;
  bootstrap: { iterations: number; confidence: number; seed: number };
  eceBins: number;
}

export interface GroupAuditReport {
  classes: string[];
  params: GroupAuditParams;
  overall: GroupMetrics;
  groupings: GroupingReport[];
}

export const DEFAULT_MIN_GROUP_SIZE = 30;
/** What an item with no value in a group column is grouped under. */
export const MISSING_GROUP = "(missing)";

interface Scored {
  label: string;
  predicted: string;
  /** Sum-normalised over the classes. */
  probs: Record<string, number>;
}

/**
 * Per-group classification metrics and best-vs-worst disparity for each group column. Scores are
 * normalised to sum to 1 over the classes before the ECE and mean scores are taken, so lexicon
 * proportions and softmax outputs read on one scale; whether they are calibrated probabilities is
 * for the caller to state.
 */
export function buildGroupAudit(items: readonly AuditItem[], options: GroupAuditOptions): GroupAuditReport {
  const params: GroupAuditParams = {
    minGroupSize: options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE,
    bootstrap: {
      iterations: options.bootstrap?.iterations ?? DEFAULT_BOOTSTRAP.iterations,
      confidence: options.bootstrap?.confidence ?? DEFAULT_BOOTSTRAP.confidence,
      seed: options.bootstrap?.seed ?? DEFAULT_BOOTSTRAP.seed,
    },
    eceBins: options.eceBins ?? DEFAULT_ECE_BINS,
  };
  const classes = [...options.classes];
  const metricsOf = (group: string, members: readonly AuditItem[]) => groupMetrics(group, members, classes, params);

  const groupings: GroupingReport[] = options.groupColumns.map((column) => {
    const byGroup = new Map<string, AuditItem[]>();
    for (const item of items) {
      const raw = item.groups[column]?.trim() ?? "";
      const key = raw === "" ? MISSING_GROUP : raw;
      let list = byGroup.get(key);
      if (!list) byGroup.set(key, (list = []));
      list.push(item);
    }
    const names = [...byGroup.keys()].sort((a, b) => a.localeCompare(b));
    const groups = names.map((name) => metricsOf(name, byGroup.get(name)!));
    const judged = groups.filter((g) => !g.tooSmall).map((g) => ({ group: g.group, items: toScored(byGroup.get(g.group)!, classes) }));
    return {
      column,
      groups,
      disparity: {
        accuracy: bestWorstDisparity(judged, accuracyOf, params.bootstrap),
        macroF1: bestWorstDisparity(judged, macroF1Of, params.bootstrap),
      },
      tooSmall: groups.filter((g) => g.tooSmall).map((g) => g.group),
    };
  });

  return { classes, params, overall: metricsOf("all", items), groupings };
}

function toScored(items: readonly AuditItem[], classes: readonly string[]): Scored[] {
  const out: Scored[] = [];
  for (const item of items) {
    if (item.predicted === null || item.scores === null) continue;
    // Uniform when the scores are all zero: the model expressed no preference, which is what
    // a 1/k confidence says.
    const probs = normalizeScores(item.scores, classes) ?? Object.fromEntries(classes.map((c) => [c, 1 / classes.length]));
    out.push({ label: item.label, predicted: item.predicted, probs });
  }
  return out;
}

const accuracyOf = (items: readonly Scored[]) => accuracy(items.map((i) => i.label), items.map((i) => i.predicted));
const macroF1Of = (items: readonly Scored[]) => macroF1(items.map((i) => i.label), items.map((i) => i.predicted));

function groupMetrics(group: string, members: readonly AuditItem[], classes: string[], params: GroupAuditParams): GroupMetrics {
  const scored = toScored(members, classes);
  const actual = scored.map((s) => s.label);
  const predicted = scored.map((s) => s.predicted);
  const labelCounts: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
  for (const a of actual) labelCounts[a] = (labelCounts[a] ?? 0) + 1;
  const calibration = expectedCalibrationError(
    scored.map((s) => s.probs[s.predicted] ?? 0),
    scored.map((s) => s.label === s.predicted),
    params.eceBins,
  );
  return {
    group,
    n: members.length,
    scored: scored.length,
    errors: members.length - scored.length,
    accuracy: accuracyOf(scored),
    accuracyCi: scored.length > 0 ? bootstrapCi(scored, accuracyOf, params.bootstrap) : null,
    macroF1: macroF1Of(scored),
    macroF1Ci: scored.length > 0 ? bootstrapCi(scored, macroF1Of, params.bootstrap) : null,
    recall: perClassRecall(actual, predicted, classes),
    meanScore: meanScores(scored.map((s) => s.probs), classes),
    ece: calibration.ece,
    labelCounts,
    tooSmall: scored.length < params.minGroupSize,
  };
}

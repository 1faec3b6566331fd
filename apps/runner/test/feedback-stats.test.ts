// The statistics of the Feedback page (buildFeedbackReport) and the run outputs snapshot
// (compactOutputs) against values worked out by hand on a small fixture.
import { buildFeedbackReport, compactOutputs, SNAPSHOT_MAX_NUMBERS, type FeedbackBehaviour, type FeedbackPoint } from "@attune/db";
import { describe, expect, it } from "vitest";

const DAY1 = Date.UTC(2026, 0, 1, 10);
const DAY2 = Date.UTC(2026, 0, 2, 10);

function point(version: number, rating: number, neg: number, at: number, behaviours: FeedbackBehaviour[] = [], extra: Record<string, number> = {}): FeedbackPoint {
  return { runId: `r${version}-${rating}-${neg}`, version, rating, behaviours, comment: null, tags: [], at, numbers: { neg, const: 1, ...extra }, labels: {} };
}

// v1: ratings 2, 3, 4 (mean 3); v2: ratings 4, 5, 5, 3 (mean 4.25).
const FIXTURE: FeedbackPoint[] = [
  point(1, 2, 0.9, DAY1, ["validated"]),
  point(1, 3, 0.6, DAY1, ["felt_generic", "felt_generic"]),
  point(1, 4, 0.2, DAY2),
  point(2, 4, 0.3, DAY2, ["validated", "offered_help"], { only_v2: 1 }),
  point(2, 5, 0.1, DAY2, [], { only_v2: 2 }),
  point(2, 5, 0.05, DAY2, ["validated"], { only_v2: 3 }),
  point(2, 3, 0.7, DAY2, ["felt_intrusive"], { only_v2: 4 }),
];

describe("buildFeedbackReport", () => {
  const report = buildFeedbackReport(FIXTURE, { bootstrap: { iterations: 500, seed: 7 } });

  it("counts the rating distribution, mean and daily trend per deployment version", () => {
    expect(report.n).toBe(7);
    expect(report.mean).toBeCloseTo(26 / 7, 12);
    const [v1, v2] = report.versions;
    expect(v1).toMatchObject({ version: 1, n: 3, mean: 3, counts: [0, 1, 1, 1, 0] });
    expect(v1!.trend).toEqual([
      { day: "2026-01-01", n: 2, mean: 2.5 },
      { day: "2026-01-02", n: 1, mean: 4 },
    ]);
    expect(v2).toMatchObject({ version: 2, n: 4, mean: 4.25, counts: [0, 0, 1, 1, 2] });
    expect(v2!.trend).toEqual([{ day: "2026-01-02", n: 4, mean: 4.25 }]);
  });

  it("counts each behaviour once per rating, overall and per version", () => {
    expect(report.behaviours).toEqual({
      acknowledged_feelings: 0,
      validated: 3,
      adapted_to_person: 0,
      offered_help: 1,
      felt_generic: 1,
      felt_intrusive: 1,
    });
    expect(report.versions[1]!.behaviours.validated).toBe(2);
  });

  it("correlates each numeric output field with the rating (Spearman with ties, with its n)", () => {
    // neg ranks [7,5,3,4,2,1,6] vs rating ranks [1,2.5,4.5,4.5,6.5,6.5,2.5]: Sxy = -26.5,
    // Sxx = 28, Syy = 26.5, so rho = -26.5 / sqrt(28 * 26.5) = -sqrt(26.5 / 28).
    const neg = report.correlations.find((c) => c.field === "neg")!;
    expect(neg.n).toBe(7);
    expect(neg.rho).toBeCloseTo(-Math.sqrt(26.5 / 28), 12);
    expect(neg.rho).toBeCloseTo(-0.972849, 5);
    // Only in v2's four runs: x ranks [1,2,3,4] vs rating ranks [2,3.5,3.5,1]: -1.5 / sqrt(5 * 4.5).
    const onlyV2 = report.correlations.find((c) => c.field === "only_v2")!;
    expect(onlyV2).toMatchObject({ n: 4 });
    expect(onlyV2.rho).toBeCloseTo(-1.5 / Math.sqrt(22.5), 12);
    // A constant field has no correlation, and says so rather than showing 0.
    expect(report.correlations.find((c) => c.field === "const")).toEqual({ field: "const", rho: null, n: 7 });
    // Strongest first.
    expect(report.correlations.map((c) => c.field)).toEqual(["neg", "only_v2", "const"]);
  });

  it("compares the two newest versions: means with bootstrap CIs and the difference's CI", () => {
    const c = report.comparison!;
    expect(c.a).toMatchObject({ version: 1, n: 3, mean: 3 });
    expect(c.b).toMatchObject({ version: 2, n: 4, mean: 4.25 });
    expect(c.difference).toBeCloseTo(1.25, 12);
    // Resampled means can only range over what the samples allow: v1 in [2, 4], v2 in [3, 5].
    expect(c.a.ci!.low).toBeGreaterThanOrEqual(2);
    expect(c.a.ci!.high).toBeLessThanOrEqual(4);
    expect(c.a.ci!.low).toBeLessThan(3);
    expect(c.a.ci!.high).toBeGreaterThan(3);
    const d = c.differenceCi!;
    expect(d).toMatchObject({ confidence: 0.95, iterations: 500, seed: 7, method: "percentile" });
    expect(d.low).toBeGreaterThanOrEqual(-1);
    expect(d.high).toBeLessThanOrEqual(3);
    expect(d.low).toBeLessThan(1.25);
    expect(d.high).toBeGreaterThan(1.25);
    // Seeded: the same report twice gives the same intervals.
    expect(buildFeedbackReport(FIXTURE, { bootstrap: { iterations: 500, seed: 7 } }).comparison).toEqual(c);
  });

  it("compares the versions asked for, in that order, and gives a zero-width CI for constant ratings", () => {
    const c = buildFeedbackReport(FIXTURE, { compare: { a: 2, b: 1 }, bootstrap: { iterations: 200 } }).comparison!;
    expect(c.difference).toBeCloseTo(-1.25, 12);
    const constant = buildFeedbackReport([point(1, 4, 0, DAY1), point(1, 4, 0, DAY1), point(2, 2, 0, DAY2)], { bootstrap: { iterations: 200 } });
    expect(constant.comparison!.a.ci).toMatchObject({ low: 4, high: 4 });
    expect(constant.comparison!.differenceCi).toMatchObject({ low: -2, high: -2 });
  });

  it("has no comparison with a single version and nothing at all without ratings", () => {
    expect(buildFeedbackReport(FIXTURE.slice(0, 3)).comparison).toBeNull();
    const empty = buildFeedbackReport([]);
    expect(empty).toMatchObject({ n: 0, mean: null, versions: [], correlations: [], comparison: null });
  });
});

describe("compactOutputs", () => {
  it("keeps numbers, top labels with their highest scores, valence/arousal, action names and short text", () => {
    const snap = compactOutputs({
      valence: -0.62,
      scores: { taxonomy: "sentiment3", calibrated: true, scores: { negative: 0.8, neutral: 0.15, positive: 0.05 } },
      mood: { valence: -0.3, arousal: 0.4 },
      action: { name: "escalate_to_human", reason: "upset", detail: { turns: 3 } },
      noAction: null,
      ask: true,
      reply: "y".repeat(500),
      frame: new Float32Array([1, 2, 3]),
      list: [1, 2, 3],
      nan: Number.NaN,
    });
    expect(snap.numbers).toEqual({
      valence: -0.62,
      "scores.negative": 0.8,
      "scores.neutral": 0.15,
      "scores.positive": 0.05,
      "mood.valence": -0.3,
      "mood.arousal": 0.4,
    });
    expect(snap.labels).toMatchObject({ scores: "negative", action: "escalate_to_human", noAction: "none", ask: "true" });
    expect(snap.labels.reply!.length).toBe(64);
  });

  it("caps the snapshot's size whatever the pipeline returns", () => {
    const scores = Object.fromEntries(Array.from({ length: 28 }, (_, i) => [`label${i}`, i / 100]));
    const outputs: Record<string, unknown> = { emotions: { taxonomy: "goemotions28", scores } };
    for (let i = 0; i < 100; i++) outputs[`n${i}`] = i;
    const snap = compactOutputs(outputs);
    // The ten highest of the 28 scores, then plain numbers up to the cap.
    expect(Object.keys(snap.numbers).filter((k) => k.startsWith("emotions."))).toHaveLength(10);
    expect(snap.numbers["emotions.label27"]).toBe(0.27);
    expect(snap.numbers["emotions.label17"]).toBeUndefined();
    expect(Object.keys(snap.numbers)).toHaveLength(SNAPSHOT_MAX_NUMBERS);
    expect(JSON.stringify(snap).length).toBeLessThan(4096);
  });
});

import { describe, expect, it } from "vitest";
import {
  accuracy,
  argmax,
  averageRanks,
  bestWorstDisparity,
  bootstrapCi,
  createRng,
  expectedCalibrationError,
  macroF1,
  meanScores,
  normalizeScores,
  perClassF1,
  perClassRecall,
  quantileSorted,
  spearman,
} from "./index";

// Every expected value below was worked out by hand; the arithmetic is in the comments.

describe("classification metrics", () => {
  const actual = ["a", "a", "b", "b", "c"];
  const predicted = ["a", "b", "b", "b", "a"];
  // a: TP 1, FN 1, FP 1 (item 5);  b: TP 2, FP 1 (item 2);  c: TP 0, FN 1.

  it("accuracy is the share of exact matches", () => {
    expect(accuracy(actual, predicted)).toBe(3 / 5);
    expect(accuracy([], [])).toBeNull();
    expect(() => accuracy(["a"], [])).toThrow(RangeError);
  });

  it("recall per class is TP / support, null for a class without items", () => {
    expect(perClassRecall(actual, predicted, ["a", "b", "c", "d"])).toEqual({ a: 0.5, b: 1, c: 0, d: null });
  });

  it("F1 per class is 2TP / (2TP + FP + FN)", () => {
    // a: 2/(2+1+1) = 0.5;  b: 4/(4+1+0) = 0.8;  c: 0/(0+0+1) = 0;  d never occurs.
    expect(perClassF1(actual, predicted, ["a", "b", "c", "d"])).toEqual({ a: 0.5, b: 0.8, c: 0, d: null });
  });

  it("macro-F1 averages over the classes that occur as label or prediction", () => {
    // (0.5 + 0.8 + 0) / 3
    expect(macroF1(actual, predicted)).toBeCloseTo(1.3 / 3, 12);
    // a: TP 1, FN 1 -> 2/3; b only predicted -> F1 0; mean 1/3.
    expect(macroF1(["a", "a"], ["a", "b"])).toBeCloseTo(1 / 3, 12);
    expect(macroF1(["x"], ["x"])).toBe(1);
    expect(macroF1([], [])).toBeNull();
  });

  it("argmax breaks ties by taxonomy order, not key order", () => {
    expect(argmax({ positive: 0.4, negative: 0.4, neutral: 0.2 }, ["negative", "neutral", "positive"])).toBe("negative");
    expect(argmax({ b: 0.1, a: 0.7 })).toBe("a");
    expect(argmax({ a: Number.NaN })).toBeUndefined();
  });

  it("mean predicted score per class averages each class's score over all items", () => {
    // joy: (0.2 + 0.6) / 2 = 0.4;  anger: (0.8 + 0.4) / 2 = 0.6
    expect(meanScores([{ joy: 0.2, anger: 0.8 }, { joy: 0.6, anger: 0.4 }], ["joy", "anger"])).toEqual({ joy: expect.closeTo(0.4, 12), anger: expect.closeTo(0.6, 12) });
    expect(meanScores([], ["joy"])).toEqual({ joy: null });
    // 1 + 3 = 4 -> 0.25 / 0.75; missing classes count 0.
    expect(normalizeScores({ a: 1, b: 3 }, ["a", "b", "c"])).toEqual({ a: 0.25, b: 0.75, c: 0 });
    expect(normalizeScores({ a: 0 }, ["a"])).toBeNull();
  });
});

describe("expected calibration error (10 equal-width bins, (m-1)/M < c <= m/M)", () => {
  it("matches a hand computation with one item per bin", () => {
    // bins: 0.95 correct -> |1 - 0.95| = 0.05; 0.85 wrong -> 0.85; 0.65 correct -> 0.35;
    // 0.55 correct -> 0.45; 0.30 wrong -> 0.30. Each weighs 1/5: (0.05+0.85+0.35+0.45+0.30)/5 = 0.4.
    const result = expectedCalibrationError([0.95, 0.85, 0.65, 0.55, 0.3], [true, false, true, true, false]);
    expect(result.ece).toBeCloseTo(0.4, 12);
    expect(result.bins).toHaveLength(10);
    // 0.30 sits on an edge and belongs to (0.2, 0.3].
    expect(result.bins[2]).toMatchObject({ n: 1, accuracy: 0, confidence: 0.3 });
  });

  it("averages within a bin and uses the inclusive upper edge", () => {
    // (0.6, 0.8] with 5 bins holds 0.72 (right), 0.8 (wrong), 0.76 (right): acc 2/3, conf 0.76 -> |0.6667 - 0.76|.
    const result = expectedCalibrationError([0.72, 0.8, 0.76], [true, false, true], 5);
    expect(result.bins[3]!.n).toBe(3);
    expect(result.ece).toBeCloseTo(Math.abs(2 / 3 - 0.76), 12);
    // confidence 0 goes to the first bin rather than nowhere.
    expect(expectedCalibrationError([0], [false], 5).bins[0]!.n).toBe(1);
    expect(expectedCalibrationError([], []).ece).toBeNull();
  });
});

describe("Spearman rank correlation", () => {
  it("without ties equals 1 - 6Σd²/(n(n²-1))", () => {
    // d = -1, 1, -1, 1, 0 -> Σd² = 4 -> 1 - 24/120 = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toEqual({ rho: expect.closeTo(0.8, 12), n: 5 });
    expect(spearman([1, 2, 3], [30, 20, 10]).rho).toBeCloseTo(-1, 12);
  });

  it("with ties uses average ranks (Pearson of ranks)", () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    // ranks x = 1, 2.5, 2.5, 4; y = 1, 2, 3, 4: Sxy = 4.5, Sxx = 4.5, Syy = 5 -> 4.5/sqrt(22.5) = sqrt(0.9)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4]).rho).toBeCloseTo(Math.sqrt(0.9), 12);
  });

  it("reports the sample size and null when undefined", () => {
    expect(spearman([1, Number.NaN, 3, 4], [1, 2, 3, 4]).n).toBe(3);
    expect(spearman([1, 1, 1], [1, 2, 3])).toEqual({ rho: null, n: 3 });
    expect(spearman([1], [1])).toEqual({ rho: null, n: 1 });
  });
});

describe("bootstrap", () => {
  it("the seeded generator is reproducible and uniform in [0, 1)", () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(createRng(43).next()).not.toBe(createRng(42).next());
  });

  it("type-7 quantiles interpolate between order statistics", () => {
    // h = (4-1)*0.25 = 0.75 -> 1 + 0.75*(2-1)
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([5], 0.9)).toBe(5);
  });

  it("a constant sample has a zero-width interval; a 50/50 sample's interval is about ±1.96·sqrt(.25/n)", () => {
    const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(bootstrapCi([3, 3, 3], mean, { iterations: 200 })).toMatchObject({ low: 3, high: 3, valid: 200 });
    const coin = Array.from({ length: 100 }, (_, i) => i % 2);
    const ci = bootstrapCi(coin, mean, { iterations: 4000, seed: 7 })!;
    // Normal approximation: 0.5 ± 1.96 * 0.05 = [0.402, 0.598].
    expect(ci.low).toBeGreaterThan(0.38);
    expect(ci.low).toBeLessThan(0.42);
    expect(ci.high).toBeGreaterThan(0.58);
    expect(ci.high).toBeLessThan(0.62);
    expect(bootstrapCi(coin, mean, { iterations: 500, seed: 7 })).toEqual(bootstrapCi(coin, mean, { iterations: 500, seed: 7 }));
  });

  it("best-vs-worst disparity: a real gap excludes 0, equal groups include it", () => {
    const acc = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
    const ones = (k: number, n: number) => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));
    const gap = bestWorstDisparity([{ group: "B", items: ones(50, 100) }, { group: "A", items: ones(90, 100) }], acc, { iterations: 1000 })!;
    expect(gap.best).toEqual({ group: "A", value: 0.9 });
    expect(gap.worst).toEqual({ group: "B", value: 0.5 });
    expect(gap.difference).toBeCloseTo(0.4, 12);
    expect(gap.ratio).toBeCloseTo(0.5 / 0.9, 12);
    expect(gap.ci!.low).toBeGreaterThan(0);
    const same = bestWorstDisparity([{ group: "A", items: ones(80, 100) }, { group: "B", items: ones(78, 100) }], acc, { iterations: 1000 })!;
    expect(same.ci!.low).toBeLessThan(0);
    expect(same.ci!.high).toBeGreaterThan(0);
    expect(bestWorstDisparity([{ group: "A", items: ones(1, 2) }], acc)).toBeNull();
  });
});

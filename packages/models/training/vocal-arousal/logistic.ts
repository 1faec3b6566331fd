/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS). With about a dozen features
 * and a few hundred clips the exact solution takes a handful of iterations and is deterministic,
 * which keeps retraining reproducible without a seed-dependent optimiser.
 */

export interface Logistic {
  w: Float64Array;
  b: number;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function predict(m: Logistic, x: ArrayLike<number>): number {
  let z = m.b;
  for (let i = 0; i < m.w.length; i++) z += m.w[i]! * x[i]!;
  return sigmoid(z);
}

/** Solves A x = y (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
function solve(a: number[][], y: number[]): number[] {
  const n = y.length;
  const m = a.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Fits on standardised rows. `weights` balance the classes (each class contributes equally), so a
 * fold with more high-arousal clips does not just learn the majority.
 */
export function fitLogistic(xs: ArrayLike<number>[], ys: number[], lambda: number, iterations = 25): Logistic {
  const d = xs[0]!.length;
  const pos = ys.filter((y) => y === 1).length;
  const neg = ys.length - pos;
  const sw = ys.map((y) => (y === 1 ? ys.length / (2 * pos) : ys.length / (2 * neg)));
  let beta = new Array<number>(d + 1).fill(0); // last = bias
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    xs.forEach((x, r) => {
      const row = [...Array.from(x), 1];
      let z = 0;
      for (let i = 0; i <= d; i++) z += beta[i]! * row[i]!;
      const p = sigmoid(z);
      const g = sw[r]! * (p - ys[r]!);
      const h = sw[r]! * Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i <= d; i++) {
        grad[i]! += g * row[i]!;
        for (let j = 0; j <= d; j++) hess[i]![j]! += h * row[i]! * row[j]!;
      }
    });
    for (let i = 0; i < d; i++) {
      grad[i]! += lambda * beta[i]!;
      hess[i]![i]! += lambda;
    }
    hess[d]![d]! += 1e-6;
    const step = solve(hess, grad);
    beta = beta.map((v, i) => v - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { w: Float64Array.from(beta.slice(0, d)), b: beta[d]! };
}

/**
 * Evaluation under the node's decision rule: the predicted label is the argmax of the model's
 * output (offsets, when tuned, are folded into the exported bias, so argmax of the shipped model
 * is exactly what is measured here). Gold labels are sets: a row with several labels counts as a
 * true positive for the predicted label if it is any of them, and as a false negative for each of
 * its other labels — the standard multi-label per-class count with a single-label prediction.
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  macroF1: number;
  accuracy: number;
  perClass: ClassMetrics[];
  /** confusion[gold][pred]; multi-label rows count under the predicted label when it is gold, else their first label. */
  confusion: number[][];
}

export function argmaxRows(logits: Float32Array, C: number, offsets?: Float32Array): Int32Array {
  const n = logits.length / C;
  const pred = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < C; c++) {
      const v = logits[k * C + c]! + (offsets ? offsets[c]! : 0);
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    pred[k] = best;
  }
  return pred;
}

export function evaluate(pred: Int32Array, gold: number[][], labels: readonly string[]): Evaluation {
  const C = labels.length;
  const tp = new Array<number>(C).fill(0);
  const fp = new Array<number>(C).fill(0);
  const fn = new Array<number>(C).fill(0);
  const support = new Array<number>(C).fill(0);
  const confusion = labels.map(() => new Array<number>(C).fill(0));
  let correct = 0;
  for (let k = 0; k < pred.length; k++) {
    const p = pred[k]!;
    const g = gold[k]!;
    for (const c of g) support[c]! += 1;
    if (g.includes(p)) {
      tp[p]! += 1;
      correct += 1;
      confusion[p]![p]! += 1;
    } else {
      fp[p]! += 1;
      confusion[g[0]!]![p]! += 1;
    }
    for (const c of g) if (c !== p) fn[c]! += 1;
  }
  const perClass = labels.map((label, c) => {
    const precision = tp[c]! + fp[c]! === 0 ? 0 : tp[c]! / (tp[c]! + fp[c]!);
    const recall = tp[c]! + fn[c]! === 0 ? 0 : tp[c]! / (tp[c]! + fn[c]!);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support: support[c]! };
  });
  return {
    macroF1: perClass.reduce((s, m) => s + m.f1, 0) / C,
    accuracy: correct / pred.length,
    perClass,
    confusion,
  };
}

/**
 * Per-class additive logit offsets that maximise macro-F1 on the given rows: coordinate ascent
 * over a grid. Shifting a class's bias trades its precision against recall, which matters for
 * the rare classes (disgust, fear) that a softmax under-predicts.
 */
export function tuneOffsets(logits: Float32Array, gold: number[][], labels: readonly string[], rows?: number[]): Float32Array {
  const C = labels.length;
  const idx = rows ?? gold.map((_, k) => k);
  const sub = new Float32Array(idx.length * C);
  idx.forEach((k, j) => sub.set(logits.subarray(k * C, k * C + C), j * C));
  const subGold = idx.map((k) => gold[k]!);
  const offsets = new Float32Array(C);
  const score = () => evaluate(argmaxRows(sub, C, offsets), subGold, labels).macroF1;
  let best = score();
  for (let round = 0; round < 4; round++) {
    let improved = false;
    for (let c = 0; c < C; c++) {
      const keep = offsets[c]!;
      let bestV = keep;
      for (let v = -2; v <= 2.0001; v += 0.05) {
        offsets[c] = v;
        const s = score();
        if (s > best + 1e-9) {
          best = s;
          bestV = v;
          improved = true;
        }
      }
      offsets[c] = bestV;
    }
    if (!improved) break;
  }
  return offsets;
}

/** Soft-target negative log-likelihood of softmax(logits / T + offsets). */
export function nll(logits: Float32Array, gold: number[][], C: number, temperature: number): number {
  let total = 0;
  const row = new Float64Array(C);
  for (let k = 0; k < gold.length; k++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      row[c] = logits[k * C + c]! / temperature;
      if (row[c]! > max) max = row[c]!;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(row[c]! - max);
    const lse = max + Math.log(sum);
    const g = gold[k]!;
    for (const c of g) total -= (row[c]! - lse) / g.length;
  }
  return total / gold.length;
}

/** Temperature minimising NLL (golden-section search over log T in [-2, 2]). */
export function fitTemperature(logits: Float32Array, gold: number[][], C: number): number {
  let lo = -2;
  let hi = 2;
  const phi = (Math.sqrt(5) - 1) / 2;
  const f = (x: number) => nll(logits, gold, C, Math.exp(x));
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Expected calibration error of the top label's probability (15 equal-width bins). */
export function expectedCalibrationError(probs: Float32Array, gold: number[][], C: number): number {
  const bins = 15;
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let k = 0; k < gold.length; k++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[k * C + c]! > probs[k * C + best]!) best = c;
    const p = probs[k * C + best]!;
    const bin = Math.min(bins - 1, Math.floor(p * bins));
    conf[bin]! += p;
    acc[bin]! += gold[k]!.includes(best) ? 1 : 0;
    count[bin]! += 1;
  }
  let ece = 0;
  for (let i = 0; i < bins; i++) if (count[i]! > 0) ece += Math.abs(acc[i]! - conf[i]!) / gold.length;
  return ece;
}

import type { Features } from "@attune/nodes-nlp/text-emotion/featurize";

/**
 * A hashed bag-of-features softmax classifier in plain Float32Array math, shaped exactly like the
 * exported ONNX graph: pooled = sum_i w_i * E[id_i]; logits = pooled (W) + b; softmax.
 * With `dim = 0` the table holds class logits directly (E is [B, C], no W): a linear model over
 * hashed features. With `dim > 0` it is fastText-style (E is [B, dim], W is [dim, C]).
 */
export interface ModelShape {
  buckets: number;
  classes: number;
  /** 0 = linear (table rows are class logits); otherwise the embedding width. */
  dim: number;
}

export interface Params {
  shape: ModelShape;
  table: Float32Array;
  w: Float32Array | null;
  b: Float32Array;
}

export function initParams(shape: ModelShape, random: () => number): Params {
  const rowWidth = shape.dim === 0 ? shape.classes : shape.dim;
  const table = new Float32Array(shape.buckets * rowWidth);
  let w: Float32Array | null = null;
  if (shape.dim > 0) {
    // Small random table + Glorot-ish W so the embedding gets gradient from the first step.
    for (let i = 0; i < table.length; i++) table[i] = (random() * 2 - 1) * 0.01;
    w = new Float32Array(shape.dim * shape.classes);
    const s = Math.sqrt(6 / (shape.dim + shape.classes));
    for (let i = 0; i < w.length; i++) w[i] = (random() * 2 - 1) * s;
  }
  return { shape, table, w, b: new Float32Array(shape.classes) };
}

/** Logits for one example, written into `out` (length C); `pooled` is scratch of the row width. */
export function forward(p: Params, f: Features, pooled: Float32Array, out: Float32Array): void {
  const { dim, classes } = p.shape;
  const width = dim === 0 ? classes : dim;
  pooled.fill(0);
  for (let i = 0; i < f.ids.length; i++) {
    const base = f.ids[i]! * width;
    const wt = f.weights[i]!;
    for (let d = 0; d < width; d++) pooled[d]! += wt * p.table[base + d]!;
  }
  if (p.w === null) {
    for (let c = 0; c < classes; c++) out[c] = pooled[c]! + p.b[c]!;
  } else {
    for (let c = 0; c < classes; c++) {
      let s = p.b[c]!;
      for (let d = 0; d < dim; d++) s += pooled[d]! * p.w[d * classes + c]!;
      out[c] = s;
    }
  }
}

export function softmaxInPlace(v: Float32Array): void {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i]! - max);
    sum += v[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i]! /= sum;
}

export interface TrainOptions {
  lr: number;
  batch: number;
  /** Decoupled weight decay (AdamW), applied lazily to table rows when they are touched. */
  weightDecay: number;
  /** Per-class loss weights (class balancing). */
  classWeights: Float32Array;
}

/**
 * Adam with lazy sparse updates: only table rows that occur in a batch get moment updates, the
 * usual choice for hashed embeddings (dense Adam over 2^18 rows per step would be ~100x slower).
 */
export class Trainer {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly grad: Float32Array;
  private readonly touched: Int32Array;
  private readonly isTouched: Uint8Array;
  private nTouched = 0;
  private readonly mw: Float32Array | null;
  private readonly vw: Float32Array | null;
  private readonly gw: Float32Array | null;
  private readonly mb: Float32Array;
  private readonly vb: Float32Array;
  private readonly gb: Float32Array;
  private step = 0;
  private readonly pooled: Float32Array;
  private readonly logits: Float32Array;
  private readonly dPooled: Float32Array;

  constructor(
    private readonly p: Params,
    private readonly opts: TrainOptions,
  ) {
    const n = p.table.length;
    this.m = new Float32Array(n);
    this.v = new Float32Array(n);
    this.grad = new Float32Array(n);
    this.touched = new Int32Array(p.shape.buckets);
    this.isTouched = new Uint8Array(p.shape.buckets);
    this.mw = p.w ? new Float32Array(p.w.length) : null;
    this.vw = p.w ? new Float32Array(p.w.length) : null;
    this.gw = p.w ? new Float32Array(p.w.length) : null;
    const C = p.shape.classes;
    this.mb = new Float32Array(C);
    this.vb = new Float32Array(C);
    this.gb = new Float32Array(C);
    const width = p.shape.dim === 0 ? C : p.shape.dim;
    this.pooled = new Float32Array(width);
    this.logits = new Float32Array(C);
    this.dPooled = new Float32Array(width);
  }

  /**
   * One epoch over `order`. `targets[k]` is the soft target of example k: multi-label rows spread
   * their mass evenly over their labels. Returns the mean weighted cross-entropy.
   */
  epoch(features: Features[], targets: Float32Array[], order: number[]): number {
    const { classes: C, dim } = this.p.shape;
    const width = dim === 0 ? C : dim;
    let loss = 0;
    let inBatch = 0;
    for (const k of order) {
      const f = features[k]!;
      const y = targets[k]!;
      forward(this.p, f, this.pooled, this.logits);
      softmaxInPlace(this.logits);
      // Weight of an example = target-weighted class weight, so a multi-label row counts as much
      // as a single-label one.
      let cw = 0;
      for (let c = 0; c < C; c++) cw += y[c]! * this.opts.classWeights[c]!;
      const g = this.logits; // reuse: becomes dLoss/dlogits
      for (let c = 0; c < C; c++) {
        if (y[c]! > 0) loss -= cw * y[c]! * Math.log(Math.max(g[c]!, 1e-12));
        g[c] = cw * (g[c]! - y[c]!);
        this.gb[c]! += g[c]!;
      }
      if (this.p.w === null) {
        this.dPooled.set(g);
      } else {
        const w = this.p.w;
        for (let d = 0; d < dim; d++) {
          let s = 0;
          for (let c = 0; c < C; c++) {
            this.gw![d * C + c]! += this.pooled[d]! * g[c]!;
            s += w[d * C + c]! * g[c]!;
          }
          this.dPooled[d] = s;
        }
      }
      for (let i = 0; i < f.ids.length; i++) {
        const row = f.ids[i]!;
        const wt = f.weights[i]!;
        if (!this.isTouched[row]) {
          this.isTouched[row] = 1;
          this.touched[this.nTouched++] = row;
        }
        const base = row * width;
        for (let d = 0; d < width; d++) this.grad[base + d]! += wt * this.dPooled[d]!;
      }
      if (++inBatch === this.opts.batch) {
        this.apply(inBatch);
        inBatch = 0;
      }
    }
    if (inBatch > 0) this.apply(inBatch);
    return loss / order.length;
  }

  private apply(n: number): void {
    const { lr, weightDecay } = this.opts;
    const b1 = 0.9;
    const b2 = 0.999;
    const eps = 1e-8;
    this.step += 1;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    const width = this.p.shape.dim === 0 ? this.p.shape.classes : this.p.shape.dim;
    const upd = (x: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, i: number, decay: number) => {
      const gi = g[i]! / n;
      g[i] = 0;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      x[i] = x[i]! * (1 - lr * decay) - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    };
    for (let t = 0; t < this.nTouched; t++) {
      const row = this.touched[t]!;
      this.isTouched[row] = 0;
      const base = row * width;
      for (let d = 0; d < width; d++) upd(this.p.table, this.m, this.v, this.grad, base + d, weightDecay);
    }
    this.nTouched = 0;
    if (this.p.w) for (let i = 0; i < this.p.w.length; i++) upd(this.p.w, this.mw!, this.vw!, this.gw!, i, weightDecay);
    for (let i = 0; i < this.p.b.length; i++) upd(this.p.b, this.mb, this.vb, this.gb, i, 0);
  }
}

/** Logits for many examples, row-major [N, C]. */
export function predictLogits(p: Params, features: Features[]): Float32Array {
  const C = p.shape.classes;
  const width = p.shape.dim === 0 ? C : p.shape.dim;
  const pooled = new Float32Array(width);
  const out = new Float32Array(C);
  const all = new Float32Array(features.length * C);
  features.forEach((f, k) => {
    forward(p, f, pooled, out);
    all.set(out, k * C);
  });
  return all;
}

export function cloneParams(p: Params): Params {
  return { shape: p.shape, table: p.table.slice(), w: p.w ? p.w.slice() : null, b: p.b.slice() };
}

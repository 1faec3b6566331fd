/**
 * Band-limited resampling by windowed-sinc interpolation (Kaiser window, beta 8, 8 zero crossings
 * each side). Downsampling first low-passes at 94% of the target Nyquist, so 44.1 or 48 kHz input
 * does not alias energy above 8 kHz back into the speech band that VAD and pitch analysis read.
 * The kernel is tabulated at 1/256 of an input sample and linearly interpolated, which keeps the
 * cost at one multiply-add per tap (about 50 taps per output sample for 48 kHz -> 16 kHz).
 */

const ZERO_CROSSINGS = 8;
const TABLE_STEPS = 256;
const KAISER_BETA = 8;

/** Modified Bessel function of the first kind, order 0 (series; converges fast for beta <= 10). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input.slice();
  const ratio = toRate / fromRate;
  // Cut-off in cycles per input sample.
  const fc = 0.5 * Math.min(1, ratio) * 0.94;
  const halfWidth = ZERO_CROSSINGS / (2 * fc);
  const tableLen = Math.ceil(halfWidth * TABLE_STEPS) + 2;
  const table = new Float32Array(tableLen);
  const i0beta = besselI0(KAISER_BETA);
  for (let k = 0; k < tableLen; k++) {
    const t = k / TABLE_STEPS;
    const r = t / halfWidth;
    if (r >= 1) break;
    const sinc = t === 0 ? 1 : Math.sin(2 * Math.PI * fc * t) / (2 * Math.PI * fc * t);
    table[k] = 2 * fc * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0beta);
  }
  const n = input.length;
  const outLen = Math.floor(n * ratio);
  const out = new Float32Array(outLen);
  const step = 1 / ratio;
  for (let j = 0; j < outLen; j++) {
    const t = j * step;
    const lo = Math.max(0, Math.ceil(t - halfWidth));
    const hi = Math.min(n - 1, Math.floor(t + halfWidth));
    let acc = 0;
    for (let i = lo; i <= hi; i++) {
      const pos = Math.abs(t - i) * TABLE_STEPS;
      const k = pos | 0;
      const frac = pos - k;
      const a = table[k]!;
      acc += input[i]! * (a + (table[k + 1]! - a) * frac);
    }
    out[j] = acc;
  }
  return out;
}

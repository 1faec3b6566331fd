/**
 * Prosodic analysis of mono audio, shared by the audio.prosody node and the vocal-arousal training
 * script (packages/models/training/vocal-arousal), so the model is trained on exactly the numbers
 * the node computes. Pure TS, no dependencies, deterministic.
 *
 * Frame level (10 ms hop):
 *  - F0 by YIN (de Cheveigne & Kawahara 2002) on the signal low-passed and decimated to ~8 kHz,
 *    search range 55-600 Hz, cumulative-mean-normalised difference threshold 0.15, parabolic
 *    refinement; a frame is voiced when its aperiodicity is below 0.35 and it is not a pause frame.
 *    A 5-frame median over each voiced run removes isolated octave jumps; runs under 30 ms are dropped.
 *  - Level: RMS over 25 ms in dBFS (0 dB = full-scale square wave).
 *  - Gain: every threshold is relative to the clip's own level (pauses, syllable nuclei) or
 *    scale-free (YIN, aperiodicity, cycle peaks), so multiplying the samples by a constant changes
 *    only loudnessMean and the loudness contour; the prosody test pins this from -24 to 0 dB.
 *  - Spectral balance on voiced frames (Hann, ~32 ms FFT).
 *  - Glottal cycles: waveform peaks tracked period by period through each voiced run.
 *
 * Summary features of a span (a VAD segment, a sliding window or the whole clip), named after the
 * eGeMAPS parameter set (Eyben et al., IEEE Trans. Affective Computing 2016) where they match:
 *  - f0Mean     F0semitoneFrom27.5Hz_sma3nz_amean: mean F0 of voiced frames, semitones above 27.5 Hz.
 *  - f0Stddev   standard deviation of the same, in semitones (eGeMAPS reports stddevNorm, a
 *               coefficient of variation; semitones are already relative, so we keep the plain spread).
 *  - f0Range    F0semitoneFrom27.5Hz_sma3nz_pctlrange0-2: 80th minus 20th percentile, semitones.
 *  - f0Slope    least-squares slope of the semitone contour over time, semitones per second:
 *               positive = rising (question, escalating caller), negative = falling. (eGeMAPS splits
 *               this into meanRisingSlope / meanFallingSlope; one signed trend is what a pipeline needs.)
 *  - f0MeanHz   the mean F0 in Hz, for display.
 *  - loudnessMean, loudnessStddev  level of non-pause frames in dBFS and its spread. eGeMAPS
 *               `loudness_sma3` is a perceptual (sone) measure; ours is plain level, so loudnessMean
 *               moves one for one with microphone gain: it is for display, never a model input.
 *  - loudnessMeanRelPeak  loudnessMean minus the span's speech peak level (95th percentile of the
 *               non-pause frame levels), in dB, <= 0: how far the average speech sits below its loud
 *               moments, a gain-independent dynamics measure (bursty, emphatic speech reads lower).
 *  - loudnessPeaksPerSec  eGeMAPS loudnessPeaksPerSec: syllable nuclei (below) per second of span.
 *  - speakingRate  syllable nuclei per second of phonation (non-pause) time, an articulation-rate
 *               estimate after De Jong & Wempe (2009): level peaks at least 2 dB above the dip before
 *               them, within 20 dB of the span's loud frames, voiced, at least 80 ms apart.
 *  - pauseRatio fraction of the span's frames that are pauses (level 30 dB below the clip's 95th
 *               percentile, or below -80 dBFS, i.e. digital silence).
 *  - voicedRatio fraction of the span's frames that are voiced.
 *  - jitterLocal  jitterLocal_sma3nz_amean: mean absolute difference of consecutive glottal periods
 *               over the mean period (a fraction; 0.01 = 1%).
 *  - shimmerLocalDb  shimmerLocaldB_sma3nz_amean: mean absolute dB difference of consecutive cycle
 *               peak amplitudes.
 *  - alphaRatio alphaRatioV_sma3nz_amean: energy 1-5 kHz over 50 Hz-1 kHz in dB, voiced frames.
 *               Tenser, louder voices (anger, joy) put relatively more energy up high.
 *  - hammarbergIndex  hammarbergIndexV_sma3nz_amean: strongest peak 0-2 kHz over strongest peak
 *               2-5 kHz in dB, voiced frames.
 * Features undefined for a span (no voiced frames, too few cycles) are null.
 */
import { decimate, fft, lowpassKernel, mean, percentile, slope, stddev } from "./dsp";

export const HOP_SEC = 0.01;
const LEVEL_WIN_SEC = 0.025;
const YIN_WIN_SEC = 0.025;
export const F0_MIN_HZ = 55;
export const F0_MAX_HZ = 600;
const YIN_THRESHOLD = 0.15;
const MAX_APERIODICITY = 0.35;
const PAUSE_BELOW_P95_DB = 30;
/**
 * Only digital silence and dither are pauses regardless of the clip's own level. This floor used to
 * be -55 dBFS, which turned the softer half of a quietly recorded clip into "pauses" and so changed
 * voicing, pitch, rate and voice-quality features with microphone gain. At -80 dBFS every pause
 * decision is relative (30 dB under the clip's loud frames) for any clip whose loud frames are above
 * -50 dBFS, i.e. far quieter than any usable recording.
 */
const ABSOLUTE_SILENCE_DB = -80;
const MIN_VOICED_RUN = 3;

/** Per-frame analysis of a whole clip; frame k is centred at k * hopSec. */
export interface FrameAnalysis {
  sampleRate: number;
  hopSec: number;
  frames: number;
  /** F0 in Hz, 0 when unvoiced. */
  f0Hz: Float32Array;
  /** Level in dBFS. */
  levelDb: Float32Array;
  /** Pause frames, relative to the whole clip's level distribution. */
  pause: Uint8Array;
  /** Spectral balance of voiced frames (NaN elsewhere). */
  alphaRatio: Float32Array;
  hammarberg: Float32Array;
  /** Glottal cycle peaks: time (s), amplitude, and the voiced run they belong to. */
  cycles: { time: Float64Array; amp: Float32Array; run: Int32Array };
}

export const semitonesFrom27_5 = (hz: number): number => 12 * Math.log2(hz / 27.5);

function levelContour(x: Float32Array, rate: number, frames: number): Float32Array {
  const hop = rate * HOP_SEC;
  const half = Math.round((rate * LEVEL_WIN_SEC) / 2);
  // Prefix sums of squares make each frame O(1).
  const cum = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) cum[i + 1] = cum[i]! + x[i]! * x[i]!;
  const out = new Float32Array(frames);
  for (let k = 0; k < frames; k++) {
    const c = Math.round(k * hop);
    const lo = Math.max(0, c - half);
    const hi = Math.min(x.length, c + half);
    const ms = hi > lo ? (cum[hi]! - cum[lo]!) / (hi - lo) : 0;
    // +3 dB: a full-scale sine (mean square 0.5) reads -3 dBFS, a full-scale square 0 dBFS.
    out[k] = 10 * Math.log10(ms + 1e-10);
  }
  return out;
}

/** YIN at one frame; returns [f0Hz, aperiodicity]. `d` and `cmnd` are scratch buffers. */
function yinFrame(y: Float32Array, start: number, win: number, minLag: number, maxLag: number, rate: number, d: Float64Array): [number, number] {
  d[0] = 0;
  for (let tau = 1; tau <= maxLag; tau++) {
    let s = 0;
    for (let j = 0; j < win; j++) {
      const diff = y[start + j]! - y[start + j + tau]!;
      s += diff * diff;
    }
    d[tau] = s;
  }
  // Cumulative mean normalisation, in place.
  let running = 0;
  for (let tau = 1; tau <= maxLag; tau++) {
    running += d[tau]!;
    d[tau] = running > 0 ? (d[tau]! * tau) / running : 1;
  }
  let best = -1;
  for (let tau = minLag; tau <= maxLag; tau++) {
    if (d[tau]! < YIN_THRESHOLD) {
      while (tau + 1 <= maxLag && d[tau + 1]! < d[tau]!) tau++;
      best = tau;
      break;
    }
  }
  if (best < 0) {
    best = minLag;
    for (let tau = minLag + 1; tau <= maxLag; tau++) if (d[tau]! < d[best]!) best = tau;
  }
  let refined = best;
  if (best > minLag && best < maxLag) {
    const a = d[best - 1]!;
    const b = d[best]!;
    const c = d[best + 1]!;
    const den = a - 2 * b + c;
    if (den > 0) refined = best + (0.5 * (a - c)) / den;
  }
  return [rate / refined, d[best]!];
}

function median5(values: number[]): number[] {
  return values.map((_, i) => {
    const w = values.slice(Math.max(0, i - 2), Math.min(values.length, i + 3)).sort((a, b) => a - b);
    return w[w.length >> 1]!;
  });
}

export function analyseFrames(samples: Float32Array, sampleRate: number): FrameAnalysis {
  const frames = Math.max(1, Math.floor(samples.length / (sampleRate * HOP_SEC)) + 1);
  const levelDb = levelContour(samples, sampleRate, frames);

  const p95 = percentile(levelDb, 95);
  const pauseBelow = Math.max(ABSOLUTE_SILENCE_DB, p95 - PAUSE_BELOW_P95_DB);
  const pause = new Uint8Array(frames);
  for (let k = 0; k < frames; k++) pause[k] = levelDb[k]! < pauseBelow ? 1 : 0;

  // Pitch on a ~8 kHz copy: a quarter of the work of 16 kHz for the same lag resolution after
  // parabolic refinement.
  const factor = Math.max(1, Math.floor(sampleRate / 8000));
  const yRate = sampleRate / factor;
  const y = decimate(samples, factor, lowpassKernel(0.45 / factor, 31));
  const win = Math.round(YIN_WIN_SEC * yRate);
  const minLag = Math.max(2, Math.floor(yRate / F0_MAX_HZ));
  const maxLag = Math.ceil(yRate / F0_MIN_HZ);
  const scratch = new Float64Array(maxLag + 2);
  const raw = new Float32Array(frames);
  for (let k = 0; k < frames; k++) {
    if (pause[k]) continue;
    const start = Math.round(k * HOP_SEC * yRate - win / 2);
    if (start < 0 || start + win + maxLag + 1 >= y.length) continue;
    const [f0, aperiodicity] = yinFrame(y, start, win, minLag, maxLag, yRate, scratch);
    if (aperiodicity < MAX_APERIODICITY && f0 >= F0_MIN_HZ && f0 <= F0_MAX_HZ) raw[k] = f0;
  }
  // Smooth each voiced run in the log domain and drop runs too short to be a syllable nucleus.
  const f0Hz = new Float32Array(frames);
  for (let k = 0; k < frames; ) {
    if (!raw[k]) {
      k++;
      continue;
    }
    let end = k;
    while (end < frames && raw[end]) end++;
    if (end - k >= MIN_VOICED_RUN) {
      const logs = median5(Array.from(raw.subarray(k, end), (f) => Math.log(f)));
      logs.forEach((l, i) => (f0Hz[k + i] = Math.exp(l)));
    }
    k = end;
  }

  const { alphaRatio, hammarberg } = spectralBalance(samples, sampleRate, f0Hz);
  const cycles = glottalCycles(samples, sampleRate, f0Hz);
  return { sampleRate, hopSec: HOP_SEC, frames, f0Hz, levelDb, pause, alphaRatio, hammarberg, cycles };
}

function spectralBalance(x: Float32Array, rate: number, f0Hz: Float32Array): { alphaRatio: Float32Array; hammarberg: Float32Array } {
  const frames = f0Hz.length;
  const alphaRatio = new Float32Array(frames).fill(NaN);
  const hammarberg = new Float32Array(frames).fill(NaN);
  let n = 1;
  while (n < rate * 0.032) n <<= 1;
  const hann = new Float64Array(n);
  for (let i = 0; i < n; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const bin = (hz: number) => Math.min(n / 2, Math.round((hz * n) / rate));
  const [b50, b1k, b2k, b5k] = [bin(50), bin(1000), bin(2000), bin(5000)];
  for (let k = 0; k < frames; k++) {
    if (!f0Hz[k]) continue;
    const start = Math.round(k * HOP_SEC * rate - n / 2);
    if (start < 0 || start + n > x.length) continue;
    for (let i = 0; i < n; i++) {
      re[i] = x[start + i]! * hann[i]!;
      im[i] = 0;
    }
    fft(re, im);
    let low = 0;
    let high = 0;
    let peakLow = 0;
    let peakHigh = 0;
    for (let b = 1; b <= b5k; b++) {
      const p = re[b]! * re[b]! + im[b]! * im[b]!;
      if (b >= b50 && b < b1k) low += p;
      else if (b >= b1k) high += p;
      if (b < b2k) peakLow = Math.max(peakLow, p);
      else peakHigh = Math.max(peakHigh, p);
    }
    alphaRatio[k] = 10 * Math.log10((high + 1e-12) / (low + 1e-12));
    hammarberg[k] = 10 * Math.log10((peakLow + 1e-12) / (peakHigh + 1e-12));
  }
  return { alphaRatio, hammarberg };
}

/**
 * Tracks one waveform peak per glottal cycle through each voiced run: the next peak is searched
 * 0.8-1.2 local periods after the previous one. Peak times are refined parabolically.
 */
function glottalCycles(x: Float32Array, rate: number, f0Hz: Float32Array): FrameAnalysis["cycles"] {
  const time: number[] = [];
  const amp: number[] = [];
  const runIds: number[] = [];
  const hop = rate * HOP_SEC;
  let run = 0;
  for (let k = 0; k < f0Hz.length; ) {
    if (!f0Hz[k]) {
      k++;
      continue;
    }
    let end = k;
    while (end < f0Hz.length && f0Hz[end]) end++;
    run++;
    const runEnd = Math.min(x.length - 2, Math.round((end - 0.5) * hop));
    let pos = Math.max(1, Math.round((k - 0.5) * hop));
    const periodAt = (p: number) => rate / f0Hz[Math.min(end - 1, Math.max(k, Math.round(p / hop)))]!;
    // First peak: the maximum over one period.
    let best = pos;
    for (let i = pos; i < Math.min(runEnd, pos + periodAt(pos)); i++) if (x[i]! > x[best]!) best = i;
    pos = best;
    while (pos < runEnd) {
      const a = x[pos - 1]!;
      const b = x[pos]!;
      const c = x[pos + 1]!;
      const den = a - 2 * b + c;
      const offset = den < 0 ? (0.5 * (a - c)) / den : 0;
      if (b > 0) {
        time.push((pos + offset) / rate);
        amp.push(b - 0.25 * (a - c) * offset);
        runIds.push(run);
      }
      const period = periodAt(pos);
      const lo = Math.round(pos + 0.8 * period);
      const hi = Math.min(runEnd, Math.round(pos + 1.2 * period));
      if (lo >= hi) break;
      best = lo;
      for (let i = lo + 1; i <= hi; i++) if (x[i]! > x[best]!) best = i;
      pos = best;
    }
    k = end;
  }
  return { time: Float64Array.from(time), amp: Float32Array.from(amp), run: Int32Array.from(runIds) };
}

/** Summary features of one span; see the module comment for each field. */
export interface ProsodyFeatures {
  start: number;
  end: number;
  voicedRatio: number;
  pauseRatio: number;
  f0MeanHz: number | null;
  f0Mean: number | null;
  f0Stddev: number | null;
  f0Range: number | null;
  f0Slope: number | null;
  loudnessMean: number | null;
  loudnessStddev: number | null;
  loudnessMeanRelPeak: number | null;
  loudnessPeaksPerSec: number;
  speakingRate: number | null;
  jitterLocal: number | null;
  shimmerLocalDb: number | null;
  alphaRatio: number | null;
  hammarbergIndex: number | null;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function syllableNuclei(level: Float32Array, voiced: (k: number) => boolean, floorDb: number): number {
  let count = 0;
  let lastPeak = -Infinity;
  let dip = Infinity;
  for (let k = 1; k < level.length - 1; k++) {
    const v = level[k]!;
    dip = Math.min(dip, v);
    if (v >= level[k - 1]! && v > level[k + 1]! && v >= floorDb && v - dip >= 2 && k - lastPeak >= 8) {
      const nearVoiced = voiced(k) || voiced(k - 1) || voiced(k + 1) || voiced(k - 2) || voiced(k + 2);
      if (nearVoiced) {
        count++;
        lastPeak = k;
        dip = v;
      }
    }
  }
  return count;
}

/** Features over [start, end) seconds of an analysed clip. */
export function summarize(a: FrameAnalysis, start: number, end: number): ProsodyFeatures {
  const k0 = Math.max(0, Math.round(start / a.hopSec));
  const k1 = Math.min(a.frames, Math.max(k0 + 1, Math.round(end / a.hopSec)));
  const n = k1 - k0;
  const semis: number[] = [];
  const times: number[] = [];
  const hz: number[] = [];
  const speechLevels: number[] = [];
  const alpha: number[] = [];
  const hamm: number[] = [];
  let pauses = 0;
  for (let k = k0; k < k1; k++) {
    const f = a.f0Hz[k]!;
    if (f > 0) {
      hz.push(f);
      semis.push(semitonesFrom27_5(f));
      times.push(k * a.hopSec);
      if (Number.isFinite(a.alphaRatio[k]!)) alpha.push(a.alphaRatio[k]!);
      if (Number.isFinite(a.hammarberg[k]!)) hamm.push(a.hammarberg[k]!);
    }
    if (a.pause[k]) pauses++;
    else speechLevels.push(a.levelDb[k]!);
  }
  const level = a.levelDb.subarray(k0, k1);
  // The span's speech peak level: every level threshold and relative level below hangs off it, so
  // none of them moves with microphone gain.
  const speechPeakDb = speechLevels.length ? percentile(speechLevels, 95) : NaN;
  const floorDb = speechLevels.length ? speechPeakDb - 20 : Infinity;
  const nuclei = syllableNuclei(level, (k) => (a.f0Hz[k0 + k] ?? 0) > 0, floorDb);
  const phonationSec = (n - pauses) * a.hopSec;
  const spanSec = n * a.hopSec;

  // Cycle-to-cycle perturbation over consecutive cycles of the same voiced run.
  const periodDiffs: number[] = [];
  const periods: number[] = [];
  const ampDiffs: number[] = [];
  const { time, amp, run } = a.cycles;
  for (let i = 2; i < time.length; i++) {
    if (time[i - 2]! < start || time[i]! >= end || run[i] !== run[i - 2]) continue;
    const p1 = time[i - 1]! - time[i - 2]!;
    const p2 = time[i]! - time[i - 1]!;
    // Praat's defaults: periods within the pitch range and not differing by more than 30%.
    if (p1 < 1 / F0_MAX_HZ || p2 < 1 / F0_MAX_HZ || p1 > 1 / F0_MIN_HZ || p2 > 1 / F0_MIN_HZ) continue;
    if (Math.max(p1, p2) / Math.min(p1, p2) > 1.3) continue;
    periodDiffs.push(Math.abs(p2 - p1));
    periods.push(p2);
    if (amp[i]! > 0 && amp[i - 1]! > 0) ampDiffs.push(Math.abs(20 * Math.log10(amp[i]! / amp[i - 1]!)));
  }
  const enoughPitch = semis.length >= 5;
  return {
    start: k0 * a.hopSec,
    end: k1 * a.hopSec,
    voicedRatio: hz.length / n,
    pauseRatio: pauses / n,
    f0MeanHz: enoughPitch ? finiteOrNull(mean(hz)) : null,
    f0Mean: enoughPitch ? finiteOrNull(mean(semis)) : null,
    f0Stddev: enoughPitch ? finiteOrNull(stddev(semis)) : null,
    f0Range: enoughPitch ? finiteOrNull(percentile(semis, 80) - percentile(semis, 20)) : null,
    f0Slope: enoughPitch ? finiteOrNull(slope(times, semis)) : null,
    loudnessMean: speechLevels.length ? finiteOrNull(mean(speechLevels)) : null,
    loudnessStddev: speechLevels.length ? finiteOrNull(stddev(speechLevels)) : null,
    loudnessMeanRelPeak: speechLevels.length ? finiteOrNull(mean(speechLevels) - speechPeakDb) : null,
    loudnessPeaksPerSec: spanSec > 0 ? nuclei / spanSec : 0,
    speakingRate: phonationSec >= 0.1 ? nuclei / phonationSec : null,
    jitterLocal: periods.length >= 3 ? finiteOrNull(mean(periodDiffs) / mean(periods)) : null,
    shimmerLocalDb: ampDiffs.length >= 3 ? finiteOrNull(mean(ampDiffs)) : null,
    alphaRatio: alpha.length ? finiteOrNull(mean(alpha)) : null,
    hammarbergIndex: hamm.length ? finiteOrNull(mean(hamm)) : null,
  };
}

/** The `prosody` port value: whole-clip features, per VAD segment, per sliding window, contours. */
export interface ProsodyValue {
  durationSec: number;
  /** Over the speech segments when given (frames outside them excluded), else the whole clip. */
  overall: ProsodyFeatures;
  perSegment: ProsodyFeatures[];
  windows: ProsodyFeatures[];
  /** Contours averaged into at most `maxPoints` steps of `stepSec`; f0 in semitones, null = unvoiced. */
  contour: { stepSec: number; f0Semitones: (number | null)[]; loudnessDb: number[] };
}

export interface ProsodyOptions {
  segments?: readonly { start: number; end: number }[];
  windowSec: number;
  windowHopSec: number;
  maxContourPoints: number;
}

/** Whole-clip features restricted to frames inside segments, by masking the others out. */
function overallOver(a: FrameAnalysis, segments: readonly { start: number; end: number }[] | undefined, duration: number): ProsodyFeatures {
  if (!segments || segments.length === 0) return summarize(a, 0, duration);
  const inside = new Uint8Array(a.frames);
  for (const s of segments) {
    for (let k = Math.max(0, Math.round(s.start / a.hopSec)); k < Math.min(a.frames, Math.round(s.end / a.hopSec)); k++) inside[k] = 1;
  }
  const keep = Array.from({ length: a.frames }, (_, k) => k).filter((k) => inside[k]);
  if (keep.length === 0) return summarize(a, 0, duration);
  // Concatenate the kept frames (and their cycles) into a new analysis; spans then read it whole.
  const pick = <T extends Float32Array | Uint8Array>(arr: T): T => {
    const out = new (arr.constructor as new (n: number) => T)(keep.length);
    keep.forEach((k, i) => (out[i] = arr[k]!));
    return out;
  };
  const time: number[] = [];
  const amp: number[] = [];
  const run: number[] = [];
  let offset = 0;
  let segIndex = 0;
  for (const s of segments) {
    segIndex++;
    for (let i = 0; i < a.cycles.time.length; i++) {
      const t = a.cycles.time[i]!;
      if (t >= s.start && t < s.end) {
        time.push(t - s.start + offset);
        amp.push(a.cycles.amp[i]!);
        run.push(a.cycles.run[i]! * 10_000 + segIndex);
      }
    }
    offset += Math.max(0, s.end - s.start);
  }
  const masked: FrameAnalysis = {
    ...a,
    frames: keep.length,
    f0Hz: pick(a.f0Hz),
    levelDb: pick(a.levelDb),
    pause: pick(a.pause),
    alphaRatio: pick(a.alphaRatio),
    hammarberg: pick(a.hammarberg),
    cycles: { time: Float64Array.from(time), amp: Float32Array.from(amp), run: Int32Array.from(run) },
  };
  return summarize(masked, 0, keep.length * a.hopSec);
}

export function computeProsody(samples: Float32Array, sampleRate: number, options: ProsodyOptions): ProsodyValue {
  const a = analyseFrames(samples, sampleRate);
  const durationSec = samples.length / sampleRate;
  const perSegment = (options.segments ?? []).map((s) => summarize(a, s.start, s.end));
  const windows: ProsodyFeatures[] = [];
  if (durationSec <= options.windowSec) windows.push(summarize(a, 0, durationSec));
  else for (let t = 0; t + options.windowSec <= durationSec + 1e-9; t += options.windowHopSec) windows.push(summarize(a, t, t + options.windowSec));

  const steps = Math.min(options.maxContourPoints, a.frames);
  const per = a.frames / steps;
  const f0Semitones: (number | null)[] = [];
  const loudnessDb: number[] = [];
  for (let s = 0; s < steps; s++) {
    const lo = Math.floor(s * per);
    const hi = Math.max(lo + 1, Math.floor((s + 1) * per));
    let fs = 0;
    let fn = 0;
    let ls = 0;
    for (let k = lo; k < hi; k++) {
      if (a.f0Hz[k]! > 0) {
        fs += semitonesFrom27_5(a.f0Hz[k]!);
        fn++;
      }
      ls += a.levelDb[k]!;
    }
    f0Semitones.push(fn ? Math.round((fs / fn) * 100) / 100 : null);
    loudnessDb.push(Math.round((ls / (hi - lo)) * 10) / 10);
  }
  return {
    durationSec,
    overall: overallOver(a, options.segments, durationSec),
    perSegment,
    windows,
    contour: { stepSec: per * a.hopSec, f0Semitones, loudnessDb },
  };
}

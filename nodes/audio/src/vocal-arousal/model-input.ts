/**
 * Prosody -> the vocal-arousal model's input vector, and per-speaker normalisation. Shared by the
 * node and the training script (packages/models/training/vocal-arousal), so they cannot drift.
 *
 * Only span-independent features are used: whether a span was cut by VAD or is a padded 2 s clip
 * changes pause ratio and peaks per second, but not pitch level, spread, loudness of speech frames,
 * articulation rate, voice quality or spectral balance.
 *
 * Only gain-independent features are used: absolute level (loudnessMean, dBFS) is left out because
 * it says more about the microphone than the voice. EmoDB, the training data, is peak-normalised to
 * 0 dBFS, so a model given dBFS learned "mean level far below 0 dBFS = agitated" (a crest measure in
 * disguise) and read a calm voice recorded 16 dB quieter as aroused. loudnessMeanRelPeak keeps that
 * crest cue but measures it against the clip's own speech peak, so it holds at any recording level.
 */
import type { ProsodyFeatures } from "../prosody/features";

export const AROUSAL_FEATURES = [
  "f0Mean",
  "f0Stddev",
  "f0Range",
  "f0Slope",
  "loudnessMeanRelPeak",
  "loudnessStddev",
  "speakingRate",
  "jitterLocal",
  "shimmerLocalDb",
  "alphaRatio",
  "hammarbergIndex",
] as const satisfies readonly (keyof ProsodyFeatures)[];

export type ArousalFeature = (typeof AROUSAL_FEATURES)[number];

/** Population statistics of the training data, written by training beside the model. */
export interface FeatureStats {
  version: 1;
  names: readonly string[];
  mean: readonly number[];
  std: readonly number[];
}

export function parseFeatureStats(value: unknown): FeatureStats {
  const v = value as Partial<FeatureStats> | null;
  const ok =
    v !== null &&
    typeof v === "object" &&
    v.version === 1 &&
    Array.isArray(v.names) &&
    v.names.join() === AROUSAL_FEATURES.join() &&
    Array.isArray(v.mean) &&
    Array.isArray(v.std) &&
    v.mean.length === AROUSAL_FEATURES.length &&
    v.std.length === AROUSAL_FEATURES.length;
  if (!ok) throw new Error(`vocal-arousal features.json does not match this code's features (${AROUSAL_FEATURES.join(", ")})`);
  return v as FeatureStats;
}

/** The raw feature vector; a feature the span could not define (null) takes the population mean. */
export function featureVector(f: ProsodyFeatures, stats: Pick<FeatureStats, "mean">): Float32Array {
  return Float32Array.from(AROUSAL_FEATURES, (name, i) => {
    const v = f[name];
    return v === null || !Number.isFinite(v) ? stats.mean[i]! : v;
  });
}

/** Running per-speaker moments (Welford), small enough to keep in session state as JSON. */
export interface SpeakerStats {
  n: number;
  mean: number[];
  m2: number[];
}

export function updateSpeakerStats(prev: SpeakerStats | undefined, x: Float32Array): SpeakerStats {
  const s = prev ? { n: prev.n, mean: [...prev.mean], m2: [...prev.m2] } : { n: 0, mean: new Array<number>(x.length).fill(0), m2: new Array<number>(x.length).fill(0) };
  s.n += 1;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - s.mean[i]!;
    s.mean[i]! += d / s.n;
    s.m2[i]! += d * (x[i]! - s.mean[i]!);
  }
  return s;
}

/**
 * Maps a speaker's features onto the population's scale: z-score within the speaker, then back
 * through the population mean and spread, so the same model reads both raw and normalised input.
 * With few utterances the speaker's mean and spread are unreliable, so both are shrunk toward the
 * population's as if `priorWeight` population-typical utterances had been heard: the first utterance
 * of a new speaker is then judged mostly on the population scale instead of reading as exactly average.
 */
export function normaliseForSpeaker(x: Float32Array, speaker: SpeakerStats, pop: Pick<FeatureStats, "mean" | "std">, priorWeight = 3): Float32Array {
  return x.map((v, i) => {
    const popStd = pop.std[i]!;
    const speakerVar = speaker.n > 1 ? speaker.m2[i]! / (speaker.n - 1) : popStd * popStd;
    const shrunkVar = ((speaker.n - 1) * speakerVar + priorWeight * popStd * popStd) / (speaker.n - 1 + priorWeight);
    const shrunkMean = (speaker.n * speaker.mean[i]! + priorWeight * pop.mean[i]!) / (speaker.n + priorWeight);
    const z = (v - shrunkMean) / Math.sqrt(Math.max(shrunkVar, 1e-12));
    return pop.mean[i]! + z * popStd;
  });
}

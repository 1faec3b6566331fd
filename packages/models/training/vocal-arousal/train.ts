/**
 * Trains the vocal-arousal model on EmoDB with leave-one-speaker-out evaluation and exports it.
 *
 *   node --import tsx packages/models/training/vocal-arousal/train.ts --data ../shared/data/emodb-train --seed 1
 *
 * Features: nodes/audio's prosody analysis over the whole clip (computeProsody(...).overall), mapped
 * to the model input by nodes/audio's model-input.ts: the node runs the very same code.
 * Labels come from the file names only (`SSaTTEv.wav`, E = emotion):
 *   high arousal = W anger, F happiness, A fear, E disgust; low = L boredom, T sadness, N neutral.
 *   Second output, "negative given high arousal": W, A, E = 1 vs F = 0, trained on high clips only.
 * Gain check: users record at any microphone gain, and EmoDB is peak-normalised to 0 dBFS, so the
 * final model also scores every clip again at -6, -12, -18 and -24 dB and the run fails if any clip's
 * arousal moves by more than MAX_GAIN_SPREAD (the features are built to be gain-independent; this
 * catches a level feature or absolute threshold creeping back in). Nothing is augmented: augmenting
 * gain-independent features would only duplicate rows.
 * Writes to packages/models/assets/vocal-arousal: model.onnx, features.json, metrics.json, MODEL_CARD.md.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { computeProsody } from "@attune/nodes-audio/prosody/features";
import { AROUSAL_FEATURES, featureVector, normaliseForSpeaker, updateSpeakerStats, type FeatureStats, type SpeakerStats } from "@attune/nodes-audio/vocal-arousal/model-input";
import { decodeAudio, resample } from "@attune/nodes-core/audio-input";
import * as ort from "onnxruntime-node";
import { GraphBuilder } from "../../src/onnx/builder";
import { fitLogistic, predict, type Logistic } from "./logistic";
import { writeModelCard } from "./card";

const OUT = fileURLToPath(new URL("../../assets/vocal-arousal/", import.meta.url));
const HIGH = new Set(["W", "F", "A", "E"]);
const LOW = new Set(["L", "T", "N"]);
const NEGATIVE = new Set(["W", "A", "E"]);
const LAMBDA = 1;
const GAINS_DB = [-6, -12, -18, -24];
const MAX_GAIN_SPREAD = 0.1;
const PROSODY_OPTIONS = { windowSec: 2, windowHopSec: 1, maxContourPoints: 10 };

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

export interface Clip {
  file: string;
  speaker: string;
  emotion: string;
  high: number;
  raw: Float32Array;
  /** 16 kHz samples, kept for the gain check. */
  samples: Float32Array;
}

/** The model's raw input for a clip: whole-clip prosody; NaN marks "undefined", imputed per fold. */
function rawFeatures(samples: Float32Array): Float32Array {
  const overall = computeProsody(samples, 16_000, PROSODY_OPTIONS).overall;
  return Float32Array.from(AROUSAL_FEATURES, (n) => overall[n] ?? NaN);
}

async function loadClips(dir: string): Promise<Clip[]> {
  const files = readdirSync(dir).filter((f) => /^\d\d[a-z]\d\d[A-Z][a-z]\.wav$/.test(f)).sort();
  const clips: Clip[] = [];
  for (const file of files) {
    const emotion = file[5]!;
    if (!HIGH.has(emotion) && !LOW.has(emotion)) throw new Error(`${file}: unknown emotion code ${emotion}`);
    // Exactly what core.audio-input does to an upload: decode, downmix, resample to 16 kHz.
    const decoded = await decodeAudio(new Uint8Array(readFileSync(join(dir, file))), { maxSeconds: 60 });
    const samples = resample(decoded.mono, decoded.sampleRate, 16_000);
    clips.push({ file, speaker: file.slice(0, 2), emotion, high: HIGH.has(emotion) ? 1 : 0, raw: rawFeatures(samples), samples });
  }
  return clips;
}

/** Population mean and std over rows, ignoring NaN. */
function populationStats(rows: Float32Array[]): FeatureStats {
  const d = AROUSAL_FEATURES.length;
  const mean: number[] = [];
  const std: number[] = [];
  for (let i = 0; i < d; i++) {
    const vals = rows.map((r) => r[i]!).filter(Number.isFinite);
    const m = vals.reduce((s, v) => s + v, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((s, v) => s + (v - m) ** 2, 0) / vals.length);
    mean.push(m);
    std.push(sd > 1e-9 ? sd : 1);
  }
  return { version: 1, names: [...AROUSAL_FEATURES], mean, std };
}

const impute = (raw: Float32Array, stats: FeatureStats) => raw.map((v, i) => (Number.isFinite(v) ? v : stats.mean[i]!));
const standardise = (x: Float32Array, stats: FeatureStats) => Array.from(x, (v, i) => (v - stats.mean[i]!) / stats.std[i]!);

/** Speaker-normalised copies of a speaker's clips, using all of that speaker's clips (as the node does after many turns). */
function speakerNormalised(clips: Clip[], stats: FeatureStats): Map<Clip, Float32Array> {
  const out = new Map<Clip, Float32Array>();
  const bySpeaker = new Map<string, Clip[]>();
  for (const c of clips) bySpeaker.set(c.speaker, [...(bySpeaker.get(c.speaker) ?? []), c]);
  for (const group of bySpeaker.values()) {
    let s: SpeakerStats | undefined;
    for (const c of group) s = updateSpeakerStats(s, impute(c.raw, stats));
    for (const c of group) out.set(c, normaliseForSpeaker(impute(c.raw, stats), s!, stats));
  }
  return out;
}

interface Heads {
  stats: FeatureStats;
  arousal: Logistic;
  negative: Logistic;
}

function train(clips: Clip[]): Heads {
  const stats = populationStats(clips.map((c) => c.raw));
  const norm = speakerNormalised(clips, stats);
  // Each clip twice: as heard (no speaker id) and speaker-normalised, so one model serves both modes.
  const rows = clips.flatMap((c) => [standardise(impute(c.raw, stats), stats), standardise(norm.get(c)!, stats)]);
  const ys = clips.flatMap((c) => [c.high, c.high]);
  const arousal = fitLogistic(rows, ys, LAMBDA);
  const highRows = clips.flatMap((c, i) => (c.high ? [rows[2 * i]!, rows[2 * i + 1]!] : []));
  const highYs = clips.flatMap((c) => (c.high ? [NEGATIVE.has(c.emotion) ? 1 : 0, NEGATIVE.has(c.emotion) ? 1 : 0] : []));
  const negative = fitLogistic(highRows, highYs, LAMBDA);
  return { stats, arousal, negative };
}

export interface FoldResult {
  speaker: string;
  clips: number;
  accuracy: number;
  accuracySpeakerNormalised: number;
  negativeBalancedAccuracy: number;
}

function balancedAccuracy(pairs: { y: number; p: number }[]): number {
  const recall = (cls: number) => {
    const of = pairs.filter((q) => q.y === cls);
    return of.length ? of.filter((q) => (q.p >= 0.5 ? 1 : 0) === cls).length / of.length : NaN;
  };
  return (recall(0) + recall(1)) / 2;
}

function evaluate(clips: Clip[]): FoldResult[] {
  const speakers = [...new Set(clips.map((c) => c.speaker))].sort();
  return speakers.map((speaker) => {
    const test = clips.filter((c) => c.speaker === speaker);
    const heads = train(clips.filter((c) => c.speaker !== speaker));
    const norm = speakerNormalised(test, heads.stats);
    const acc = (xs: (c: Clip) => Float32Array) =>
      test.filter((c) => (predict(heads.arousal, standardise(xs(c), heads.stats)) >= 0.5 ? 1 : 0) === c.high).length / test.length;
    const negPairs = test.filter((c) => c.high).map((c) => ({ y: NEGATIVE.has(c.emotion) ? 1 : 0, p: predict(heads.negative, standardise(norm.get(c)!, heads.stats)) }));
    return {
      speaker,
      clips: test.length,
      accuracy: acc((c) => impute(c.raw, heads.stats)),
      accuracySpeakerNormalised: acc((c) => norm.get(c)!),
      negativeBalancedAccuracy: balancedAccuracy(negPairs),
    };
  });
}

export interface GainCheck {
  gainsDb: number[];
  /** Over clips: max - min of the arousal score across 0 dB and every gain. */
  maxSpread: number;
  meanSpread: number;
  worstClip: string;
}

/** Scores every clip as recorded and attenuated by each of GAINS_DB with the final model. */
function gainCheck(clips: Clip[], h: Heads): GainCheck {
  let maxSpread = 0;
  let sum = 0;
  let worstClip = clips[0]!.file;
  for (const c of clips) {
    const scores = [c.raw, ...GAINS_DB.map((db) => rawFeatures(c.samples.map((v) => v * 10 ** (db / 20))))].map((raw) =>
      predict(h.arousal, standardise(impute(raw, h.stats), h.stats)),
    );
    const spread = Math.max(...scores) - Math.min(...scores);
    sum += spread;
    if (spread > maxSpread) [maxSpread, worstClip] = [spread, c.file];
  }
  return { gainsDb: [0, ...GAINS_DB], maxSpread, meanSpread: sum / clips.length, worstClip };
}

/** features float32 [batch, F] (raw prosody) -> standardise -> two logistic heads -> scores [batch, 2]. */
function exportOnnx(h: Heads, metadata: Record<string, string>): Uint8Array {
  const d = AROUSAL_FEATURES.length;
  const g = new GraphBuilder({ opset: 17, producerName: "attune-train/vocal-arousal", graphName: "vocal_arousal", metadata });
  const x = g.input("features", "float32", ["batch", d]);
  const mean = g.initializer("mean", Float32Array.from(h.stats.mean), [d]);
  const std = g.initializer("std", Float32Array.from(h.stats.std), [d]);
  const w = new Float32Array(d * 2);
  for (let i = 0; i < d; i++) {
    w[i * 2] = h.arousal.w[i]!;
    w[i * 2 + 1] = h.negative.w[i]!;
  }
  const weights = g.initializer("weights", w, [d, 2]);
  const bias = g.initializer("bias", Float32Array.from([h.arousal.b, h.negative.b]), [2]);
  const z = g.node("Div", [g.node("Sub", [x, mean]), std]);
  const logits = g.node("Add", [g.node("MatMul", [z, weights]), bias], {}, { outputs: ["logits"] });
  g.node("Sigmoid", [logits], {}, { outputs: ["scores"] });
  g.output("scores", "float32", ["batch", 2]);
  return g.toBytes();
}

async function main(): Promise<void> {
  const dataDir = resolve(arg("data"));
  const seed = Number(arg("seed", "1"));
  const started = Date.now();
  const clips = await loadClips(dataDir);
  console.log(`${clips.length} clips, ${clips.filter((c) => c.high).length} high arousal, features in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const folds = evaluate(clips);
  const avg = (k: keyof FoldResult) => folds.reduce((s, f) => s + (f[k] as number), 0) / folds.length;
  for (const f of folds) console.log(`speaker ${f.speaker}: acc ${f.accuracy.toFixed(3)}  spk-norm ${f.accuracySpeakerNormalised.toFixed(3)}  neg|high bal.acc ${f.negativeBalancedAccuracy.toFixed(3)}`);
  const summary = { accuracy: avg("accuracy"), accuracySpeakerNormalised: avg("accuracySpeakerNormalised"), negativeBalancedAccuracy: avg("negativeBalancedAccuracy") };
  console.log("mean", summary);

  const heads = train(clips);
  const gain = gainCheck(clips, heads);
  console.log(`gain check ${gain.gainsDb.join(", ")} dB: arousal spread max ${gain.maxSpread.toExponential(2)} (${gain.worstClip}), mean ${gain.meanSpread.toExponential(2)}`);
  if (gain.maxSpread > MAX_GAIN_SPREAD) throw new Error(`the model depends on recording level: ${gain.worstClip} moves by ${gain.maxSpread.toFixed(3)} across ${gain.gainsDb.join(", ")} dB`);
  const onnx = exportOnnx(heads, { features: AROUSAL_FEATURES.join(","), data: "EmoDB (Burkhardt et al. 2005), 8 speakers" });
  // The exported graph must reproduce the TS model exactly (up to float32).
  const session = await ort.InferenceSession.create(onnx);
  const check = clips.slice(0, 20);
  const feeds = new Float32Array(check.length * AROUSAL_FEATURES.length);
  check.forEach((c, r) => feeds.set(featureVector({ ...Object.fromEntries(AROUSAL_FEATURES.map((n, i) => [n, Number.isFinite(c.raw[i]!) ? c.raw[i]! : null])) } as never, heads.stats), r * AROUSAL_FEATURES.length));
  const out = (await session.run({ features: new ort.Tensor("float32", feeds, [check.length, AROUSAL_FEATURES.length]) })).scores!.data as Float32Array;
  check.forEach((c, r) => {
    const ts = predict(heads.arousal, standardise(impute(c.raw, heads.stats), heads.stats));
    if (Math.abs(ts - out[r * 2]!) > 1e-4) throw new Error(`ONNX drift on ${c.file}: ${ts} vs ${out[r * 2]}`);
  });
  await session.release();

  const sha = createHash("sha256").update(onnx).digest("hex");
  writeFileSync(join(OUT, "model.onnx"), onnx);
  writeFileSync(join(OUT, "features.json"), `${JSON.stringify(heads.stats, null, 2)}\n`);
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  // A bound, so never rounded down to a reassuring 0.
  const roundUp = (v: number) => Math.ceil(v * 10_000) / 10_000;
  const metrics = {
    model: { file: "model.onnx", sha256: sha, bytes: onnx.length, outputs: ["highArousal", "negativeGivenHigh"] },
    data: { clips: clips.length, high: clips.filter((c) => c.high).length, low: clips.filter((c) => !c.high).length, speakers: folds.map((f) => f.speaker) },
    labels: { high: [...HIGH], low: [...LOW], negativeGivenHigh: [...NEGATIVE] },
    features: [...AROUSAL_FEATURES],
    lambda: LAMBDA,
    seed,
    command: `node --import tsx packages/models/training/vocal-arousal/train.ts --data ../shared/data/emodb-train --seed ${seed}`,
    leaveOneSpeakerOut: {
      folds: folds.map((f) => ({ ...f, accuracy: round(f.accuracy), accuracySpeakerNormalised: round(f.accuracySpeakerNormalised), negativeBalancedAccuracy: round(f.negativeBalancedAccuracy) })),
      mean: { accuracy: round(summary.accuracy), accuracySpeakerNormalised: round(summary.accuracySpeakerNormalised), negativeBalancedAccuracy: round(summary.negativeBalancedAccuracy) },
    },
    gainCheck: { gainsDb: gain.gainsDb, maxSpread: roundUp(gain.maxSpread), meanSpread: roundUp(gain.meanSpread), worstClip: gain.worstClip, limit: MAX_GAIN_SPREAD },
    weights: {
      arousal: Object.fromEntries(AROUSAL_FEATURES.map((n, i) => [n, round(heads.arousal.w[i]!)])),
      negativeGivenHigh: Object.fromEntries(AROUSAL_FEATURES.map((n, i) => [n, round(heads.negative.w[i]!)])),
    },
  };
  writeFileSync(join(OUT, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  writeModelCard(join(OUT, "MODEL_CARD.md"), metrics);
  console.log(`wrote ${OUT} (model ${onnx.length} bytes, sha256 ${sha})`);
}

await main();

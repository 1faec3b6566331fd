/**
 * Trains Attune's built-in text-emotion model (ekman7) on GoEmotions and writes its assets.
 *
 *   node --import tsx packages/models/training/text-emotion/train.ts --data ../shared/data/goemotions/ekman --seed 42
 *
 * train.tsv trains; dev.tsv selects the epoch, tunes per-class offsets and the temperature, and
 * provides every reported number (the test split is deliberately not available). `--dry` trains and
 * reports without writing anything, for trying settings.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { TAXONOMY_LABELS } from "@attune/graph";
import { DEFAULT_FEATURIZER_CONFIG, featurize, type FeaturizerConfig } from "@attune/nodes-nlp/text-emotion/featurize";
import { writeModelCard } from "./card";
import { readLabels, readSplit, rng, shuffle, type Row } from "./data";
import { exportOnnx } from "./export-onnx";
import {
  argmaxRows,
  evaluate,
  expectedCalibrationError,
  fitTemperature,
  nll,
  tuneOffsets,
  type Evaluation,
} from "./metrics";
import { cloneParams, initParams, predictLogits, Trainer, type Params } from "./model";
import { SEED_LEXICON } from "./seed-lexicon";

const here = dirname(fileURLToPath(import.meta.url));
const defaultOut = resolve(here, "../../assets/text-emotion");

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    seed: { type: "string", default: "42" },
    out: { type: "string", default: defaultOut },
    buckets: { type: "string", default: String(DEFAULT_FEATURIZER_CONFIG.buckets) },
    dim: { type: "string", default: "0" },
    epochs: { type: "string", default: "12" },
    patience: { type: "string", default: "3" },
    lr: { type: "string", default: "0.003" },
    batch: { type: "string", default: "32" },
    "weight-decay": { type: "string", default: "0" },
    /** Class weight = (N / (C * n_c)) ^ alpha; 0 = unweighted, 1 = fully balanced. */
    alpha: { type: "string", default: "0.5" },
    "no-chars": { type: "boolean", default: false },
    "char-weight": { type: "string" },
    "bigram-weight": { type: "string" },
    /** How many times each seed-lexicon word is added as a training row; 0 = data only. */
    "lexicon-repeat": { type: "string", default: "2" },
    dry: { type: "boolean", default: false },
  },
});
if (!args.data) {
  console.error("usage: train.ts --data <goemotions/ekman folder> [--seed 42] [--dry]");
  process.exit(2);
}
const dataDir = resolve(args.data);
const seed = Number(args.seed);
const settings = {
  seed,
  dim: Number(args.dim),
  maxEpochs: Number(args.epochs),
  patience: Number(args.patience),
  lr: Number(args.lr),
  batch: Number(args.batch),
  weightDecay: Number(args["weight-decay"]),
  classWeightAlpha: Number(args.alpha),
  lexiconRepeat: Number(args["lexicon-repeat"]),
  optimizer: "Adam (lazy sparse rows), beta1 0.9, beta2 0.999",
};
const config: FeaturizerConfig = {
  ...DEFAULT_FEATURIZER_CONFIG,
  buckets: Number(args.buckets),
  ...(args["no-chars"] ? { charNgrams: [0, 0] as const } : {}),
  groupWeights: {
    ...DEFAULT_FEATURIZER_CONFIG.groupWeights,
    ...(args["char-weight"] ? { chars: Number(args["char-weight"]) } : {}),
    ...(args["bigram-weight"] ? { bigrams: Number(args["bigram-weight"]) } : {}),
  },
};

const labels = readLabels(dataDir);
const expected = TAXONOMY_LABELS.ekman7;
if (labels.join(",") !== expected.join(",")) {
  throw new Error(`labels.txt (${labels.join(",")}) does not match ekman7 (${expected.join(",")})`);
}
const C = labels.length;
const corpus = readSplit(dataDir, "train");
const lexiconRows: Row[] = [];
for (const [label, words] of Object.entries(SEED_LEXICON)) {
  const c = labels.indexOf(label);
  if (c < 0) throw new Error(`seed lexicon label ${label} is not in labels.txt`);
  for (let r = 0; r < settings.lexiconRepeat; r++) for (const w of words) lexiconRows.push({ text: w, labels: [c], id: `lexicon:${w}` });
}
const train = [...corpus, ...lexiconRows];
const dev = readSplit(dataDir, "dev");
const t0 = performance.now();
const trainF = train.map((r) => featurize(r.text, config));
const devF = dev.map((r) => featurize(r.text, config));
const featurizeMs = performance.now() - t0;
console.log(`featurized ${train.length} train + ${dev.length} dev rows in ${(featurizeMs / 1000).toFixed(1)} s`);

// Multi-label rows (~6%): the soft target splits the mass evenly over the row's labels, which is
// the cross-entropy of a softmax against the empirical label distribution of that row.
const targets = train.map((r) => {
  const y = new Float32Array(C);
  for (const c of r.labels) y[c]! += 1 / r.labels.length;
  return y;
});
const counts = new Float64Array(C);
for (const y of targets) for (let c = 0; c < C; c++) counts[c]! += y[c]!;
const classWeights = Float32Array.from(counts, (n) => (train.length / (C * n)) ** settings.classWeightAlpha);
console.log("class weights", Object.fromEntries(labels.map((l, c) => [l, Number(classWeights[c]!.toFixed(3))])));

const random = rng(seed);
const params = initParams({ buckets: config.buckets, classes: C, dim: settings.dim }, random);
const trainer = new Trainer(params, { lr: settings.lr, batch: settings.batch, weightDecay: settings.weightDecay, classWeights });
const devGold = dev.map((r) => r.labels);
const order = train.map((_, k) => k);

let best: { epoch: number; f1: number; params: Params } | undefined;
const history: { epoch: number; loss: number; devMacroF1: number; devNll: number }[] = [];
const trainStart = performance.now();
for (let epoch = 1; epoch <= settings.maxEpochs; epoch++) {
  shuffle(order, random);
  const loss = trainer.epoch(trainF, targets, order);
  const logits = predictLogits(params, devF);
  const f1 = evaluate(argmaxRows(logits, C), devGold, labels).macroF1;
  const devNll = nll(logits, devGold, C, 1);
  history.push({ epoch, loss, devMacroF1: f1, devNll });
  console.log(`epoch ${epoch}: train loss ${loss.toFixed(4)}  dev macro-F1 ${f1.toFixed(4)}  dev NLL ${devNll.toFixed(4)}`);
  if (!best || f1 > best.f1) best = { epoch, f1, params: cloneParams(params) };
  else if (epoch - best.epoch >= settings.patience) break;
}
const trainSeconds = (performance.now() - trainStart) / 1000;
if (!best) throw new Error("no epoch ran");
const model = best.params;
const rawLogits = predictLogits(model, devF);
const rawEval = evaluate(argmaxRows(rawLogits, C), devGold, labels);

// Offsets are tuned on the same dev rows they are reported on, which flatters the number; a
// two-fold cross-fit (tune on one half, score the other) estimates how much.
const offsets = tuneOffsets(rawLogits, devGold, labels);
const tunedEval = evaluate(argmaxRows(rawLogits, C, offsets), devGold, labels);
const halves = dev.map((_, k) => k);
shuffle(halves, rng(seed + 1));
const half = Math.floor(halves.length / 2);
const folds = [halves.slice(0, half), halves.slice(half)];
const crossPred = new Int32Array(dev.length);
for (const [i, fold] of folds.entries()) {
  const other = folds[1 - i]!;
  const o = tuneOffsets(rawLogits, devGold, labels, other);
  const p = argmaxRows(rawLogits, C, o);
  for (const k of fold) crossPred[k] = p[k]!;
}
const crossEval = evaluate(crossPred, devGold, labels);

// Ship the offsets only when they help rows they were not tuned on; otherwise they fit noise.
const useOffsets = crossEval.macroF1 > rawEval.macroF1;
if (!useOffsets) offsets.fill(0);
const shippedEval = useOffsets ? tunedEval : rawEval;
const shifted = rawLogits.map((v, i) => v + offsets[i % C]!);
const temperature = fitTemperature(shifted, devGold, C);
const probsBefore = softmaxRows(shifted, 1);
const probsAfter = softmaxRows(shifted, temperature);
const calibration = {
  temperature,
  nllBefore: nll(shifted, devGold, C, 1),
  nllAfter: nll(shifted, devGold, C, temperature),
  eceBefore: expectedCalibrationError(probsBefore, devGold, C),
  eceAfter: expectedCalibrationError(probsAfter, devGold, C),
};

console.log(`best epoch ${best.epoch}; train ${trainSeconds.toFixed(0)} s`);
report("dev, argmax of raw logits", rawEval);
report("dev, argmax with offsets tuned on all of dev", tunedEval);
console.log(`dev macro-F1 with offsets cross-fitted over two halves: ${crossEval.macroF1.toFixed(4)}`);
console.log(useOffsets ? "shipping offsets" : "offsets do not survive cross-fitting: shipping none", Array.from(offsets, (v) => v.toFixed(2)).join(" "), "calibration", calibration);

if (args.dry) process.exit(0);

// Fold offsets and temperature into the weights: the shipped model's softmax is the calibrated
// output, and its argmax is the rule measured above.
const shipped = cloneParams(model);
const inv = 1 / temperature;
if (shipped.w) for (let i = 0; i < shipped.w.length; i++) shipped.w[i]! *= inv;
else for (let i = 0; i < shipped.table.length; i++) shipped.table[i]! *= inv;
for (let c = 0; c < C; c++) shipped.b[c] = (shipped.b[c]! + offsets[c]!) * inv;

const featurizerJson = `${JSON.stringify(config, null, 2)}\n`;
const featurizerSha = sha256(featurizerJson);
const bytes = exportOnnx(shipped, {
  labels: labels.join(","),
  taxonomy: "ekman7",
  featurizer_sha256: featurizerSha,
  training_seed: String(seed),
});
const modelSha = sha256(bytes);

// The exported file must reproduce the TS model: every dev row through onnxruntime-node.
const expectedProbs = softmaxRows(predictLogits(shipped, devF), 1);
const session = await ort.InferenceSession.create(bytes);
let maxDiff = 0;
let argmaxMismatch = 0;
const latencies: number[] = [];
for (let k = 0; k < dev.length; k++) {
  const s = performance.now();
  const f = featurize(dev[k]!.text, config);
  const n = f.ids.length;
  const out = await session.run({
    ids: new ort.Tensor("int64", BigInt64Array.from(f.ids, (x) => BigInt(x)), [1, n]),
    weights: new ort.Tensor("float32", f.weights, [1, n]),
  });
  latencies.push(performance.now() - s);
  const probs = out.scores!.data as Float32Array;
  let a = 0;
  let b = 0;
  for (let c = 0; c < C; c++) {
    maxDiff = Math.max(maxDiff, Math.abs(probs[c]! - expectedProbs[k * C + c]!));
    if (probs[c]! > probs[a]!) a = c;
    if (expectedProbs[k * C + c]! > expectedProbs[k * C + b]!) b = c;
  }
  if (a !== b) argmaxMismatch += 1;
}
await session.release();
if (maxDiff > 1e-4) throw new Error(`ONNX output differs from the TS model by up to ${maxDiff}`);
latencies.sort((x, y) => x - y);
const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
const verification = { rows: dev.length, maxAbsDiff: maxDiff, argmaxMismatches: argmaxMismatch };
const latency = { p50Ms: pct(0.5), p95Ms: pct(0.95), note: "featurize + onnxruntime-node session.run, one sentence, dev rows, this machine" };
console.log("verification", verification, "latency", latency);

// The node feeds empty text through the model like any other (the featurizer's `empty` shape cue),
// so the card states what that yields.
const emptyProbs = softmaxRows(predictLogits(shipped, [featurize("", config)]), 1);
const emptyText = Object.fromEntries(labels.map((l, c) => [l, emptyProbs[c]!]));

const out = resolve(args.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "model.onnx"), bytes);
writeFileSync(join(out, "featurizer.json"), featurizerJson);
const metrics = {
  model: { file: "model.onnx", sha256: modelSha, bytes: bytes.length, taxonomy: "ekman7", labels, shape: shipped.shape },
  featurizer: { file: "featurizer.json", sha256: featurizerSha, config },
  data: { dir: "goemotions/ekman", trainRows: corpus.length, lexiconRows: lexiconRows.length, devRows: dev.length, multiLabelTrainRows: corpus.filter((r) => r.labels.length > 1).length },
  training: { ...settings, bestEpoch: best.epoch, epochsRun: history.length, seconds: Math.round(trainSeconds), classWeights: Array.from(classWeights), history },
  decisionRule: "argmax of the model's softmax output (per-class offsets and temperature are folded into the exported bias/weights)",
  offsets: Array.from(offsets),
  dev: { shipped: shippedEval, rawArgmax: rawEval, offsetsTunedOnDev: tunedEval, crossFittedOffsetsMacroF1: crossEval.macroF1, offsetsShipped: useOffsets },
  calibration,
  verification,
  emptyText,
  latency,
  command: `node --import tsx packages/models/training/text-emotion/train.ts --data ../shared/data/goemotions/ekman --seed ${seed}`,
};
writeFileSync(join(out, "metrics.json"), `${JSON.stringify(metrics, roundFloats, 2)}\n`);
writeModelCard(join(out, "MODEL_CARD.md"), metrics);
console.log(`wrote ${out} (model ${(bytes.length / 1e6).toFixed(2)} MB, sha256 ${modelSha})`);

function softmaxRows(logits: Float32Array, temperature: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let k = 0; k < logits.length / C; k++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[k * C + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += out[k * C + c] = Math.exp(logits[k * C + c]! / temperature - max);
    for (let c = 0; c < C; c++) out[k * C + c]! /= sum;
  }
  return out;
}

function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function report(title: string, e: Evaluation): void {
  console.log(`${title}: macro-F1 ${e.macroF1.toFixed(4)}, accuracy ${e.accuracy.toFixed(4)}`);
  for (const m of e.perClass) {
    console.log(`  ${m.label.padEnd(9)} P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} (n=${m.support})`);
  }
}

function roundFloats(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value;
}

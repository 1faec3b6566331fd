/**
 * Measures the candidate facial-expression models on labelled face photos and writes the numbers to
 * assets/face-expression/metrics.json (the model card quotes them).
 *
 *   node --import tsx packages/models/training/face-expression/evaluate.ts --data ../shared/data/faces-dev
 *
 * Every model sees exactly what the nodes give it: core.image-input's decoder, vision.face-detect's
 * detector and vision.facial-expression's crop (largest face, eye alignment, each model's default
 * margin; a sweep over margins is reported beside it, since BlazeFace's tight boxes suit the models
 * differently). The
 * photos are already face crops, so the detector sometimes finds nothing; then the whole image is the
 * face (padded square), and how often that happened is reported. `--dry` prints without writing.
 * The photos are read from the data folder only: never copy them into the project.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { TAXONOMY_LABELS, type FaceDetection, type ImageValue } from "@attune/graph";
import { decodeImage } from "@attune/nodes-core/image-decode";
import { detectFaces, EXPRESSION_MODELS, faceDetectParams, facialExpressionParams, type ExpressionModelName } from "@attune/nodes-vision";
import { expressionInput, expressionScores, faceRegion, wholeImageRegion } from "@attune/nodes-vision/face-crop";
import { BUILTIN_MODELS } from "../../src/builtin-models";
import { createModelService, SessionPool } from "../../src/session-pool";
import { prepareModels } from "../../src/setup";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    out: { type: "string", default: resolve(here, "../../assets/face-expression/metrics.json") },
    dry: { type: "boolean", default: false },
  },
});
if (!args.data) throw new Error("usage: evaluate.ts --data <faces-dev folder with labels.csv and images/>");
const dataDir = resolve(args.data);

const LABELS = TAXONOMY_LABELS.ekman7;
/** faces-dev's label names -> ekman7 (only happiness differs). */
const DATA_TO_EKMAN: Record<string, string> = {
  anger: "anger", disgust: "disgust", fear: "fear", happiness: "joy", neutral: "neutral", sadness: "sadness", surprise: "surprise",
};

interface Sample {
  file: string;
  label: string;
}

async function readLabels(): Promise<Sample[]> {
  const text = await readFile(join(dataDir, "labels.csv"), "utf8");
  const rows = text.trim().split(/\r?\n/).slice(1);
  return rows.map((row) => {
    const [file, emotion] = row.split(",").map((s) => s.trim()) as [string, string];
    const label = DATA_TO_EKMAN[emotion.toLowerCase()];
    if (!label) throw new Error(`labels.csv: unknown emotion '${emotion}' for ${file}`);
    return { file, label };
  });
}

interface ModelResult {
  modelId: string;
  balancedAccuracy: number;
  accuracy: number;
  macroF1: number;
  recall: Record<string, number>;
  confusion: Record<string, Record<string, number>>;
}

function summarise(modelId: string, truth: string[], predicted: string[]): ModelResult {
  const confusion: Record<string, Record<string, number>> = {};
  for (const t of LABELS) confusion[t] = Object.fromEntries(LABELS.map((p) => [p, 0]));
  truth.forEach((t, i) => confusion[t]![predicted[i]!]!++);
  const recall: Record<string, number> = {};
  const f1: number[] = [];
  for (const c of LABELS) {
    const support = LABELS.reduce((s, p) => s + confusion[c]![p]!, 0);
    const predictedC = LABELS.reduce((s, t) => s + confusion[t]![c]!, 0);
    const tp = confusion[c]![c]!;
    const r = support ? tp / support : 0;
    const p = predictedC ? tp / predictedC : 0;
    recall[c] = round(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
  }
  const present = LABELS.filter((c) => truth.includes(c));
  const balanced = present.reduce((s, c) => s + recall[c]!, 0) / present.length;
  const correct = truth.filter((t, i) => t === predicted[i]).length;
  return {
    modelId,
    balancedAccuracy: round(balanced),
    accuracy: round(correct / truth.length),
    macroF1: round(f1.reduce((a, b) => a + b, 0) / f1.length),
    recall,
    confusion,
  };
}

const round = (v: number) => Math.round(v * 10000) / 10000;

function argmax(scores: Record<string, number>): string {
  let best = "";
  let value = -Infinity;
  for (const [label, s] of Object.entries(scores)) if (s > value) [best, value] = [label, s];
  return best;
}

const samples = await readLabels();
const modelsDir = await mkdtemp(join(tmpdir(), "attune-face-eval-"));
const pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
try {
  const ids = new Set([...Object.values(EXPRESSION_MODELS).map((m) => m.modelId), "face-detector-blazeface"]);
  await prepareModels({ modelsDir, models: BUILTIN_MODELS.filter((m) => ids.has(m.manifest.id)) });
  const models = createModelService(pool);
  const ctx = { models, signal: new AbortController().signal };
  const detectParams = faceDetectParams.parse({});
  const align = facialExpressionParams.parse({}).align;
  const SWEEP = [0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.8];

  // Decode and detect once; every model then sees the same faces.
  const prepared: { image: ImageValue; face: FaceDetection | undefined; label: string }[] = [];
  for (const s of samples) {
    const bytes = new Uint8Array(await readFile(join(dataDir, "images", s.file)));
    const image = await decodeImage(bytes, { maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 }, s.file);
    const faces = await detectFaces(image, detectParams, ctx);
    const face = faces.reduce<FaceDetection | undefined>((a, f) => (!a || f.box.width * f.box.height > a.box.width * a.box.height ? f : a), undefined);
    prepared.push({ image, face, label: s.label });
  }
  const fallbacks = prepared.filter((p) => !p.face).length;

  const truth = prepared.map((p) => p.label);
  const evaluateAt = async (name: ExpressionModelName, margin: number, alignCrop: boolean): Promise<ModelResult> => {
    const model = EXPRESSION_MODELS[name];
    const predicted: string[] = [];
    for (const p of prepared) {
      const region = p.face ? faceRegion(p.face, { margin, align: alignCrop }) : wholeImageRegion(p.image);
      const out = await models.run(model.modelId, expressionInput(p.image, [region], model));
      predicted.push(argmax(expressionScores(out, model, 1)[0]!));
    }
    return summarise(model.modelId, truth, predicted);
  };

  const results: Record<string, ModelResult & { margin: number; align: boolean }> = {};
  const sweep: Record<string, Record<string, number>> = {};
  const unaligned: Record<string, number> = {};
  for (const name of Object.keys(EXPRESSION_MODELS) as ExpressionModelName[]) {
    const margin = EXPRESSION_MODELS[name].defaultMargin;
    results[name] = { ...(await evaluateAt(name, margin, align)), margin, align };
    sweep[name] = {};
    for (const m of SWEEP) sweep[name][String(m)] = (await evaluateAt(name, m, align)).balancedAccuracy;
    unaligned[name] = (await evaluateAt(name, margin, false)).balancedAccuracy;
  }

  const support = Object.fromEntries(LABELS.map((c) => [c, samples.filter((s) => s.label === c).length]));
  const report = {
    dataset: "faces-dev (muxspace facial_expressions subset, crowd labels)",
    images: samples.length,
    support,
    detector: { modelId: "face-detector-blazeface", params: detectParams, noFaceFallbacks: fallbacks },
    metric: "balancedAccuracy = mean per-class recall (argmax of the model's softmax)",
    models: results,
    balancedAccuracyByMargin: sweep,
    balancedAccuracyWithoutAlignment: unaligned,
  };
  console.log(`images ${samples.length}; detector found no face on ${fallbacks} (whole image used)`);
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(14)} margin ${r.margin} balanced ${r.balancedAccuracy.toFixed(3)}  accuracy ${r.accuracy.toFixed(3)}  macro-F1 ${r.macroF1.toFixed(3)}  ` +
        LABELS.map((c) => `${c} ${r.recall[c]!.toFixed(2)}`).join("  "),
    );
    console.log(`${"".padEnd(14)} by margin ${JSON.stringify(sweep[name])}  unaligned ${unaligned[name]}`);
  }
  if (!args.dry) {
    await writeFile(args.out!, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${args.out}`);
  }
} finally {
  await pool.close();
  await rm(modelsDir, { recursive: true, force: true });
}

/**
 * Model overhead: each built-in model through the code path a pipeline uses vs the raw
 * onnxruntime-node session on the same input. Both sides use the very same session (taken from the
 * pool), so the ratio is what our layers cost: ModelService (feed checks, tensor wrapping,
 * cancellation checks) and, for text-emotion, the node itself. Rounds alternate A/B so machine
 * drift hits both equally; medians of per-round medians.
 *
 * text-emotion runs through its node (nlp.text-emotion); the raw side does the same featurisation
 * and then session.run, so the featuriser is on both sides. Face models have nodes in the vision
 * family, which add cropping and decoding around the model; here they are timed through a direct
 * ModelService.run on the model's input tensor, the part this bench is about.
 */
import type { TensorData } from "@attune/graph";
import { createModelService, prepareModels, resolveModelsDir, SessionPool, TEXT_EMOTION_MODEL_ID } from "@attune/models";
import { makeTestContext } from "@attune/nodes-core/testing";
import { textEmotionNode } from "@attune/nodes-nlp";
import { DEFAULT_FEATURIZER_CONFIG, featurize } from "@attune/nodes-nlp/text-emotion/featurize";
import * as ort from "onnxruntime-node";
import { type Bench, type BenchOutcome, median, sample } from "./harness";

const TARGET = 1.1;
const ROUNDS = 7;
/** Below this raw latency the ratio is dominated by fixed costs; see the tiny-model branch. */
const TINY_MS = 0.05;
const TINY_OVERHEAD_US = 10;

async function compare(a: () => Promise<unknown>, b: () => Promise<unknown>, perRound: number): Promise<{ a: number; b: number }> {
  await sample(a, perRound, 1);
  await sample(b, perRound, 1);
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    as.push(median(await sample(a, 2, perRound)));
    bs.push(median(await sample(b, 2, perRound)));
  }
  return { a: median(as), b: median(bs) };
}

function toOrt(feeds: Record<string, TensorData>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor(t.type, t.data as Float32Array, [...t.dims]);
  return out;
}

/** A deterministic input tensor for a model input with fixed dims (dynamic ones set to 1). */
function inputFor(shape: readonly (number | string | null)[]): TensorData {
  const dims = shape.map((d) => (typeof d === "number" ? d : 1));
  const size = dims.reduce((x, y) => x * y, 1);
  const data = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) * 0.8);
  return { type: "float32", data, dims };
}

export const modelsBench: Bench = {
  name: "models: node / ModelService vs raw onnxruntime session",
  async run() {
    const modelsDir = resolveModelsDir();
    const prepared = await prepareModels({ modelsDir });
    const pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
    const service = createModelService(pool);
    const outcomes: BenchOutcome[] = [];
    try {
      // text-emotion through its node.
      const text = "I can't believe they cancelled my order again, this is infuriating!";
      const { session: textSession } = await pool.get(TEXT_EMOTION_MODEL_ID);
      const ctx = makeTestContext({ models: service });
      const params = textEmotionNode.params.parse({});
      const viaNode = () => textEmotionNode.run({ text }, params, ctx);
      const raw = () => {
        const f = featurize(text, DEFAULT_FEATURIZER_CONFIG);
        const n = f.ids.length;
        return textSession.run({
          ids: new ort.Tensor("int64", BigInt64Array.from(f.ids, (x) => BigInt(x)), [1, n]),
          weights: new ort.Tensor("float32", f.weights, [1, n]),
        });
      };
      const t = await compare(viaNode, raw, 200);
      outcomes.push({
        metric: "text-emotion: nlp.text-emotion node / raw session (featurise + run)",
        value: t.a / t.b,
        unit: "x",
        target: TARGET,
        baseline: { label: "raw session per sentence", value: t.b, unit: "ms" },
        notes: [`node per sentence ${t.a.toFixed(3)} ms`],
      });

      // Every other prepared model with fixed float32 inputs: ModelService.run vs session.run.
      for (const { manifest } of prepared) {
        if (manifest.id === TEXT_EMOTION_MODEL_ID) continue;
        if (!manifest.inputs.every((i) => i.type === "float32")) continue;
        const { session } = await pool.get(manifest.id);
        const feeds: Record<string, TensorData> = {};
        for (const meta of session.inputMetadata) {
          if (meta.isTensor) feeds[meta.name] = inputFor(meta.shape);
        }
        const ortFeeds = toOrt(feeds);
        const perRound = Math.max(5, Math.min(100, Math.round(20 / Math.max(0.05, median(await sample(() => session.run(ortFeeds), 2, 5))))));
        const m = await compare(() => service.run(manifest.id, feeds), () => session.run(ortFeeds), perRound);
        const notes = [`ModelService per inference ${m.a.toFixed(3)} ms; input ${Object.values(feeds).map((f) => `[${f.dims.join("x")}]`).join(", ")}`];
        if (m.b < TINY_MS) {
          // A model that runs in microseconds makes a fixed few-microsecond cost look like a large
          // ratio; judge the absolute overhead instead, and still print the ratio.
          outcomes.push({
            metric: `${manifest.id}: ModelService overhead per inference (model under ${TINY_MS} ms, ratio ${(m.a / m.b).toFixed(2)}x)`,
            value: (m.a - m.b) * 1000,
            unit: "µs",
            target: TINY_OVERHEAD_US,
            notes: [`raw session per inference ${m.b.toFixed(4)} ms`, ...notes],
          });
          continue;
        }
        outcomes.push({
          metric: `${manifest.id}: ModelService.run / raw session`,
          value: m.a / m.b,
          unit: "x",
          target: TARGET,
          baseline: { label: "raw session per inference", value: m.b, unit: "ms" },
          notes,
        });
      }
    } finally {
      await pool.close();
    }
    return outcomes;
  },
};

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelService, TensorData } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FEATURIZER_CONFIG, featurize } from "./featurize";
import { textEmotionNode } from "./index";
import { TEXT_EMOTION_FEATURIZER, TEXT_EMOTION_MODEL_ID } from "./run";

const assets = join(import.meta.dirname, "../../../../packages/models/assets/text-emotion");
const modelBytes = readFileSync(join(assets, "model.onnx"));
const metrics = JSON.parse(readFileSync(join(assets, "metrics.json"), "utf8")) as {
  model: { sha256: string; bytes: number; labels: string[] };
  featurizer: { sha256: string };
  dev: { shipped: { macroF1: number } };
};
const LABELS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"];

let session: ort.InferenceSession;
beforeAll(async () => {
  session = await ort.InferenceSession.create(modelBytes);
});
afterAll(async () => {
  await session.release();
});

/** The smallest real ModelService: one onnxruntime session for the one model id. */
function ortModelService(calls: string[] = []): ModelService {
  return {
    async run(modelId, feeds, signal) {
      calls.push(modelId);
      signal?.throwIfAborted();
      if (modelId !== TEXT_EMOTION_MODEL_ID) throw new Error(`unknown model ${modelId}`);
      const input: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) input[name] = new ort.Tensor(t.type, t.data, [...t.dims]);
      const out = await session.run(input);
      const result: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(out)) result[name] = { type: "float32", data: t.data as Float32Array, dims: t.dims };
      return result;
    },
  };
}

async function probs(text: string): Promise<Record<string, number>> {
  const f = featurize(text, TEXT_EMOTION_FEATURIZER);
  const out = await session.run({
    ids: new ort.Tensor("int64", BigInt64Array.from(f.ids, (x) => BigInt(x)), [1, f.ids.length]),
    weights: new ort.Tensor("float32", f.weights, [1, f.ids.length]),
  });
  const data = out.scores!.data as Float32Array;
  return Object.fromEntries(LABELS.map((l, c) => [l, data[c]!]));
}

const top = (scores: Record<string, number>) => Object.entries(scores).sort((a, b) => b[1] - a[1])[0]![0];

describe("text-emotion model asset", () => {
  it("matches the sha256 and size declared in metrics.json and the model card", () => {
    const sha = createHash("sha256").update(modelBytes).digest("hex");
    expect(metrics.model.sha256).toBe(sha);
    expect(metrics.model.bytes).toBe(modelBytes.length);
    expect(readFileSync(join(assets, "MODEL_CARD.md"), "utf8")).toContain(sha);
    expect(modelBytes.length).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  it("was trained with the featurizer config the node reads (same file, hash in the model metadata)", () => {
    const json = readFileSync(join(assets, "featurizer.json"), "utf8");
    const sha = createHash("sha256").update(json).digest("hex");
    expect(metrics.featurizer.sha256).toBe(sha);
    expect(modelBytes.includes(Buffer.from(sha))).toBe(true);
    expect(TEXT_EMOTION_FEATURIZER).toEqual(JSON.parse(json));
    // The committed model uses the defaults, so training without flags reproduces it.
    expect(TEXT_EMOTION_FEATURIZER).toEqual(DEFAULT_FEATURIZER_CONFIG);
  });

  it("loads in onnxruntime-node with the declared inputs and outputs", () => {
    expect(session.inputNames).toEqual(["ids", "weights"]);
    expect(session.outputNames).toEqual(["scores"]);
    expect(metrics.model.labels).toEqual(LABELS);
    expect(metrics.dev.shipped.macroF1).toBeGreaterThanOrEqual(0.5);
  });

  it("ranks clear examples", async () => {
    expect(top(await probs("I am furious about this"))).toBe("anger");
    expect(["joy", "surprise"]).toContain(top(await probs("what a lovely surprise")));
    expect(top(await probs("I miss her so much, I can't stop crying"))).toBe("sadness");
    expect(top(await probs("I'm terrified of what happens next"))).toBe("fear");
    expect(top(await probs("The meeting is at 3pm in room 204."))).toBe("neutral");
  });
});

describe("nlp.text-emotion node", () => {
  const params = (p: Record<string, unknown> = {}) => textEmotionNode.params.parse(p);

  it("returns calibrated ekman7 probabilities from the model service", async () => {
    const calls: string[] = [];
    const ctx = { ...makeTestContext(), models: ortModelService(calls) };
    const out = await textEmotionNode.run({ text: "I am furious about this" }, params(), ctx);
    const value = out.scores as { taxonomy: string; calibrated: boolean; scores: Record<string, number> };
    expect(calls).toEqual(["text-emotion"]);
    expect(value.taxonomy).toBe("ekman7");
    expect(value.calibrated).toBe(true);
    expect(Object.keys(value.scores)).toEqual(LABELS);
    expect(Object.values(value.scores).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    expect(top(value.scores)).toBe("anger");
    expect(value.scores).toEqual(await probs("I am furious about this"));
  });

  it("reads empty text as mostly neutral", async () => {
    const ctx = { ...makeTestContext(), models: ortModelService() };
    const value = (await textEmotionNode.run({ text: "" }, params(), ctx)).scores as { scores: Record<string, number> };
    expect(top(value.scores)).toBe("neutral");
    expect(value.scores.neutral).toBeGreaterThan(0.5);
  });

  it("runs its own example and previews the top labels", async () => {
    const ctx = { ...makeTestContext(), models: ortModelService() };
    const p = params(textEmotionNode.example.params ?? {});
    const out = await textEmotionNode.run(textEmotionNode.example.inputs, p, ctx);
    const preview = textEmotionNode.preview!(out, params({ previewTop: 2 }));
    expect(preview.kind).toBe("scores");
    if (preview.kind !== "scores") return;
    expect(preview.top).toHaveLength(2);
    expect(preview.top[0]!.label).toBe("anger");
    expect(preview.top[0]!.score).toBeGreaterThanOrEqual(preview.top[1]!.score);
  });

  it("fails clearly without a model service, on non-text input and when cancelled", async () => {
    await expect(textEmotionNode.run({ text: "hi" }, params(), makeTestContext())).rejects.toThrow(
      "nlp.text-emotion needs the model service to run model 'text-emotion'",
    );
    const ctx = { ...makeTestContext(), models: ortModelService() };
    await expect(textEmotionNode.run({ text: 42 }, params(), ctx)).rejects.toThrow("input 'text' must be a string, got number");
    const calls: string[] = [];
    const aborted = { ...makeTestContext(), models: ortModelService(calls) };
    aborted.abort.abort();
    await expect(textEmotionNode.run({ text: "hi" }, params(), aborted)).rejects.toThrow();
    expect(calls).toEqual([]);
  });

  it("has defaults and bounds its params", () => {
    expect(params()).toEqual({ previewTop: 3 });
    expect(textEmotionNode.params.safeParse({ previewTop: 0 }).success).toBe(false);
    expect(textEmotionNode.params.safeParse({ previewTop: 8 }).success).toBe(false);
    expect(textEmotionNode.type).toBe("nlp.text-emotion");
    expect(textEmotionNode.inputs[0]!.accepts).toBe("text");
    expect(textEmotionNode.outputs[0]!.type).toBe("scores:ekman7");
  });
});

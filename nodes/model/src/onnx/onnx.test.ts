import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, NodeRegistry, validate } from "@attune/graph";
import { buildExampleClassifier, buildExampleRegressor, ModelCatalog, SessionPool } from "@attune/models";
import { makeTestContext } from "@attune/nodes-core/testing";
import { specs as coreSpecs } from "@attune/nodes-core/specs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelOnnxNode } from "./index";
import { modelOnnxParams, type ModelOnnxParams } from "./spec";
import { loadTokenizer } from "./tokenizer";

const EKMAN = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"];

let dir: string;
let pool: SessionPool;
let catalog: ModelCatalog;
let classifierId: string;
let regressorId: string;
let classifierSig: { inputs: unknown[]; outputs: unknown[] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "attune-model-onnx-"));
  pool = new SessionPool({ modelsDir: dir });
  catalog = new ModelCatalog({ modelsDir: dir, pool, loadTokenizer });
  const c = await catalog.upload(buildExampleClassifier({ inputSize: 8, classes: 7 }), "emo7.onnx");
  classifierId = c.card.id;
  classifierSig = c.card.signature;
  regressorId = (await catalog.upload(buildExampleRegressor(4), "mean.onnx")).card.id;
});
afterAll(async () => {
  await catalog.close();
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

const params = (p: Record<string, unknown>): ModelOnnxParams => modelOnnxParams.parse(p);
const issuesOf = (p: Record<string, unknown>) => {
  const r = modelOnnxParams.safeParse(p);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
};

describe("model.onnx params validation", () => {
  it("accepts {} (no model yet) and a preset that fits", () => {
    expect(issuesOf({})).toEqual([]);
    expect(issuesOf({ modelId: classifierId, signature: classifierSig, postprocess: "softmax", labels: EKMAN })).toEqual([]);
  });

  it("flags an image preset on a [batch, 8] float input and a label count that does not fit", () => {
    const found = issuesOf({ modelId: classifierId, signature: classifierSig, preprocess: "image", postprocess: "softmax", labels: ["joy", "anger", "fear"] });
    expect(found).toContainEqual({ path: "preprocess", message: expect.stringMatching(/rank-4 NCHW tensor but input 'features' has shape \[batch, 8\]/) });
    expect(found).toContainEqual({ path: "labels", message: expect.stringMatching(/3 labels for output 'probs' \[batch, 7\], which has 7 classes/) });
  });

  it("flags fixed image dims that differ from the requested size, and channel counts", () => {
    const sig = { inputs: [{ name: "pixels", type: "float32", shape: [1, 64, 64, 1] }], outputs: [{ name: "y", type: "float32", shape: [1, 1] }] };
    const found = issuesOf({ modelId: "m", signature: sig, preprocess: "image", image: { layout: "NHWC", width: 48, height: 64, color: "rgb" }, postprocess: "regression" });
    expect(found.map((i) => i.path).sort()).toEqual(["image.color", "image.width"]);
  });

  it("flags element types, a text preset without tokenizer, and a regression over many values", () => {
    const sig = { inputs: [{ name: "input_ids", type: "float32", shape: ["b", "s"] }], outputs: [{ name: "o", type: "float32", shape: [1, 5] }], tokenizer: false };
    const found = issuesOf({ modelId: "m", signature: sig, preprocess: "text", postprocess: "regression" });
    expect(found.map((i) => i.message)).toEqual([
      expect.stringMatching(/integer token tensors but input 'input_ids' is float32/),
      expect.stringMatching(/has no tokenizer.json/),
      expect.stringMatching(/reads one number but output 'o' \[1, 5\] holds 5/),
    ]);
  });

  it("is a PARAM_INVALID issue on the node in validate(), with the param path", () => {
    const registry = new NodeRegistry([...coreSpecs, modelOnnxNode]);
    const doc = {
      schemaVersion: 1,
      nodes: [
        { id: "img", type: "core.text-input", version: 1, params: {}, position: { x: 0, y: 0 } },
        { id: "mymodel", type: "model.onnx", version: 1, params: { modelId: classifierId, signature: classifierSig, preprocess: "audio", inputName: "nope" }, position: { x: 1, y: 0 } },
      ],
      edges: [],
    };
    const issues = validate(doc as never, registry).filter((i) => i.code === "PARAM_INVALID");
    expect(issues).toEqual([expect.objectContaining({ code: "PARAM_INVALID", nodeId: "mymodel", paramPath: "inputName", message: expect.stringMatching(/no input 'nope'/) })]);
    expect(compile(doc as never, registry).ok).toBe(false);
  });
});

describe("model.onnx run", () => {
  const ctx = () => makeTestContext({ models: catalog });

  it("softmax: one-hot feature k gives label k top, as ekman7 scores", async () => {
    const p = params({ modelId: classifierId, signature: classifierSig, postprocess: "softmax", labels: EKMAN, outputIsProbability: true });
    const out = await modelOnnxNode.run({ tensor: [[0, 0, 0, 1, 0, 0, 0, 0]] }, p, ctx());
    const scores = out.scores as { taxonomy: string; scores: Record<string, number> };
    expect(scores.taxonomy).toBe("ekman7");
    expect(Object.entries(scores.scores).sort((a, b) => b[1] - a[1])[0]![0]).toBe("joy");
    expect(out.value).toBeCloseTo(scores.scores.joy!, 6);
    expect((out.raw as Record<string, { dims: number[] }>).probs!.dims).toEqual([1, 7]);
  });

  it("regression gives a number; raw gives tensors", async () => {
    const sig = (await catalog.get(regressorId))!.signature;
    const out = await modelOnnxNode.run({ tensor: { dims: [1, 4], data: [1, 2, 3, 6] } }, params({ modelId: regressorId, signature: sig, postprocess: "regression" }), ctx());
    expect(out.value).toBeCloseTo(3, 6);
    const raw = await modelOnnxNode.run({ tensor: { x: { dims: [1, 4], data: [1, 1, 1, 1] } } }, params({ modelId: regressorId, signature: sig }), ctx());
    expect(raw).toEqual({ scores: null, value: null, raw: { y: { type: "float32", dims: [1, 1], data: [1] } } });
  });

  it("image preset: resizes and normalises an image into the preset's NCHW tensor", async () => {
    const { imageTensor } = await import("./run");
    const t = imageTensor({ width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(255) }, { ...params({}).image, width: 2, height: 2, mean: [0.5], std: [0.5] });
    expect(t.dims).toEqual([1, 3, 2, 2]);
    expect(Array.from(t.data as Float32Array).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    const grey = imageTensor({ width: 1, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0]) }, { ...params({}).image, width: 1, height: 1, color: "grey", layout: "NHWC" });
    expect(grey.dims).toEqual([1, 1, 1, 1]);
    expect((grey.data as Float32Array)[0]).toBeCloseTo(0.299, 5);
  });

  it("refuses at run time when the model no longer matches the saved signature", async () => {
    const stale = { ...classifierSig, outputs: [{ name: "probs", type: "float32", shape: ["batch", 6] }] };
    const p = modelOnnxParams.parse({ modelId: classifierId, signature: stale });
    await expect(modelOnnxNode.run({ tensor: [[0, 0, 0, 1, 0, 0, 0, 0]] }, p, ctx())).rejects.toThrow(/no longer matches the signature saved in this node/);
  });

  it("explains a missing input and a missing model", async () => {
    const p = params({ modelId: classifierId, signature: classifierSig });
    await expect(modelOnnxNode.run({}, p, ctx())).rejects.toThrow(/tensor preset reads the 'tensor' input/);
    await expect(modelOnnxNode.run({ tensor: [[1]] }, params({}), ctx())).rejects.toThrow(/no model chosen/);
  });
});

describe("tokenizer.json subset", () => {
  const wordpiece = {
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", vocab: { "[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, i: 4, am: 5, furious: 6, fur: 7, "##ious": 8, "!": 9 } },
    normalizer: { type: "BertNormalizer", lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: { type: "TemplateProcessing", single: [{ SpecialToken: { id: "[CLS]" } }, { Sequence: { id: "A" } }, { SpecialToken: { id: "[SEP]" } }], special_tokens: { "[CLS]": { ids: [2] }, "[SEP]": { ids: [3] } } },
  };

  it("WordPiece: BERT normalisation, punctuation split, longest-match subwords, specials, truncation", () => {
    const t = loadTokenizer(wordpiece);
    expect(t.kind).toBe("WordPiece");
    expect(t.encode("I am FURIOUS!", 16).ids).toEqual([2, 4, 5, 6, 9, 3]);
    expect(t.encode("i am xyz", 16).ids).toEqual([2, 4, 5, 1, 3]);
    expect(t.encode("i am furious", 4).ids).toEqual([2, 4, 5, 3]);
  });

  it("byte-level BPE with merges", () => {
    const t = loadTokenizer({
      model: { type: "BPE", vocab: { h: 0, i: 1, hi: 2, "Ġ": 3, "Ġhi": 4, "<s>": 5, "</s>": 6 }, merges: ["h i", "Ġ hi"] },
      pre_tokenizer: { type: "ByteLevel", add_prefix_space: false },
      post_processor: { type: "RobertaProcessing", cls: ["<s>", 5], sep: ["</s>", 6] },
    });
    expect(t.encode("hi hi", 10).ids).toEqual([5, 2, 4, 6]);
  });

  it("refuses unsupported tokenizers clearly", () => {
    expect(() => loadTokenizer({ model: { type: "Unigram", vocab: [] } })).toThrow(/model type Unigram \(supported: WordPiece, BPE\)/);
    expect(() => loadTokenizer({ ...wordpiece, pre_tokenizer: { type: "Metaspace" } })).toThrow(/pre_tokenizer type Metaspace/);
    expect(() => loadTokenizer({ hello: 1 })).toThrow(/no model section/);
  });

  it("text preset feeds input_ids and attention_mask from an uploaded tokenizer", async () => {
    // An embedding-bag classifier over token ids, with an attention mask input it ignores.
    const { GraphBuilder } = await import("@attune/models");
    const g = new GraphBuilder({ opset: 17 });
    const ids = g.input("input_ids", "int64", ["batch", "seq"]);
    g.input("attention_mask", "int64", ["batch", "seq"]);
    const emb = new Float32Array(10 * 3);
    emb[6 * 3 + 0] = 5; // "furious" -> class 0 (anger)
    const vectors = g.node("Gather", [g.initializer("emb", emb, [10, 3]), ids], { axis: 0 });
    g.node("ReduceSum", [vectors, g.initializer("axes", BigInt64Array.from([1n]), [1])], { keepdims: 0 }, { outputs: ["logits"] });
    g.output("logits", "float32", ["batch", 3]);
    const { card } = await catalog.upload(g.toBytes(), "bag.onnx");
    const withTok = await catalog.uploadTokenizer(card.id, new TextEncoder().encode(JSON.stringify(wordpiece)), "tokenizer.json");
    expect(withTok.upload!.tokenizer!.kind).toBe("WordPiece");
    const p = params({ modelId: card.id, signature: { ...card.signature, tokenizer: true }, preprocess: "text", postprocess: "softmax", labels: ["negative", "neutral", "positive"], taxonomy: "sentiment3" });
    const out = await modelOnnxNode.run({ text: "I am furious" }, p, makeTestContext({ models: catalog }));
    expect((out.scores as { scores: Record<string, number> }).scores.negative).toBeGreaterThan(0.9);
    await expect(catalog.uploadTokenizer(card.id, new TextEncoder().encode('{"model":{"type":"Unigram"}}'), "t.json")).rejects.toThrow(/Unigram/);
  });
});

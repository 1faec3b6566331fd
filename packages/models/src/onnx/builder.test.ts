import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { asFloat, decodeModel, GraphBuilder } from "./builder";

/** A bag-of-embeddings classifier, the shape of graph the text models export. */
function buildTextClassifier(opset: number) {
  const vocab = 5;
  const dim = 3;
  const classes = 2;
  // Row k of the embedding is [k, 2k, -k] so sums are easy to check by hand.
  const emb = new Float32Array(vocab * dim);
  for (let k = 0; k < vocab; k++) emb.set([k, 2 * k, -k], k * dim);
  const w = new Float32Array([1, 0, 0, 1, 0.5, -0.5]); // [dim, classes]
  const b = new Float32Array([0.1, -0.2]);

  const g = new GraphBuilder({ opset, metadata: { labels: "neg,pos" } });
  const ids = g.input("input_ids", "int64", ["batch", "seq"]);
  const mask = g.input("mask", "float32", ["batch", "seq"]);
  const e = g.initializer("embedding", emb, [vocab, dim]);
  const vectors = g.node("Gather", [e, ids], { axis: 0 });
  const masked = g.node("Mul", [vectors, g.node("Unsqueeze", [mask, g.initializer("axis2", new BigInt64Array([2n]), [1])])]);
  const summed = g.node("ReduceSum", [masked, g.initializer("axes1", new BigInt64Array([1n]), [1])], { keepdims: 0 });
  const mean = opset >= 18
    ? g.node("ReduceMean", [vectors, g.initializer("axes1b", new BigInt64Array([1n]), [1])], { keepdims: 0 })
    : g.node("ReduceMean", [vectors], { axes: [1], keepdims: 0 });
  g.output(mean, "float32", ["batch", dim]);
  const logits = g.node("Add", [g.node("MatMul", [summed, g.initializer("w", w, [dim, classes])]), g.initializer("b", b, [classes])]);
  g.node("Softmax", [logits], { axis: -1 }, { outputs: ["probs"] });
  g.output("probs", "float32", ["batch", classes]);
  g.output(summed, "float32", ["batch", dim]);
  return { bytes: g.toBytes(), meanName: mean, sumName: summed };
}

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, c) => a + c, 0);
  return e.map((x) => x / s);
}

describe("GraphBuilder", () => {
  for (const opset of [17, 18]) {
    it(`builds a text classifier that onnxruntime runs with the expected numbers (opset ${opset})`, async () => {
      const { bytes, meanName, sumName } = buildTextClassifier(opset);
      const session = await ort.InferenceSession.create(bytes);
      try {
        expect(session.inputNames).toEqual(["input_ids", "mask"]);
        // Two rows: ids [1, 2, 4] all unmasked; ids [3, 0, 0] with padding masked out.
        const ids = new ort.Tensor("int64", new BigInt64Array([1n, 2n, 4n, 3n, 0n, 0n]), [2, 3]);
        const mask = new ort.Tensor("float32", new Float32Array([1, 1, 1, 1, 0, 0]), [2, 3]);
        const out = await session.run({ input_ids: ids, mask });
        const sums = Array.from(out[sumName]!.data as Float32Array);
        expect(sums).toEqual([7, 14, -7, 3, 6, -3]);
        const means = Array.from(out[meanName]!.data as Float32Array);
        expect(means[0]).toBeCloseTo(7 / 3, 5);
        expect(means[3]).toBeCloseTo(1, 5);
        const probs = Array.from(out.probs!.data as Float32Array);
        expect(out.probs!.dims).toEqual([2, 2]);
        const row = (s: number[]) => softmax([s[0]! + 0.5 * s[2]! + 0.1, s[1]! - 0.5 * s[2]! - 0.2]);
        const expected = [...row([7, 14, -7]), ...row([3, 6, -3])];
        probs.forEach((p, k) => expect(p).toBeCloseTo(expected[k]!, 5));
      } finally {
        await session.release();
      }
    });
  }

  it("round-trips structure, opset and metadata through decodeModel", () => {
    const { bytes } = buildTextClassifier(17);
    const model = decodeModel(bytes);
    expect(model.opsetImport).toEqual([{ domain: "", version: 17 }]);
    expect(model.irVersion).toBe(8);
    expect(model.metadataProps).toEqual([{ key: "labels", value: "neg,pos" }]);
    expect(model.graph.node.map((n) => n.opType)).toEqual(["Gather", "Unsqueeze", "Mul", "ReduceSum", "ReduceMean", "MatMul", "Add", "Softmax"]);
    expect(model.graph.initializer.find((t) => t.name === "embedding")?.dims).toEqual([5, 3]);
  });

  it("encodes float, int, string, list and tensor attributes so onnxruntime accepts them", async () => {
    const g = new GraphBuilder({ opset: 17 });
    const x = g.input("x", "float32", [null, 4]);
    // alpha=1 must be FLOAT: asFloat keeps it from being encoded as INT.
    const a = g.node("LeakyRelu", [x], { alpha: asFloat(1) });
    const c = g.node("Constant", [], { value: { type: "float32", data: new Float32Array([10, 20, 30, 40]), dims: [4] } });
    const y = g.node("Add", [a, c]);
    const z = g.node("LeakyRelu", [x], { alpha: 0.5 });
    const tr = g.node("Transpose", [z], { perm: [1, 0] });
    const s = g.node("Cast", [tr], { to: 7 }); // int64, truncates toward zero
    g.output(y, "float32", ["n", 4]);
    g.output(s, "int64", [4, "n"]);
    const session = await ort.InferenceSession.create(g.toBytes());
    try {
      const out = await session.run({ x: new ort.Tensor("float32", new Float32Array([-1, 2, -3, 4]), [1, 4]) });
      expect(Array.from(out[y]!.data as Float32Array)).toEqual([9, 22, 27, 44]);
      expect(Array.from(out[s]!.data as BigInt64Array)).toEqual([0n, 2n, -1n, 4n]);
      expect(out[s]!.dims).toEqual([4, 1]);
    } finally {
      await session.release();
    }
  });

  it("fails early, naming the problem, on bad references, duplicates and mismatched data", () => {
    const g = new GraphBuilder();
    g.input("x", "float32", [1]);
    expect(() => g.node("Relu", ["y"], {}, { name: "r" })).toThrow(/node "r" \(Relu\): input "y" is not/);
    expect(() => g.input("x", "float32", [1])).toThrow(/already exists/);
    expect(() => g.initializer("w", new Float32Array(3), [2, 2])).toThrow(/hold 4 elements but data has 3/);
    expect(() => g.initializer("w2", new Float32Array(4), [2, 2], "int64")).toThrow(/needs a BigInt64Array/);
    expect(() => g.output("nope", "float32")).toThrow(/not produced/);
    expect(() => new GraphBuilder().toBytes()).toThrow(/no outputs/);
  });
});

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadReferenceModel, runReference, seededRandom } from "../../test/tfjs-reference";
import { SyntheticModel } from "../../test/synthetic-tfjs";
import { decodeModel } from "../onnx/builder";
import { humanModelsDir } from "../human-models";
import { type ConvertedModel, convertTfjsGraphModel, convertTfjsModelFile, UnsupportedOpError } from "./tfjs-to-onnx";

const TOLERANCE = 1e-4;

/** Largest |a - b| over all outputs; also checks dims agree, since equal data in the wrong shape is still wrong. */
async function compare(
  converted: ConvertedModel,
  session: ort.InferenceSession,
  reference: tf.GraphModel,
  input: Float32Array,
  shape: number[],
): Promise<Record<string, number>> {
  const names = converted.outputs.map((o) => o.name);
  const expected = runReference(reference, input, shape, names);
  const actual = await session.run({ [converted.inputs[0]!.name]: new ort.Tensor("float32", input, shape) });
  const diffs: Record<string, number> = {};
  for (const name of names) {
    const e = expected[name]!;
    const a = actual[name]!;
    expect(a.dims, name).toEqual(e.dims);
    const data = a.data as Float32Array;
    expect(data.length).toBe(e.data.length);
    let max = 0;
    for (let k = 0; k < data.length; k++) max = Math.max(max, Math.abs(data[k]! - e.data[k]!));
    diffs[name] = max;
  }
  return diffs;
}

function randomInput(shape: number[], seed: number, lo = 0, hi = 1): Float32Array {
  const random = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}

/** A smooth, face-like picture: a bright ellipse with two dark eyes and a mouth on a gradient. */
function structuredInput(batch: number, size: number, channels: number): Float32Array {
  const out = new Float32Array(batch * size * size * channels);
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const u = x / size - 0.5;
        const v = y / size - 0.5 + 0.05 * b;
        let value = 0.2 + 0.3 * (x / size);
        if ((u * u) / 0.09 + (v * v) / 0.14 < 1) value = 0.8;
        if ((u + 0.12) ** 2 + (v + 0.08) ** 2 < 0.003 || (u - 0.12) ** 2 + (v + 0.08) ** 2 < 0.003) value = 0.1;
        if (Math.abs(v - 0.15) < 0.02 && Math.abs(u) < 0.12) value = 0.15;
        for (let c = 0; c < channels; c++) out[((b * size + y) * size + x) * channels + c] = value * (1 - 0.1 * c);
      }
  return out;
}

/**
 * How far tfjs's own output moves when every input element is nudged by about one float32 ulp.
 * Deep float32 networks with large raw outputs (BlazeFace logits reach ~140) cannot agree across
 * runtimes more closely than this, because any change of summation order is a perturbation of
 * this size; below it, a tighter absolute bound would test rounding luck, not the conversion.
 */
function noiseFloor(reference: tf.GraphModel, input: Float32Array, shape: number[], names: string[]): Record<string, number> {
  const random = seededRandom(99);
  const nudged = input.map((v) => v * (1 + (random() - 0.5) * 2.4e-7) + (random() - 0.5) * 1e-9);
  const a = runReference(reference, input, shape, names);
  const b = runReference(reference, nudged, shape, names);
  const out: Record<string, number> = {};
  for (const name of names) {
    let max = 0;
    const x = a[name]!.data;
    const y = b[name]!.data;
    for (let k = 0; k < x.length; k++) max = Math.max(max, Math.abs(x[k]! - y[k]!));
    out[name] = max;
  }
  return out;
}

const measured: Record<string, number> = {};
const floors: Record<string, number> = {};
afterAll(() => {
  // Printed so the measured precision is visible in CI logs, not only pass/fail.
  console.info("tfjs-to-onnx max abs differences:", measured, "float32 noise floors:", floors);
});

for (const modelName of ["emotion", "blazeface"] as const) {
  describe(`${modelName} (human) converted to ONNX`, () => {
    let converted: ConvertedModel;
    let session: ort.InferenceSession;
    let reference: tf.GraphModel;

    beforeAll(async () => {
      const jsonPath = join(humanModelsDir(), `${modelName}.json`);
      converted = await convertTfjsModelFile(jsonPath);
      session = await ort.InferenceSession.create(converted.bytes);
      const json = JSON.parse(await readFile(jsonPath, "utf8")) as tf.io.ModelJSON;
      reference = await loadReferenceModel(json, new Uint8Array(await readFile(join(humanModelsDir(), `${modelName}.bin`))));
    });
    afterAll(async () => {
      await session?.release();
      reference?.dispose();
    });

    const shapeFor = (batch: number) => (modelName === "emotion" ? [batch, 64, 64, 1] : [1, 256, 256, 3]);
    const cases: Array<[string, () => { input: Float32Array; shape: number[] }]> = [
      ["uniform random in [0, 1]", () => ({ shape: shapeFor(modelName === "emotion" ? 3 : 1), input: randomInput(shapeFor(modelName === "emotion" ? 3 : 1), 1) })],
      ["uniform random in [-1, 1]", () => ({ shape: shapeFor(1), input: randomInput(shapeFor(1), 2, -1, 1) })],
      ["a structured face-like picture", () => {
        const shape = shapeFor(modelName === "emotion" ? 2 : 1);
        return { shape, input: structuredInput(shape[0]!, shape[1]!, shape[3]!) };
      }],
    ];
    for (const [label, make] of cases) {
      it(`matches tfjs within ${TOLERANCE} (or float32's own noise floor, if higher) on ${label}`, async () => {
        const { input, shape } = make();
        const diffs = await compare(converted, session, reference, input, shape);
        const floor = noiseFloor(reference, input, shape, Object.keys(diffs));
        for (const [name, diff] of Object.entries(diffs)) {
          const key = `${modelName}/${name}`;
          measured[key] = Math.max(measured[key] ?? 0, diff);
          floors[key] = Math.max(floors[key] ?? 0, floor[name]!);
          // A conversion bug shows up as errors of 1e-2 and more; 4x the floor leaves room for
          // summation-order rounding only.
          expect(diff, `${name} on ${label}`).toBeLessThanOrEqual(Math.max(TOLERANCE, 4 * floor[name]!));
        }
      });
    }

    it("keeps the NHWC interface and the TF names at the graph boundary", () => {
      const model = decodeModel(converted.bytes);
      if (modelName === "emotion") {
        expect(converted.inputs).toEqual([{ name: "input_1", type: "float32", shape: ["batch", 64, 64, 1] }]);
        expect(converted.outputs).toEqual([{ name: "Identity", type: "float32", shape: ["batch", 7] }]);
      } else {
        expect(converted.inputs).toEqual([{ name: "input", type: "float32", shape: [1, 256, 256, 3] }]);
        expect(converted.outputs.map((o) => o.name).sort()).toEqual(["Identity", "Identity_1", "Identity_2", "Identity_3"]);
      }
      // Consecutive convolutions stay NCHW: only boundary transposes (and the few before Reshape) remain.
      const transposes = model.graph.node.filter((n) => n.opType === "Transpose").length;
      expect(transposes).toBeLessThanOrEqual(modelName === "emotion" ? 1 : 5);
    });
  });
}

describe("synthetic TF.js graphs", () => {
  it("cover Relu6, LeakyRelu, VALID pooling, fused depthwise, PadV2, AvgPool, keep_dims and constant broadcasting", async () => {
    const m = new SyntheticModel();
    const x = m.placeholder("x", [-1, 9, 9, 2]);
    const c1 = m.conv("c1", x, [3, 3, 2, 4], { padding: "VALID", fused: ["BiasAdd", "Relu6"] }); // 7x7x4
    const p1 = m.pool("p1", "MaxPool", c1, 2, 2, "VALID"); // 3x3x4
    const d1 = m.conv("d1", p1, [3, 3, 4, 2], { depthwise: true, padding: "SAME", fused: ["BiasAdd", "Relu"] }); // 3x3x8
    const pad = m.op("pad", "PadV2", [d1, m.constant("pad/p", [4, 2], [0, 0, 1, 0, 0, 2, 0, 0], "int32"), m.constant("pad/v", [], [0.25])]);
    const a1 = m.pool("a1", "AvgPool", pad, 2, 2, "SAME"); // 2x3x8 (4x5 input)
    const c2 = m.conv("c2", a1, [1, 1, 8, 8], { padding: "SAME", fused: ["BiasAdd", "LeakyRelu"], alpha: 0.3 });
    const mean = m.op("mean", "Mean", [c2, m.constant("mean/axes", [2], [1, 2], "int32")], { keep_dims: { b: true }, Tidx: { type: "DT_INT32" } });
    const flat = m.op("flat", "Reshape", [mean, m.constant("flat/shape", [2], [-1, 8], "int32")]);
    const scaled = m.op("scaled", "Mul", [flat, m.constant("scale", [8])]);
    const shifted = m.op("shifted", "Sub", [scaled, m.constant("shift", [], [0.5])]);
    m.op("probs", "Softmax", [shifted]);
    // A second, 4-D output exercises the NCHW -> NHWC boundary transpose and a stride-2 plain conv.
    const c3 = m.conv("c3", x, [3, 3, 2, 3], { padding: "SAME", stride: 2 });
    const c3b = m.op("c3b", "BiasAdd", [c3, m.constant("c3/b", [3])], { data_format: { s: Buffer.from("NHWC").toString("base64") } });
    m.op("spatial", "Relu6", [m.op("c3m", "Maximum", [c3b, m.constant("floor", [], [-0.1])])]);
    const { json, weights } = m.build(["probs", "spatial"], [-1, 9, 9, 2]);

    const converted = convertTfjsGraphModel(json, weights);
    expect(converted.opCounts).toMatchObject({ _FusedConv2D: 2, FusedDepthwiseConv2dNative: 1, MaxPool: 1, AvgPool: 1, PadV2: 1, Mean: 1, Conv2D: 1, BiasAdd: 1 });
    const session = await ort.InferenceSession.create(converted.bytes);
    const reference = await loadReferenceModel(json as unknown as tf.io.ModelJSON, weights);
    try {
      for (const seed of [11, 12]) {
        const diffs = await compare(converted, session, reference, randomInput([2, 9, 9, 2], seed, -3, 3), [2, 9, 9, 2]);
        for (const [name, diff] of Object.entries(diffs)) {
          measured[`synthetic/${name}`] = Math.max(measured[`synthetic/${name}`] ?? 0, diff);
          expect(diff, name).toBeLessThanOrEqual(1e-5);
        }
      }
    } finally {
      await session.release();
      reference.dispose();
    }
  });

  it("names the op and the node when an op is not supported", () => {
    const m = new SyntheticModel();
    const x = m.placeholder("x", [1, 4]);
    m.op("my/erf", "Erf", [x]);
    const { json, weights } = m.build(["my/erf"], [1, 4]);
    expect(() => convertTfjsGraphModel(json, weights)).toThrow(UnsupportedOpError);
    expect(() => convertTfjsGraphModel(json, weights)).toThrow('unsupported TF op Erf at node "my/erf"');
  });

  it("rejects weights that do not match the manifest", () => {
    const m = new SyntheticModel();
    const x = m.placeholder("x", [1, 4]);
    m.op("y", "Mul", [x, m.constant("k", [4])]);
    const { json, weights } = m.build(["y"], [1, 4]);
    expect(() => convertTfjsGraphModel(json, weights.subarray(0, 8))).toThrow(/holds 8 bytes but the manifest describes 16/);
  });
});

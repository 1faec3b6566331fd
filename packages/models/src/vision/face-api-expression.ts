/**
 * face-api's facial expression network (FaceExpressionNet over FaceFeatureExtractor) rebuilt as
 * ONNX. @vladmandic/face-api ships it as a bare weights manifest (no graph topology), so the
 * tfjs-to-onnx converter cannot read it: the architecture is written out here, op for op, from
 * face-api's src/faceFeatureExtractor and src/faceProcessor, and the weights are loaded into it.
 *
 * The ONNX model takes raw RGB in [0, 255] (NHWC, 112x112) and does face-api's normalisation itself
 * (subtract the mean RGB, divide by 255), so callers only crop and resize.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { decodeWeights, type ConstTensor, type TfjsModelJson } from "../convert/tfjs-model";
import { GraphBuilder } from "../onnx/builder";

/** face-api's labels in output order (src/faceExpressionNet/FaceExpressions.ts). */
export const FACE_API_EXPRESSION_LABELS = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"] as const;

/** Explicit mapping from face-api's names to ekman7; a documented table, not a cast. */
export const FACE_API_TO_EKMAN7: Record<(typeof FACE_API_EXPRESSION_LABELS)[number], string> = {
  neutral: "neutral",
  happy: "joy",
  sad: "sadness",
  angry: "anger",
  fearful: "fear",
  disgusted: "disgust",
  surprised: "surprise",
};

export const FACE_API_EXPRESSION_INPUT = { name: "input", size: 112 } as const;
export const FACE_API_EXPRESSION_OUTPUT = "scores";
/** FaceFeatureExtractor's normalisation constants. */
export const FACE_API_MEAN_RGB = [122.782, 117.001, 104.298] as const;

/** The folder of @vladmandic/face-api's model files (resolved, never imported: it pulls in tfjs-node). */
export function faceApiModelsDir(): string {
  const entry = createRequire(import.meta.url).resolve("@vladmandic/face-api");
  return join(dirname(dirname(entry)), "model");
}

export interface FaceApiWeightFiles {
  manifestPath: string;
  binPath: string;
}

export function faceApiExpressionFiles(dir = faceApiModelsDir()): FaceApiWeightFiles {
  return {
    manifestPath: join(dir, "face_expression_model-weights_manifest.json"),
    binPath: join(dir, "face_expression_model.bin"),
  };
}

/** Reads the weights manifest and its shards and dequantises them into named tensors. */
export async function readFaceApiExpressionWeights(files = faceApiExpressionFiles()): Promise<Map<string, ConstTensor>> {
  const manifest = JSON.parse(await readFile(files.manifestPath, "utf8")) as TfjsModelJson["weightsManifest"];
  const data = await readFile(files.binPath);
  // decodeWeights reads only the manifest part of a graph model.
  const shell: TfjsModelJson = { format: "graph-model", modelTopology: { node: [] }, weightsManifest: manifest };
  return decodeWeights(shell, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), files.binPath);
}

/** TF conv filter [kh, kw, in, out] -> ONNX [out, in, kh, kw]. */
function convFilter(t: ConstTensor): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, cout] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = t.data[((y * kw + x) * cin + i) * cout + o]!;
  return { data: out, dims: [cout, cin, kh, kw] };
}

/** TF depthwise filter [kh, kw, in, 1] -> ONNX grouped conv [in, 1, kh, kw]. */
function depthwiseFilter(t: ConstTensor): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, mult] = t.shape as [number, number, number, number];
  if (mult !== 1) throw new Error(`depthwise multiplier ${mult} is not supported`);
  const out = new Float32Array(t.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++) out[(i * kh + y) * kw + x] = t.data[(y * kw + x) * cin + i]!;
  return { data: out, dims: [cin, 1, kh, kw] };
}

/** Builds the ONNX model from face-api's dequantised weights. */
export function buildFaceApiExpressionOnnx(weights: Map<string, ConstTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const get = (name: string): ConstTensor => {
    const t = weights.get(name);
    if (!t) throw new Error(`face-api expression weights lack "${name}"`);
    return t;
  };
  const g = new GraphBuilder({ opset: 17, producerName: "attune-face-api-expression", metadata });
  const size = FACE_API_EXPRESSION_INPUT.size;
  const input = g.input(FACE_API_EXPRESSION_INPUT.name, "float32", ["batch", size, size, 3]);
  const mean = g.initializer("mean_rgb", Float32Array.from(FACE_API_MEAN_RGB), [1, 1, 1, 3]);
  const inv255 = g.initializer("inv_255", Float32Array.of(1 / 255), []);
  const normalised = g.node("Mul", [g.node("Sub", [input, mean]), inv255]);
  let x = g.node("Transpose", [normalised], { perm: [0, 3, 1, 2] });

  const conv = (from: string, prefix: string, stride: number): string => {
    const f = convFilter(get(`${prefix}/filters`));
    const w = g.initializer(`${prefix}/filters`, f.data, f.dims);
    const b = g.initializer(`${prefix}/bias`, Float32Array.from(get(`${prefix}/bias`).data), [f.dims[0]!]);
    // TF "same" puts the odd padding pixel at the end, which is ONNX SAME_UPPER.
    return g.node("Conv", [from, w, b], { kernel_shape: [f.dims[2]!, f.dims[3]!], strides: [stride, stride], auto_pad: "SAME_UPPER" });
  };
  // tf.separableConv2d: depthwise (strided, no bias) then pointwise, then face-api adds the bias.
  const separable = (from: string, prefix: string, stride: number): string => {
    const d = depthwiseFilter(get(`${prefix}/depthwise_filter`));
    const dw = g.initializer(`${prefix}/depthwise_filter`, d.data, d.dims);
    const depth = g.node("Conv", [from, dw], {
      kernel_shape: [d.dims[2]!, d.dims[3]!],
      strides: [stride, stride],
      group: d.dims[0]!,
      auto_pad: "SAME_UPPER",
    });
    const p = convFilter(get(`${prefix}/pointwise_filter`));
    const pw = g.initializer(`${prefix}/pointwise_filter`, p.data, p.dims);
    const b = g.initializer(`${prefix}/bias`, Float32Array.from(get(`${prefix}/bias`).data), [p.dims[0]!]);
    return g.node("Conv", [depth, pw, b], { kernel_shape: [1, 1] });
  };
  // denseBlock4 (src/faceFeatureExtractor/denseBlock.ts): each conv sees the sum of all earlier ones.
  const denseBlock4 = (from: string, prefix: string, first: boolean): string => {
    const out1 = g.node("Relu", [first ? conv(from, `${prefix}/conv0`, 2) : separable(from, `${prefix}/conv0`, 2)]);
    const out2 = separable(out1, `${prefix}/conv1`, 1);
    const in3 = g.node("Relu", [g.node("Add", [out1, out2])]);
    const out3 = separable(in3, `${prefix}/conv2`, 1);
    const sum3 = g.node("Add", [out1, g.node("Add", [out2, out3])]);
    const out4 = separable(g.node("Relu", [sum3]), `${prefix}/conv3`, 1);
    return g.node("Relu", [g.node("Add", [sum3, out4])]);
  };
  x = denseBlock4(x, "dense0", true);
  x = denseBlock4(x, "dense1", false);
  x = denseBlock4(x, "dense2", false);
  x = denseBlock4(x, "dense3", false);
  // 7x7 features, 7x7 valid average pool: one 256-vector per face.
  x = g.node("AveragePool", [x], { kernel_shape: [7, 7], strides: [2, 2] });
  x = g.node("Flatten", [x], { axis: 1 });
  const fcW = get("fc/weights");
  const w = g.initializer("fc/weights", Float32Array.from(fcW.data), fcW.shape);
  const b = g.initializer("fc/bias", Float32Array.from(get("fc/bias").data), [fcW.shape[1]!]);
  const logits = g.node("Add", [g.node("MatMul", [x, w]), b]);
  g.node("Softmax", [logits], { axis: -1 }, { outputs: [FACE_API_EXPRESSION_OUTPUT] });
  g.output(FACE_API_EXPRESSION_OUTPUT, "float32", ["batch", FACE_API_EXPRESSION_LABELS.length]);
  return g.toBytes();
}

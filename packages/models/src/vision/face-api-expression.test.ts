import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../test/tfjs-reference";
import type { ConstTensor } from "../convert/tfjs-model";
import { buildFaceApiExpressionOnnx, FACE_API_EXPRESSION_LABELS, FACE_API_MEAN_RGB, readFaceApiExpressionWeights } from "./face-api-expression";
import { FACE_API_EXPRESSION_MODEL } from "./face-api-expression-model";
import { readFile } from "node:fs/promises";

/**
 * face-api's forward pass written with tfjs ops, line for line from its source
 * (FaceFeatureExtractor.forwardInput, denseBlock4, depthwiseSeparableConv, FaceProcessor.runNet):
 * the reference our hand-built ONNX graph must reproduce.
 */
function faceApiReference(weights: Map<string, ConstTensor>, input: Float32Array, batch: number): Float32Array {
  const t = (name: string) => {
    const w = weights.get(name)!;
    return tf.tensor(w.data, w.shape, "float32");
  };
  const sep = (x: tf.Tensor4D, p: string, stride: [number, number]) =>
    tf.add(tf.separableConv2d(x, t(`${p}/depthwise_filter`) as tf.Tensor4D, t(`${p}/pointwise_filter`) as tf.Tensor4D, stride, "same"), t(`${p}/bias`)) as tf.Tensor4D;
  const dense = (x: tf.Tensor4D, p: string, first: boolean) => {
    const out1 = tf.relu(first ? tf.add(tf.conv2d(x, t(`${p}/conv0/filters`) as tf.Tensor4D, [2, 2], "same"), t(`${p}/conv0/bias`)) : sep(x, `${p}/conv0`, [2, 2])) as tf.Tensor4D;
    const out2 = sep(out1, `${p}/conv1`, [1, 1]);
    const in3 = tf.relu(tf.add(out1, out2)) as tf.Tensor4D;
    const out3 = sep(in3, `${p}/conv2`, [1, 1]);
    const in4 = tf.relu(tf.add(out1, tf.add(out2, out3))) as tf.Tensor4D;
    const out4 = sep(in4, `${p}/conv3`, [1, 1]);
    return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4)))) as tf.Tensor4D;
  };
  return tf.tidy(() => {
    const x = tf.tensor4d(input, [batch, 112, 112, 3]);
    const normalized = tf.div(tf.sub(x, tf.tensor1d([...FACE_API_MEAN_RGB])), 255) as tf.Tensor4D;
    let out = dense(normalized, "dense0", true);
    out = dense(out, "dense1", false);
    out = dense(out, "dense2", false);
    out = dense(out, "dense3", false);
    out = tf.avgPool(out, [7, 7], [2, 2], "valid");
    const logits = tf.add(tf.matMul(tf.reshape(out, [batch, -1]) as tf.Tensor2D, t("fc/weights") as tf.Tensor2D), t("fc/bias"));
    return tf.softmax(logits).dataSync() as Float32Array;
  });
}

describe("face-api expression model rebuilt as ONNX", () => {
  let weights: Map<string, ConstTensor>;
  let session: ort.InferenceSession;
  beforeAll(async () => {
    await tf.setBackend("cpu");
    weights = await readFaceApiExpressionWeights();
    session = await ort.InferenceSession.create(buildFaceApiExpressionOnnx(weights), { intraOpNumThreads: 1 });
  });

  it("matches face-api's own forward pass (tfjs) on random faces, batched", async () => {
    const batch = 2;
    const rand = seededRandom(7);
    const input = Float32Array.from({ length: batch * 112 * 112 * 3 }, () => rand() * 255);
    const expected = faceApiReference(weights, input, batch);
    const out = await session.run({ input: new ort.Tensor("float32", input, [batch, 112, 112, 3]) });
    const actual = out.scores!.data as Float32Array;
    expect(actual.length).toBe(batch * FACE_API_EXPRESSION_LABELS.length);
    for (let i = 0; i < actual.length; i++) expect(actual[i]!).toBeCloseTo(expected[i]!, 4);
    for (let b = 0; b < batch; b++) expect(actual.slice(b * 7, b * 7 + 7).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
  });

  it("is the committed asset, rebuilt byte for byte from the installed package", async () => {
    const committed = new Uint8Array(await readFile(FACE_API_EXPRESSION_MODEL.onnxFile()));
    const rebuilt = buildFaceApiExpressionOnnx(weights, { "attune.source": "@vladmandic/face-api@1.7.15 face_expression_model" });
    expect(Buffer.compare(Buffer.from(committed), Buffer.from(rebuilt))).toBe(0);
  });
});

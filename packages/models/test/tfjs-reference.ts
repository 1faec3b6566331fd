/**
 * Test helper: runs a TF.js graph model through @tensorflow/tfjs (pure-JS cpu backend) from
 * in-memory model.json + weights, with no fetch and no file:// handler, as the reference the
 * ONNX conversion is compared against.
 */
import * as tf from "@tensorflow/tfjs";

let backendReady: Promise<boolean> | undefined;

export async function loadReferenceModel(modelJson: tf.io.ModelJSON, weightData: Uint8Array): Promise<tf.GraphModel> {
  backendReady ??= tf.setBackend("cpu");
  await backendReady;
  const buffer = weightData.slice().buffer;
  const handler: tf.io.IOHandler = {
    load: () => tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => [manifest.flatMap((g) => g.weights), buffer]),
  };
  return tf.loadGraphModel(handler);
}

/** Runs the model on one NHWC input and returns each named output as a flat Float32Array. */
export function runReference(
  model: tf.GraphModel,
  input: Float32Array,
  shape: number[],
  outputNames: string[],
): Record<string, { data: Float32Array; dims: number[] }> {
  return tf.tidy(() => {
    const x = tf.tensor(input, shape, "float32");
    const result = model.execute(x, outputNames);
    const list = Array.isArray(result) ? result : [result];
    const out: Record<string, { data: Float32Array; dims: number[] }> = {};
    outputNames.forEach((name, k) => {
      const t = list[k]!;
      out[name] = { data: t.dataSync() as Float32Array, dims: t.shape };
    });
    return out;
  });
}

/** Deterministic pseudo-random numbers (mulberry32) so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

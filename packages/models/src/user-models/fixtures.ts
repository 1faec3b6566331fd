/**
 * Small real ONNX models for tests, demos and the docs: built with GraphBuilder, no files needed.
 */
import { GraphBuilder } from "../onnx/builder";

/**
 * A linear classifier with softmax: float32 `features` [batch, inputSize] -> `probs` [batch, classes].
 * Weights are deterministic: class k looks at feature k (mod inputSize), so feeding a one-hot vector
 * at index k makes class k the clear winner.
 */
export function buildExampleClassifier(options: { inputSize?: number; classes?: number; inputName?: string } = {}): Uint8Array {
  const inputSize = options.inputSize ?? 4;
  const classes = options.classes ?? 3;
  const g = new GraphBuilder({ opset: 17, producerName: "attune-example" });
  const x = g.input(options.inputName ?? "features", "float32", ["batch", inputSize]);
  const w = new Float32Array(inputSize * classes);
  for (let k = 0; k < classes; k++) w[(k % inputSize) * classes + k] = 4;
  const weights = g.initializer("w", w, [inputSize, classes]);
  const bias = g.initializer("b", new Float32Array(classes), [classes]);
  const logits = g.node("Add", [g.node("MatMul", [x, weights]), bias]);
  g.node("Softmax", [logits], { axis: -1 }, { outputs: ["probs"] });
  g.output("probs", "float32", ["batch", classes]);
  return g.toBytes();
}

/** A regression model: float32 `x` [1, n] -> `y` [1, 1] = mean of x. */
export function buildExampleRegressor(n = 4): Uint8Array {
  const g = new GraphBuilder({ opset: 17, producerName: "attune-example" });
  const x = g.input("x", "float32", [1, n]);
  g.node("ReduceMean", [x], { axes: [1], keepdims: 1 }, { outputs: ["y"] });
  g.output("y", "float32", [1, 1]);
  return g.toBytes();
}

import { GraphBuilder } from "../../src/onnx/builder";
import type { Params } from "./model";

/**
 * The trained classifier as ONNX, op for op the same computation as `forward` in model.ts:
 *   ids int64 [batch, n], weights float32 [batch, n]
 *   -> Gather(table, ids) * weights[..., None] -> ReduceSum over n -> (MatMul W) + b -> Softmax
 * Padding a batch is allowed (any id with weight 0 contributes nothing).
 */
export function exportOnnx(p: Params, metadata: Record<string, string>): Uint8Array {
  const { buckets, classes, dim } = p.shape;
  const width = dim === 0 ? classes : dim;
  const g = new GraphBuilder({ opset: 17, producerName: "attune-train/text-emotion", graphName: "text_emotion", metadata });
  const ids = g.input("ids", "int64", ["batch", "n"]);
  const weights = g.input("weights", "float32", ["batch", "n"]);
  const table = g.initializer("table", p.table, [buckets, width]);
  const axisLast = g.initializer("axis_last", BigInt64Array.from([-1n]), [1]);
  const axisBag = g.initializer("axis_bag", BigInt64Array.from([1n]), [1]);
  const b = g.initializer("bias", p.b, [classes]);
  const vectors = g.node("Gather", [table, ids], { axis: 0 });
  const w3 = g.node("Unsqueeze", [weights, axisLast]);
  const pooled = g.node("ReduceSum", [g.node("Mul", [vectors, w3]), axisBag], { keepdims: 0 });
  const projected = p.w === null ? pooled : g.node("MatMul", [pooled, g.initializer("proj", p.w, [dim, classes])]);
  const logits = g.node("Add", [projected, b], {}, { outputs: ["logits"] });
  g.node("Softmax", [logits], { axis: -1 }, { outputs: ["scores"] });
  g.output("scores", "float32", ["batch", classes]);
  return g.toBytes();
}

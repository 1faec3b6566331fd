/**
 * Builds small hand-written TF.js graph models, to cover converter paths the shipped models do not
 * exercise (Relu6, VALID pooling, fused depthwise, AvgPool, PadV2, keep_dims, constant broadcasting).
 */
import { seededRandom } from "./tfjs-reference";

interface SyntheticNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
const str = (s: string) => ({ s: b64(s) });

export class SyntheticModel {
  readonly nodes: SyntheticNode[] = [];
  private readonly weights: Array<{ name: string; shape: number[]; dtype: "float32" | "int32"; data: Float32Array | Int32Array }> = [];
  private readonly random = seededRandom(7);

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: { dim: shape.map((s) => ({ size: String(s) })) } } } });
    return name;
  }

  constant(name: string, shape: number[], data?: number[], dtype: "float32" | "int32" = "float32"): string {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = data ?? Array.from({ length: size }, () => this.random() - 0.5);
    const typed = dtype === "float32" ? Float32Array.from(values) : Int32Array.from(values);
    const tfType = dtype === "float32" ? "DT_FLOAT" : "DT_INT32";
    this.weights.push({ name, shape, dtype, data: typed });
    this.nodes.push({ name, op: "Const", attr: { value: { tensor: { dtype: tfType, tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } } }, dtype: { type: tfType } } });
    return name;
  }

  op(name: string, op: string, input: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: { type: "DT_FLOAT" }, ...attr } });
    return name;
  }

  conv(name: string, x: string, filterShape: [number, number, number, number], opts: { depthwise?: boolean; padding: string; stride?: number; fused?: string[]; alpha?: number }): string {
    const w = this.constant(`${name}/w`, filterShape);
    const outChannels = opts.depthwise ? filterShape[2] * filterShape[3] : filterShape[3];
    const inputs = [x, w];
    const fused = opts.fused ?? [];
    if (fused.length > 0) inputs.push(this.constant(`${name}/b`, [outChannels]));
    const s = opts.stride ?? 1;
    const op = opts.depthwise ? (fused.length ? "FusedDepthwiseConv2dNative" : "DepthwiseConv2dNative") : fused.length ? "_FusedConv2D" : "Conv2D";
    return this.op(name, op, inputs, {
      strides: ints(1, s, s, 1),
      dilations: ints(1, 1, 1, 1),
      padding: str(opts.padding),
      data_format: str("NHWC"),
      ...(fused.length ? { fused_ops: { list: { s: fused.map(b64) } }, num_args: { i: "1" } } : {}),
      ...(opts.alpha === undefined ? {} : { leakyrelu_alpha: { f: opts.alpha } }),
    });
  }

  pool(name: string, op: "MaxPool" | "AvgPool", x: string, k: number, s: number, padding: string): string {
    return this.op(name, op, [x], { ksize: ints(1, k, k, 1), strides: ints(1, s, s, 1), padding: str(padding), data_format: str("NHWC") });
  }

  /** model.json content and the single weights shard. */
  build(outputs: string[], inputShape: number[]): { json: Record<string, unknown>; weights: Uint8Array } {
    const bytes = this.weights.reduce((n, w) => n + w.data.byteLength, 0);
    const data = new Uint8Array(bytes);
    let offset = 0;
    for (const w of this.weights) {
      data.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), offset);
      offset += w.data.byteLength;
    }
    const spec = (name: string, shape: number[]) => ({ name: `${name}:0`, dtype: "DT_FLOAT", tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } });
    const json = {
      format: "graph-model",
      generatedBy: "attune-test",
      convertedBy: "attune-test",
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      userDefinedMetadata: {
        signature: {
          inputs: { "x:0": spec("x", inputShape) },
          outputs: Object.fromEntries(outputs.map((o) => [`${o}:0`, { name: `${o}:0`, dtype: "DT_FLOAT" }])),
        },
      },
      weightsManifest: [{ paths: ["weights.bin"], weights: this.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })) }],
    };
    return { json, weights: data };
  }
}

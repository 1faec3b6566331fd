/**
 * Converts TF.js graph models to ONNX, so every model we ship runs on one runtime (onnxruntime).
 *
 * Layout: TF graphs are NHWC, ONNX Conv/MaxPool are NCHW. The graph boundary stays NHWC (callers feed
 * the same tensors TF.js takes), and each value records whether it is held in TF layout or
 * transposed to NCHW. Conv/pool ops ask for NCHW, layout-sensitive ops (Reshape, Softmax, a reduction
 * whose result order would change) ask for TF layout, elementwise ops keep whatever they get; a
 * Transpose is inserted only where a consumer needs the other layout, once per value and layout.
 * Back-to-back convolutions therefore run without transposes in between.
 *
 * Supported ops (TF names): Placeholder, Const, Identity, Conv2D, _FusedConv2D, DepthwiseConv2dNative,
 * FusedDepthwiseConv2dNative (fused BiasAdd + Relu/Relu6/LeakyRelu/Sigmoid/none), MaxPool, AvgPool
 * (SAME/VALID/EXPLICIT), BiasAdd, Add/AddV2/Sub/Mul/RealDiv/Maximum/Minimum, Relu, Relu6, Sigmoid,
 * Tanh, Pad/PadV2, Reshape, Mean/Sum/Max, Softmax. Anything else fails with UnsupportedOpError.
 */
import { asFloat, GraphBuilder } from "../onnx/builder";
import type { Dim } from "../onnx/builder";
import {
  type ConstTensor,
  decodeWeights,
  parseTfjsModelJson,
  readTfjsModelFiles,
  signatureOf,
  type TfAttrValue,
  type TfjsModelJson,
  type TfNode,
} from "./tfjs-model";

/** Thrown for a TF op (or op variant) the converter does not translate. */
export class UnsupportedOpError extends Error {
  constructor(
    readonly op: string,
    readonly node: string,
    detail?: string,
  ) {
    super(`unsupported TF op ${op} at node "${node}"${detail ? `: ${detail}` : ""}`);
    this.name = "UnsupportedOpError";
  }
}

/** A tensor at the ONNX graph boundary; shapes are NHWC like the TF.js model's. */
export interface BoundaryTensor {
  name: string;
  type: "float32" | "int32";
  /** NHWC like the TF.js model; absent when the model's signature does not state it. */
  shape?: Dim[];
}

export interface ConvertedModel {
  bytes: Uint8Array;
  inputs: BoundaryTensor[];
  outputs: BoundaryTensor[];
  /** How many TF nodes of each op were translated (pruned and Const nodes excluded). */
  opCounts: Record<string, number>;
}

export interface ConvertOptions {
  /** Default 17: new enough for single-axis Softmax (13+), old enough for any runtime we target. */
  opset?: number;
  producerName?: string;
  metadata?: Record<string, string>;
}

type Layout = "tf" | "nchw";
type Value = { kind: "tensor"; name: string; layout: Layout } | { kind: "const"; tensor: ConstTensor };

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** Position of each NHWC axis inside an NCHW tensor. */
const NHWC_AXIS_IN_NCHW = [0, 2, 3, 1];

const decoder = new TextDecoder();
const b64 = (s: string): string => decoder.decode(Buffer.from(s, "base64"));

function attrString(node: TfNode, key: string): string | undefined {
  const s = node.attr?.[key]?.s;
  return s === undefined ? undefined : b64(s);
}
function attrInts(node: TfNode, key: string): number[] | undefined {
  return node.attr?.[key]?.list?.i?.map(Number);
}
function attrBool(node: TfNode, key: string): boolean {
  return node.attr?.[key]?.b ?? false;
}
function attrFloat(node: TfNode, key: string): number | undefined {
  return node.attr?.[key]?.f;
}
function attrStrings(node: TfNode, key: string): string[] {
  return node.attr?.[key]?.list?.s?.map(b64) ?? [];
}

function shapeFromAttr(value: TfAttrValue | undefined): Dim[] | undefined {
  const shape = value?.shape as { dim?: Array<{ size?: string | number }> } | undefined;
  return shape?.dim?.map((d, k) => {
    const size = Number(d.size ?? -1);
    if (size >= 0) return size;
    return k === 0 ? "batch" : null;
  });
}

function elementTypeOf(node: TfNode, key = "dtype"): "float32" | "int32" {
  const t = node.attr?.[key]?.type ?? "DT_FLOAT";
  if (t === "DT_FLOAT") return "float32";
  if (t === "DT_INT32") return "int32";
  throw new UnsupportedOpError(node.op, node.name, `dtype ${t}`);
}

/** Converts a parsed model.json plus its concatenated weight shards. */
export function convertTfjsGraphModel(modelJson: unknown, weightData: Uint8Array, options: ConvertOptions = {}): ConvertedModel {
  const model = parseTfjsModelJson(modelJson);
  return convertModel(model, decodeWeights(model, weightData), options);
}

/** Reads a TF.js graph model from disk (model.json next to its .bin shards) and converts it. */
export async function convertTfjsModelFile(jsonPath: string, options: ConvertOptions = {}): Promise<ConvertedModel> {
  const { model, weightData, files } = await readTfjsModelFiles(jsonPath);
  // Name the shard files: a truncated .bin is the usual way a download or copy goes wrong.
  const weights = decodeWeights(model, weightData, `weights of ${jsonPath} (${files.slice(1).join(", ")})`);
  return convertModel(model, weights, options);
}

function convertModel(model: TfjsModelJson, weights: Map<string, ConstTensor>, options: ConvertOptions): ConvertedModel {
  const nodes = new Map<string, TfNode>();
  for (const node of model.modelTopology.node) nodes.set(node.name, node);
  const signature = signatureOf(model);

  // Outputs: the signature's when present (it fixes names and order), else the nodes nobody consumes.
  const refName = (ref: string): string => ref.replace(/^\^/, "").replace(/:\d+$/, "");
  let outputNames = Object.values(signature?.outputs ?? {}).map((spec) => refName(spec.name));
  if (outputNames.length === 0) {
    const consumed = new Set(model.modelTopology.node.flatMap((n) => (n.input ?? []).map(refName)));
    outputNames = model.modelTopology.node.filter((n) => !consumed.has(n.name) && n.op !== "Const").map((n) => n.name);
  }
  const outputSet = new Set(outputNames);
  const signatureShape = new Map<string, Dim[]>();
  for (const spec of Object.values(signature?.outputs ?? {})) {
    const dims = spec.tensorShape?.dim?.map((d, k): Dim => {
      const size = Number(d.size ?? -1);
      return size >= 0 ? size : k === 0 ? "batch" : null;
    });
    if (dims) signatureShape.set(refName(spec.name), dims);
  }

  const g = new GraphBuilder({
    opset: options.opset ?? 17,
    producerName: options.producerName ?? "attune-tfjs-to-onnx",
    metadata: options.metadata,
  });
  const values = new Map<string, Value>();
  const transposed = new Map<string, string>();
  const opCounts: Record<string, number> = {};
  const inputs: BoundaryTensor[] = [];
  const visiting = new Set<string>();

  // A graph output's own name is reserved for the final boundary node.
  const valueName = (tfName: string): string => g.uniqueName(outputSet.has(tfName) ? `${tfName}__value` : tfName);

  const int64 = (name: string, values: readonly number[]): string =>
    g.initializer(g.uniqueName(name), BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);

  function constOf(node: TfNode, index: number): ConstTensor {
    const ref = node.input?.[index];
    if (ref === undefined) throw new UnsupportedOpError(node.op, node.name, `missing input ${index}`);
    const v = resolve(refName(ref));
    if (v.kind !== "const") throw new UnsupportedOpError(node.op, node.name, `input ${index} must be a constant`);
    return v.tensor;
  }

  function tensorOf(node: TfNode, index: number, want: Layout | "any"): { name: string; layout: Layout } {
    const ref = node.input?.[index];
    if (ref === undefined) throw new UnsupportedOpError(node.op, node.name, `missing input ${index}`);
    const source = refName(ref);
    const v = resolve(source);
    let current: { name: string; layout: Layout };
    if (v.kind === "const") {
      if (want === "nchw") throw new UnsupportedOpError(node.op, node.name, `constant input ${index} where an activation was expected`);
      // Materialised lazily: only constants consumed as tensors become initializers, in TF layout.
      const key = `${source}|const`;
      let name = transposed.get(key);
      if (name === undefined) {
        name = g.initializer(g.uniqueName(source), v.tensor.data, v.tensor.shape);
        transposed.set(key, name);
      }
      current = { name, layout: "tf" };
    } else {
      current = { name: v.name, layout: v.layout };
    }
    if (want === "any" || want === current.layout) return current;
    const key = `${current.name}|${want}`;
    let name = transposed.get(key);
    if (name === undefined) {
      name = g.node("Transpose", [current.name], { perm: want === "nchw" ? TO_NCHW : TO_NHWC }, {
        name: g.uniqueName(`${source}/to_${want}`),
        outputs: [g.uniqueName(`${source}/${want}`)],
      });
      transposed.set(key, name);
    }
    return { name, layout: want };
  }

  function resolve(tfName: string): Value {
    const done = values.get(tfName);
    if (done) return done;
    const node = nodes.get(tfName);
    if (!node) throw new Error(`the graph references node "${tfName}", which the model does not define`);
    if (visiting.has(tfName)) throw new Error(`the graph has a cycle through node "${tfName}"`);
    visiting.add(tfName);
    const value = translate(node);
    visiting.delete(tfName);
    values.set(tfName, value);
    if (node.op !== "Const") opCounts[node.op] = (opCounts[node.op] ?? 0) + 1;
    return value;
  }

  function activation(node: TfNode, op: string, x: string, out: string): string {
    switch (op) {
      case "Relu":
        return g.node("Relu", [x], {}, { outputs: [out] });
      case "Relu6":
        return g.node("Clip", [x, scalar(0), scalar(6)], {}, { outputs: [out] });
      case "Sigmoid":
        return g.node("Sigmoid", [x], {}, { outputs: [out] });
      case "Tanh":
        return g.node("Tanh", [x], {}, { outputs: [out] });
      case "LeakyRelu":
        return g.node("LeakyRelu", [x], { alpha: asFloat(attrFloat(node, "leakyrelu_alpha") ?? 0.2) }, { outputs: [out] });
      default:
        throw new UnsupportedOpError(node.op, node.name, `fused activation ${op}`);
    }
  }

  const scalars = new Map<number, string>();
  function scalar(v: number): string {
    let name = scalars.get(v);
    if (name === undefined) {
      name = g.initializer(g.uniqueName(`const_${v}`), new Float32Array([v]), []);
      scalars.set(v, name);
    }
    return name;
  }

  /** TF padding attribute -> ONNX auto_pad / pads. TF SAME puts the odd pixel at the end, like SAME_UPPER. */
  function padding(node: TfNode): { auto_pad?: string; pads?: number[] } {
    const mode = attrString(node, "padding");
    if (mode === "SAME") return { auto_pad: "SAME_UPPER" };
    if (mode === "VALID") return { auto_pad: "VALID" };
    if (mode === "EXPLICIT") {
      const p = attrInts(node, "explicit_paddings") ?? [];
      if (p.length !== 8) throw new UnsupportedOpError(node.op, node.name, "explicit_paddings must list 8 values");
      return { pads: [p[2]!, p[4]!, p[3]!, p[5]!] };
    }
    throw new UnsupportedOpError(node.op, node.name, `padding ${mode ?? "(missing)"}`);
  }

  function requireNhwc(node: TfNode): void {
    const format = attrString(node, "data_format") ?? "NHWC";
    if (format !== "NHWC") throw new UnsupportedOpError(node.op, node.name, `data_format ${format}`);
  }

  function conv(node: TfNode, depthwise: boolean): Value {
    requireNhwc(node);
    const x = tensorOf(node, 0, "nchw");
    const filter = constOf(node, 1);
    if (filter.dtype !== "float32" || filter.shape.length !== 4) throw new UnsupportedOpError(node.op, node.name, "filter must be 4-D float32");
    const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
    const src = filter.data;
    // HWIO -> OIHW; for depthwise HWCM -> (C*M)1HW, matching TF's output channel order c*M + m.
    const outChannels = depthwise ? cin * cout : cout;
    const w = new Float32Array(src.length);
    for (let h = 0; h < kh; h++)
      for (let x2 = 0; x2 < kw; x2++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout; o++) {
            const from = ((h * kw + x2) * cin + i) * cout + o;
            const to = depthwise ? ((i * cout + o) * kh + h) * kw + x2 : ((o * cin + i) * kh + h) * kw + x2;
            w[to] = src[from]!;
          }
    const weightName = g.initializer(g.uniqueName(`${node.name}/weights`), w, depthwise ? [outChannels, 1, kh, kw] : [cout, cin, kh, kw]);
    const convInputs = [x.name, weightName];

    const fused = attrStrings(node, "fused_ops");
    let act: string | undefined;
    if (fused.length > 0) {
      if (fused[0] !== "BiasAdd") throw new UnsupportedOpError(node.op, node.name, `fused ops [${fused.join(", ")}]`);
      if (fused.length > 2) throw new UnsupportedOpError(node.op, node.name, `fused ops [${fused.join(", ")}]`);
      const bias = constOf(node, 2);
      if (bias.data.length !== outChannels) throw new UnsupportedOpError(node.op, node.name, "bias size does not match output channels");
      convInputs.push(g.initializer(g.uniqueName(`${node.name}/bias`), Float32Array.from(bias.data), [outChannels]));
      act = fused[1];
    }
    const strides = attrInts(node, "strides") ?? [1, 1, 1, 1];
    const dilations = attrInts(node, "dilations") ?? [1, 1, 1, 1];
    const attrs = {
      kernel_shape: [kh, kw],
      strides: [strides[1]!, strides[2]!],
      dilations: [dilations[1]!, dilations[2]!],
      group: depthwise ? cin : 1,
      ...padding(node),
    };
    const out = valueName(node.name);
    if (act === undefined) {
      g.node("Conv", convInputs, attrs, { name: node.name, outputs: [out] });
    } else {
      const pre = g.node("Conv", convInputs, attrs, { name: node.name, outputs: [g.uniqueName(`${node.name}/conv`)] });
      activation(node, act, pre, out);
    }
    return { kind: "tensor", name: out, layout: "nchw" };
  }

  function pool(node: TfNode, op: "MaxPool" | "AveragePool"): Value {
    requireNhwc(node);
    const x = tensorOf(node, 0, "nchw");
    const k = attrInts(node, "ksize") ?? [];
    const s = attrInts(node, "strides") ?? [];
    if (k.length !== 4 || s.length !== 4 || k[0] !== 1 || k[3] !== 1) throw new UnsupportedOpError(node.op, node.name, "only spatial pooling");
    const out = valueName(node.name);
    // TF excludes padded cells from averages; count_include_pad=0 (the ONNX default) matches.
    g.node(op, [x.name], { kernel_shape: [k[1]!, k[2]!], strides: [s[1]!, s[2]!], ...padding(node) }, { name: node.name, outputs: [out] });
    return { kind: "tensor", name: out, layout: "nchw" };
  }

  /** A constant that broadcasts identically in either layout (a scalar or a single element). */
  function layoutNeutral(node: TfNode, index: number): boolean {
    const ref = node.input?.[index];
    if (ref === undefined) return false;
    const v = resolve(refName(ref));
    return v.kind === "const" && v.tensor.data.length === 1 && v.tensor.shape.length <= 1;
  }

  function binary(node: TfNode, op: string): Value {
    const a = resolve(refName(node.input?.[0] ?? ""));
    const b = resolve(refName(node.input?.[1] ?? ""));
    // Stay in NCHW only when both sides are NCHW activations (or one is a broadcast scalar);
    // anything else might broadcast by TF rules, which hold in TF layout only.
    const layoutOf = (v: Value, index: number): Layout | "neutral" =>
      v.kind === "tensor" ? v.layout : layoutNeutral(node, index) ? "neutral" : "tf";
    const la = layoutOf(a, 0);
    const lb = layoutOf(b, 1);
    const want: Layout = (la === "nchw" || la === "neutral") && (lb === "nchw" || lb === "neutral") && !(la === "neutral" && lb === "neutral") ? "nchw" : "tf";
    const x = la === "neutral" ? tensorOf(node, 0, "tf") : tensorOf(node, 0, want);
    const y = lb === "neutral" ? tensorOf(node, 1, "tf") : tensorOf(node, 1, want);
    const out = valueName(node.name);
    g.node(op, [x.name, y.name], {}, { name: node.name, outputs: [out] });
    return { kind: "tensor", name: out, layout: want };
  }

  function unary(node: TfNode, act: string): Value {
    const x = tensorOf(node, 0, "any");
    const out = valueName(node.name);
    activation(node, act, x.name, out);
    return { kind: "tensor", name: out, layout: x.layout };
  }

  function translate(node: TfNode): Value {
    switch (node.op) {
      case "Const": {
        const tensor = weights.get(node.name);
        if (!tensor) throw new Error(`constant "${node.name}" has no data in the weights manifest`);
        return { kind: "const", tensor };
      }
      case "Placeholder": {
        const type = elementTypeOf(node);
        const shape = shapeFromAttr(node.attr?.shape) ?? [];
        inputs.push({ name: node.name, type, shape });
        return { kind: "tensor", name: g.input(node.name, type, shape), layout: "tf" };
      }
      case "Identity":
      case "StopGradient":
        // Aliases cost nothing in ONNX; outputs get their own named node at the end.
        return resolve(refName(node.input?.[0] ?? ""));
      case "Conv2D":
      case "_FusedConv2D":
        return conv(node, false);
      case "DepthwiseConv2dNative":
      case "FusedDepthwiseConv2dNative":
        return conv(node, true);
      case "MaxPool":
        return pool(node, "MaxPool");
      case "AvgPool":
        return pool(node, "AveragePool");
      case "Add":
      case "AddV2":
        return binary(node, "Add");
      case "Sub":
        return binary(node, "Sub");
      case "Mul":
        return binary(node, "Mul");
      case "RealDiv":
        return binary(node, "Div");
      case "Maximum":
        return binary(node, "Max");
      case "Minimum":
        return binary(node, "Min");
      case "BiasAdd": {
        requireNhwc(node);
        const x = tensorOf(node, 0, "any");
        const bias = constOf(node, 1);
        // In NCHW the channel vector must broadcast over H and W: reshape it to [C, 1, 1].
        const b = g.initializer(g.uniqueName(`${node.name}/bias`), Float32Array.from(bias.data), x.layout === "nchw" ? [bias.data.length, 1, 1] : [bias.data.length]);
        const out = valueName(node.name);
        g.node("Add", [x.name, b], {}, { name: node.name, outputs: [out] });
        return { kind: "tensor", name: out, layout: x.layout };
      }
      case "Relu":
      case "Relu6":
      case "Sigmoid":
      case "Tanh":
        return unary(node, node.op);
      case "Softmax": {
        const x = tensorOf(node, 0, "tf");
        const out = valueName(node.name);
        g.node("Softmax", [x.name], { axis: -1 }, { name: node.name, outputs: [out] });
        return { kind: "tensor", name: out, layout: "tf" };
      }
      case "Reshape": {
        // Reshape reinterprets element order, which is only TF's in TF layout.
        const x = tensorOf(node, 0, "tf");
        const shape = Array.from(constOf(node, 1).data);
        const out = valueName(node.name);
        g.node("Reshape", [x.name, int64(`${node.name}/shape`, shape)], {}, { name: node.name, outputs: [out] });
        return { kind: "tensor", name: out, layout: "tf" };
      }
      case "Pad":
      case "PadV2": {
        const x = tensorOf(node, 0, "any");
        const paddings = constOf(node, 1);
        const rank = paddings.shape[0] ?? 0;
        const rows = Array.from({ length: rank }, (_, k) => [paddings.data[2 * k]!, paddings.data[2 * k + 1]!] as const);
        const ordered = x.layout === "nchw" ? TO_NCHW.map((k) => rows[k]!) : rows;
        const pads = [...ordered.map((r) => r[0]), ...ordered.map((r) => r[1])];
        const padInputs = [x.name, int64(`${node.name}/pads`, pads)];
        if (node.op === "PadV2") padInputs.push(scalar(constOf(node, 2).data[0] ?? 0));
        const out = valueName(node.name);
        g.node("Pad", padInputs, { mode: "constant" }, { name: node.name, outputs: [out] });
        return { kind: "tensor", name: out, layout: x.layout };
      }
      case "Mean":
      case "Sum":
      case "Max": {
        const onnxOp = node.op === "Mean" ? "ReduceMean" : node.op === "Sum" ? "ReduceSum" : "ReduceMax";
        const keep = attrBool(node, "keep_dims");
        const axes = Array.from(constOf(node, 1).data);
        let x = tensorOf(node, 0, "any");
        let onnxAxes = axes;
        let outLayout: Layout = "tf";
        if (x.layout === "nchw") {
          const norm = axes.map((a) => (a < 0 ? a + 4 : a));
          const mapped = norm.map((a) => NHWC_AXIS_IN_NCHW[a]!);
          // Without keep_dims the surviving axes must come out in TF order, or we reduce in TF layout.
          const survivorsTf = [0, 1, 2, 3].filter((a) => !norm.includes(a));
          const survivorsNchw = TO_NCHW.filter((a) => !norm.includes(a));
          if (keep) {
            onnxAxes = mapped;
            outLayout = "nchw";
          } else if (survivorsTf.join() === survivorsNchw.join()) {
            onnxAxes = mapped;
          } else {
            x = tensorOf(node, 0, "tf");
          }
        }
        const out = valueName(node.name);
        const keepdims = keep ? 1 : 0;
        if (onnxOp === "ReduceSum" || (options.opset ?? 17) >= 18) {
          g.node(onnxOp, [x.name, int64(`${node.name}/axes`, onnxAxes)], { keepdims }, { name: node.name, outputs: [out] });
        } else {
          g.node(onnxOp, [x.name], { axes: onnxAxes, keepdims }, { name: node.name, outputs: [out] });
        }
        return { kind: "tensor", name: out, layout: outLayout };
      }
      default:
        throw new UnsupportedOpError(node.op, node.name);
    }
  }

  const outputs: BoundaryTensor[] = [];
  for (const name of outputNames) {
    const v = resolve(name);
    const node = nodes.get(name);
    const type = node?.attr?.T ? elementTypeOf(node, "T") : "float32";
    if (v.kind === "const") throw new UnsupportedOpError(node?.op ?? "Const", name, "constant graph outputs are not supported");
    if (v.layout === "nchw") g.node("Transpose", [v.name], { perm: TO_NHWC }, { name: `${name}/to_tf`, outputs: [name] });
    else g.node("Identity", [v.name], {}, { name: `${name}/output`, outputs: [name] });
    const shape = signatureShape.get(name);
    outputs.push(shape ? { name, type, shape } : { name, type });
    g.output(name, type, shape);
  }
  // Placeholders nobody consumes still belong to the model's interface.
  for (const node of model.modelTopology.node) if (node.op === "Placeholder") resolve(node.name);

  return { bytes: g.toBytes(), inputs, outputs, opCounts };
}

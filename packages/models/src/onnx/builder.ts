/**
 * A small ONNX graph builder: declare inputs, initializers and nodes in topological order, mark the
 * outputs, and serialise to bytes that onnxruntime loads directly.
 *
 * Example: a bag-of-embeddings text classifier (token ids -> mean embedding -> linear -> softmax).
 *
 * ```ts
 * import { GraphBuilder, asFloat } from "@attune/models";
 *
 * const g = new GraphBuilder({ opset: 17, producerName: "attune-train" });
 * const ids = g.input("input_ids", "int64", ["batch", "seq"]);           // named dims are dynamic
 * const emb = g.initializer("embedding", embeddingF32, [vocab, dim]);   // type inferred: float32
 * const w = g.initializer("w", weightsF32, [dim, 4]);
 * const b = g.initializer("b", biasF32, [4]);
 * const vectors = g.node("Gather", [emb, ids], { axis: 0 });            // [batch, seq, dim]
 * const pooled = g.node("ReduceMean", [vectors], { axes: [1], keepdims: 0 }); // opset < 18: attribute
 * const logits = g.node("Add", [g.node("MatMul", [pooled, w]), b]);
 * g.node("Softmax", [logits], { axis: -1 }, { outputs: ["probs"] });
 * g.output("probs", "float32", ["batch", 4]);
 * const bytes: Uint8Array = g.toBytes();  // write to disk or pass to InferenceSession.create(bytes)
 * ```
 *
 * Attribute typing follows onnx.helper: an integer number (or bigint) becomes INT, a non-integer
 * number FLOAT, a number array INTS unless some element is fractional, a string STRING, a
 * `{type, data, dims}` tensor TENSOR. Wrap with `asFloat(1)` / `asFloats([1, 2])` when a FLOAT
 * attribute happens to hold an integral value (e.g. `alpha: asFloat(1)`), otherwise onnxruntime
 * rejects the model for a wrong attribute type.
 *
 * Opset pitfalls worth knowing: ReduceSum takes `axes` as a second (int64) input from opset 13;
 * ReduceMean/ReduceMax/... switch from the `axes` attribute to an input at opset 18.
 *
 * Every name a node consumes must already exist (graph input, initializer or earlier node output):
 * the builder checks this eagerly so a typo fails at the line that made it, not at session load.
 */
import { ModelProtoType, ONNX_ATTRIBUTE_TYPE, ONNX_DATA_TYPE } from "./onnx-proto";

/** Element types the builder can declare and store. `bool` data is a Uint8Array of 0/1. */
export type ElementType = keyof typeof ONNX_DATA_TYPE;

/** A dimension: a fixed size, a named dynamic axis (e.g. "batch"), or null for unknown. */
export type Dim = number | string | null;

export type TensorArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** A dense tensor value; structurally compatible with `TensorData` from @attune/graph. */
export interface TensorValue {
  type: ElementType;
  data: TensorArray;
  dims: readonly number[];
}

/** Forces FLOAT for an attribute whose value is integral; see `asFloat`. */
export interface FloatAttribute {
  readonly kind: "float";
  readonly value: number;
}
/** Forces FLOATS for a list attribute whose values are all integral; see `asFloats`. */
export interface FloatsAttribute {
  readonly kind: "floats";
  readonly value: readonly number[];
}

export type AttributeValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly string[]
  | FloatAttribute
  | FloatsAttribute
  | TensorValue;

export type Attributes = Record<string, AttributeValue | undefined>;

export const asFloat = (value: number): FloatAttribute => ({ kind: "float", value });
export const asFloats = (value: readonly number[]): FloatsAttribute => ({ kind: "floats", value });

export interface GraphBuilderOptions {
  /** Default-domain opset version; 17 unless given. onnxruntime-node 1.30 runs up to opset 23. */
  opset?: number;
  /** Defaults to a value that matches the opset; override only to target an old runtime. */
  irVersion?: number;
  graphName?: string;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** Free-form key/value pairs stored in ModelProto.metadata_props (readable via session metadata). */
  metadata?: Record<string, string>;
  /** Extra opset imports, e.g. `{ "com.microsoft": 1 }` for contrib ops. */
  extraOpsets?: Record<string, number>;
}

export interface NodeOptions {
  /** Node name; generated from the op type when omitted. */
  name?: string;
  /** Explicit output names (graph outputs need stable names); generated when omitted. */
  outputs?: readonly string[];
  /** Operator domain; "" (the default ONNX domain) when omitted. */
  domain?: string;
}

interface ValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape?: { dim: Array<{ dimValue?: number; dimParam?: string }> } } };
}

interface EncodedAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: EncodedTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

interface EncodedTensor {
  name?: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

interface EncodedNode {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: EncodedAttribute[];
}

const utf8 = new TextEncoder();

function defaultIrVersion(opset: number): number {
  // The IR version only has to be new enough for the opset (onnx/docs/Versioning.md table).
  if (opset <= 17) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

function elementTypeOf(data: TensorArray): ElementType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Int8Array) return "int8";
  return "uint8";
}

const ARRAY_FOR_TYPE: Record<ElementType, string> = {
  float32: "Float32Array",
  float64: "Float64Array",
  int32: "Int32Array",
  int64: "BigInt64Array",
  int8: "Int8Array",
  uint8: "Uint8Array",
  bool: "Uint8Array",
};

function checkDims(dims: readonly number[], what: string): number {
  let size = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${what}: dims must be non-negative integers, got [${dims.join(", ")}]`);
    size *= d;
  }
  return size;
}

/** Encodes a tensor as raw little-endian bytes, the compact form every ONNX runtime reads. */
export function encodeTensor(value: TensorValue, name?: string): EncodedTensor {
  const what = name ? `tensor "${name}"` : "tensor";
  const size = checkDims(value.dims, what);
  if (value.data.length !== size) {
    throw new Error(`${what}: dims [${value.dims.join(", ")}] hold ${size} elements but data has ${value.data.length}`);
  }
  if (value.data.constructor.name !== ARRAY_FOR_TYPE[value.type]) {
    throw new Error(`${what}: type ${value.type} needs a ${ARRAY_FOR_TYPE[value.type]}, got ${value.data.constructor.name}`);
  }
  // Copy: the caller may reuse its buffer, and a view could expose bytes outside the array.
  const rawData = new Uint8Array(value.data.byteLength);
  rawData.set(new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength));
  return { ...(name === undefined ? {} : { name }), dims: [...value.dims], dataType: ONNX_DATA_TYPE[value.type], rawData };
}

function isTensorValue(v: AttributeValue): v is TensorValue {
  return typeof v === "object" && v !== null && "data" in v && "dims" in v;
}

function encodeAttribute(name: string, value: AttributeValue, where: string): EncodedAttribute {
  const T = ONNX_ATTRIBUTE_TYPE;
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new Error(`${where}: attribute ${name}=${value} is outside the safe integer range`);
    }
    return { name, type: T.INT, i: Number(value) };
  }
  if (typeof value === "number") {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (typeof value === "string") return { name, type: T.STRING, s: utf8.encode(value) };
  if (Array.isArray(value)) {
    const list: readonly (number | string)[] = value;
    if (list.every((x): x is string => typeof x === "string") && list.length > 0) {
      return { name, type: T.STRINGS, strings: list.map((s) => utf8.encode(s)) };
    }
    if (!list.every((x): x is number => typeof x === "number")) {
      throw new Error(`${where}: attribute ${name} mixes strings and numbers`);
    }
    return list.every((x) => Number.isInteger(x))
      ? { name, type: T.INTS, ints: [...list] }
      : { name, type: T.FLOATS, floats: [...list] };
  }
  if (isTensorValue(value)) return { name, type: T.TENSOR, t: encodeTensor(value) };
  const forced = value as FloatAttribute | FloatsAttribute;
  if (forced.kind === "float") return { name, type: T.FLOAT, f: forced.value };
  return { name, type: T.FLOATS, floats: [...forced.value] };
}

/** Builds one ONNX model. Not reusable after `toBytes()` is fine: it has no hidden state to reset. */
export class GraphBuilder {
  private readonly options: GraphBuilderOptions;
  private readonly opset: number;
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: EncodedTensor[] = [];
  private readonly nodes: EncodedNode[] = [];
  /** Every value name that exists so far, for eager reference checks and unique naming. */
  private readonly values = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private counter = 0;

  constructor(options: GraphBuilderOptions = {}) {
    this.options = options;
    this.opset = options.opset ?? 17;
  }

  /** Declares a graph input. Returns its name, for use as a node input. */
  input(name: string, type: ElementType, shape: readonly Dim[]): string {
    this.claim(name, "input");
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  /**
   * Adds a constant tensor (weights, shapes, axes). The element type is inferred from the array
   * (BigInt64Array -> int64, ...); pass `type: "bool"` explicitly for a Uint8Array of booleans.
   */
  initializer(name: string, data: TensorArray, dims: readonly number[], type: ElementType = elementTypeOf(data)): string {
    this.claim(name, "initializer");
    this.initializers.push(encodeTensor({ type, data, dims }, name));
    return name;
  }

  /** Adds a node with one output and returns that output's name. */
  node(opType: string, inputs: readonly string[], attributes: Attributes = {}, options: NodeOptions = {}): string {
    const [first] = this.nodeMulti(opType, inputs, options.outputs ?? 1, attributes, options);
    if (first === undefined) throw new Error(`${opType}: node() needs at least one output`);
    return first;
  }

  /** Adds a node with several outputs (`outputs` is a count or explicit names) and returns their names. */
  nodeMulti(
    opType: string,
    inputs: readonly string[],
    outputs: number | readonly string[],
    attributes: Attributes = {},
    options: Omit<NodeOptions, "outputs"> = {},
  ): string[] {
    const name = options.name ?? this.fresh(opType, this.nodeNames);
    const where = `node "${name}" (${opType})`;
    if (this.nodeNames.has(name)) throw new Error(`${where}: duplicate node name`);
    for (const input of inputs) {
      // "" is ONNX's marker for an omitted optional input.
      if (input !== "" && !this.values.has(input)) {
        throw new Error(`${where}: input "${input}" is not a graph input, initializer or earlier node output`);
      }
    }
    const outputNames = typeof outputs === "number"
      ? Array.from({ length: outputs }, (_, k) => this.fresh(`${name}_out${k === 0 ? "" : k}`, this.values))
      : [...outputs];
    for (const out of outputNames) this.claim(out, `output of ${where}`);
    const attribute: EncodedAttribute[] = [];
    for (const [key, value] of Object.entries(attributes)) {
      if (value !== undefined) attribute.push(encodeAttribute(key, value, where));
    }
    this.nodeNames.add(name);
    this.nodes.push({ name, opType, domain: options.domain ?? "", input: [...inputs], output: outputNames, attribute });
    return outputNames;
  }

  /** Marks an existing value as a graph output with its element type and shape (omit shape if unknown). */
  output(name: string, type: ElementType, shape?: readonly Dim[]): void {
    if (!this.values.has(name)) throw new Error(`output "${name}" is not produced by any node, input or initializer`);
    if (this.outputs.some((o) => o.name === name)) throw new Error(`output "${name}" declared twice`);
    this.outputs.push(valueInfo(name, type, shape));
  }

  /** True when a value of this name exists (useful for builders that name values themselves). */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Returns a name derived from `base` that is not yet used by any value. */
  uniqueName(base: string): string {
    return this.fresh(base, this.values);
  }

  /** Serialises the model to ONNX protobuf bytes. */
  toBytes(): Uint8Array {
    if (this.outputs.length === 0) throw new Error("the graph has no outputs: call output() at least once");
    const o = this.options;
    const opsetImport = [{ domain: "", version: this.opset }];
    for (const [domain, version] of Object.entries(o.extraOpsets ?? {})) opsetImport.push({ domain, version });
    const model = {
      irVersion: o.irVersion ?? defaultIrVersion(this.opset),
      producerName: o.producerName ?? "attune",
      producerVersion: o.producerVersion ?? "",
      docString: o.docString ?? "",
      opsetImport,
      metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: o.graphName ?? "graph",
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const message = ModelProtoType.fromObject(model);
    return ModelProtoType.encode(message).finish();
  }

  private claim(name: string, what: string): void {
    if (name === "") throw new Error(`${what}: empty names are reserved for omitted optional inputs`);
    if (this.values.has(name)) throw new Error(`${what} "${name}": a value with this name already exists`);
    this.values.add(name);
  }

  private fresh(base: string, taken: Set<string>): string {
    if (!taken.has(base)) return base;
    let name: string;
    do name = `${base}_${++this.counter}`;
    while (taken.has(name));
    return name;
  }
}

function valueInfo(name: string, type: ElementType, shape?: readonly Dim[]): ValueInfo {
  const tensorType: ValueInfo["type"]["tensorType"] = { elemType: ONNX_DATA_TYPE[type] };
  if (shape) {
    tensorType.shape = {
      dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : d === null ? {} : { dimParam: d })),
    };
  }
  return { name, type: { tensorType } };
}

/** A decoded model in plain-object form, for inspection in tests and tools. */
export interface DecodedModel {
  irVersion: number;
  producerName: string;
  opsetImport: Array<{ domain: string; version: number }>;
  metadataProps: Array<{ key: string; value: string }>;
  graph: {
    name: string;
    node: Array<{ name: string; opType: string; domain: string; input: string[]; output: string[] }>;
    initializer: Array<{ name: string; dims: number[]; dataType: number }>;
    input: Array<{ name: string }>;
    output: Array<{ name: string }>;
  };
}

/** Parses ONNX bytes into a plain object (int64 fields as numbers, defaults filled in). */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const message = ModelProtoType.decode(bytes);
  return ModelProtoType.toObject(message, { longs: Number, defaults: true, arrays: true }) as DecodedModel;
}

import type { AudioValue, EmotionScores, ImageValue, ModelService, PortValues, RunContext, TensorData, TensorElementType } from "@attune/graph";
import { pickInput, pickOutput, textInputs, type ModelOnnxParams, type ModelSignatureSnapshot, type TensorSignatureSnapshot } from "./spec";
import type { Tokenizer } from "./tokenizer";

/**
 * Optional capabilities of the runner's model service (packages/models ModelCatalog): the real
 * signature of a model and its tokenizer. Feature-detected, so plain ModelServices still work
 * (without the run-time signature check and the text preset).
 */
interface ModelIntrospection {
  signature(modelId: string): Promise<ModelSignatureSnapshot>;
  tokenizer(modelId: string): Promise<unknown>;
}

function introspection(models: ModelService): ModelIntrospection | undefined {
  const m = models as Partial<ModelIntrospection>;
  return typeof m.signature === "function" && typeof m.tokenizer === "function" ? (m as ModelIntrospection) : undefined;
}

const key = (list: TensorSignatureSnapshot[]) =>
  JSON.stringify([...list].sort((a, b) => a.name.localeCompare(b.name)).map((t) => [t.name, t.type, t.shape]));
const describeSig = (s: ModelSignatureSnapshot) =>
  `inputs ${s.inputs.map((t) => `${t.name}:${t.type}[${t.shape.join(",")}]`).join(" ")}; outputs ${s.outputs.map((t) => `${t.name}:${t.type}[${t.shape.join(",")}]`).join(" ")}`;

export async function runModelOnnx(inputs: PortValues, params: ModelOnnxParams, ctx: RunContext): Promise<PortValues> {
  ctx.signal.throwIfAborted();
  const { modelId, signature } = params;
  if (!modelId || !signature) throw new Error("no model chosen: pick one in the inspector (Models page lists them)");
  if (!ctx.models) throw new Error(`model.onnx needs the model service to run '${modelId}', but this run context has none`);
  const intro = introspection(ctx.models);
  if (intro) {
    const actual = await intro.signature(modelId);
    if (key(actual.inputs) !== key(signature.inputs) || key(actual.outputs) !== key(signature.outputs)) {
      throw new Error(
        `model '${modelId}' no longer matches the signature saved in this node (saved: ${describeSig(signature)}; ` +
          `actual: ${describeSig(actual)}); pick the model again in the inspector`,
      );
    }
  }

  const feeds = await buildFeeds(inputs, params, signature, intro);
  ctx.signal.throwIfAborted();
  const out = await ctx.models.run(modelId, feeds, ctx.signal);
  ctx.signal.throwIfAborted();
  return postprocess(out, params, signature);
}

async function buildFeeds(
  inputs: PortValues,
  p: ModelOnnxParams,
  sig: ModelSignatureSnapshot,
  intro: ModelIntrospection | undefined,
): Promise<Record<string, TensorData>> {
  const need = (port: string, what: string): unknown => {
    const v = inputs[port];
    if (v === undefined || v === null) throw new Error(`the ${p.preprocess} preset reads the '${port}' input: connect ${what} to it`);
    return v;
  };
  switch (p.preprocess) {
    case "tensor":
      return tensorFeeds(need("tensor", "a JSON value"), sig, p.inputName);
    case "image": {
      const input = single(pickInput(sig, p.inputName));
      return { [input.name]: imageTensor(need("image", "an image") as ImageValue, p.image) };
    }
    case "audio": {
      const input = single(pickInput(sig, p.inputName));
      return { [input.name]: audioTensor(need("audio", "audio") as AudioValue, p.audio, input) };
    }
    case "text": {
      const text = need("text", "text");
      if (typeof text !== "string") throw new Error("input 'text' must be a string");
      const tokenizer = intro ? ((await intro.tokenizer(p.modelId)) as Tokenizer | undefined) : undefined;
      if (!tokenizer || typeof tokenizer.encode !== "function") {
        throw new Error(`model '${p.modelId}' has no tokenizer: upload its tokenizer.json on the Models page`);
      }
      const names = textInputs(sig, p.inputName);
      if (typeof names === "string") throw new Error(names);
      const idsSig = sig.inputs.find((t) => t.name === names.ids)!;
      const fixedLen = typeof idsSig.shape[1] === "number" ? idsSig.shape[1] : undefined;
      const enc = p.text ? p.text : { maxLength: 128 };
      const { ids, typeIds } = tokenizer.encode(text, fixedLen ?? enc.maxLength);
      const len = fixedLen ?? ids.length;
      const pad = (values: number[]) => Array.from({ length: len }, (_, i) => values[i] ?? 0);
      const mask = pad(ids.map(() => 1));
      const make = (name: string, values: number[]): TensorData => {
        const type = sig.inputs.find((t) => t.name === name)!.type;
        return type === "int32"
          ? { type: "int32", data: Int32Array.from(pad(values)), dims: [1, len] }
          : { type: "int64", data: BigInt64Array.from(pad(values), (x) => BigInt(x)), dims: [1, len] };
      };
      return {
        [names.ids]: make(names.ids, ids),
        ...(names.mask ? { [names.mask]: make(names.mask, mask) } : {}),
        ...(names.types ? { [names.types]: make(names.types, typeIds) } : {}),
      };
    }
  }
}

function single(t: TensorSignatureSnapshot | string): TensorSignatureSnapshot {
  if (typeof t === "string") throw new Error(t);
  return t;
}

// --- tensor JSON ---------------------------------------------------------------------------

interface JsonTensor {
  dims?: number[];
  data: unknown;
  type?: string;
}

function isJsonTensor(v: unknown): v is JsonTensor {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "data" in v;
}

/** Nested number arrays -> flat values and dims (rectangular only). */
function flatten(value: unknown, where: string): { values: number[]; dims: number[] } {
  const dims: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    probe = probe[0];
  }
  const values: number[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth === dims.length) {
      if (typeof v !== "number" && typeof v !== "boolean") throw new Error(`${where}: expected numbers, found ${JSON.stringify(v)}`);
      values.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw new Error(`${where}: nested arrays must be rectangular`);
    for (const x of v) walk(x, depth + 1);
  };
  walk(value, 0);
  return { values, dims };
}

function toTensor(value: unknown, input: TensorSignatureSnapshot): TensorData {
  const where = `tensor input '${input.name}'`;
  let values: number[];
  let dims: number[];
  if (isJsonTensor(value)) {
    const flat = flatten(value.data, where);
    values = flat.values;
    dims = value.dims ?? flat.dims;
    if (value.type && value.type !== input.type) throw new Error(`${where}: type ${value.type} given, the model wants ${input.type}`);
  } else {
    ({ values, dims } = flatten(value, where));
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new Error(`${where}: dims [${dims.join(", ")}] hold ${size} values but ${values.length} were given`);
  if (dims.length !== input.shape.length) throw new Error(`${where}: rank ${dims.length} given, the model wants shape [${input.shape.join(", ")}]`);
  input.shape.forEach((d, i) => {
    if (typeof d === "number" && dims[i] !== d) throw new Error(`${where}: axis ${i} is ${dims[i]}, the model wants ${d}`);
  });
  const type = input.type as TensorElementType;
  switch (type) {
    case "float32": return { type, data: Float32Array.from(values), dims };
    case "int64": return { type, data: BigInt64Array.from(values, (x) => BigInt(Math.trunc(x))), dims };
    case "int32": return { type, data: Int32Array.from(values), dims };
    case "uint8": case "bool": return { type, data: Uint8Array.from(values), dims };
    default: throw new Error(`${where}: element type ${String(input.type)} cannot be fed`);
  }
}

function tensorFeeds(value: unknown, sig: ModelSignatureSnapshot, inputName: string): Record<string, TensorData> {
  const names = sig.inputs.map((t) => t.name);
  // {inputName: tensor, ...} when every key is an input name; else one tensor for the one input.
  if (typeof value === "object" && value !== null && !Array.isArray(value) && !isJsonTensor(value)) {
    const entries = Object.entries(value);
    const unknown = entries.filter(([k]) => !names.includes(k)).map(([k]) => k);
    if (unknown.length) throw new Error(`tensor JSON names unknown inputs ${unknown.join(", ")} (the model takes ${names.join(", ")})`);
    const feeds: Record<string, TensorData> = {};
    for (const [k, v] of entries) feeds[k] = toTensor(v, sig.inputs.find((t) => t.name === k)!);
    return feeds;
  }
  const input = single(pickInput(sig, inputName));
  return { [input.name]: toTensor(value, input) };
}

// --- image and audio ----------------------------------------------------------------------

/** Bilinear resize of RGB bytes to the preset size, normalised per channel, in NCHW or NHWC. */
export function imageTensor(image: ImageValue, o: ModelOnnxParams["image"]): TensorData {
  if (!image || !(image.data instanceof Uint8Array) || !image.width || !image.height) throw new Error("input 'image' is not a decoded image");
  const { width: W, height: H } = o;
  const C = o.color === "rgb" ? 3 : 1;
  const out = new Float32Array(C * W * H);
  const sx = image.width / W;
  const sy = image.height / H;
  const src = image.data;
  const px = (x: number, y: number, c: number) => src[(y * image.width + x) * 3 + c]!;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      const rgb = [0, 1, 2].map(
        (c) => (px(x0, y0, c) * (1 - wx) + px(x1, y0, c) * wx) * (1 - wy) + (px(x0, y1, c) * (1 - wx) + px(x1, y1, c) * wx) * wy,
      ) as [number, number, number];
      const channels = C === 3 ? rgb : [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]];
      channels.forEach((v, c) => {
        const mean = o.mean[c] ?? o.mean[0]!;
        const std = o.std[c] ?? o.std[0]!;
        const value = (v / 255 - mean) / std;
        out[o.layout === "NCHW" ? c * H * W + y * W + x : (y * W + x) * C + c] = value;
      });
    }
  }
  return { type: "float32", data: out, dims: o.layout === "NCHW" ? [1, C, H, W] : [1, H, W, C] };
}

/** Linear resampling to the preset rate; cut to maxSeconds, or padded/cut to a fixed model length. */
export function audioTensor(audio: AudioValue, o: ModelOnnxParams["audio"], input: TensorSignatureSnapshot): TensorData {
  if (!audio || !(audio.samples instanceof Float32Array) || !audio.sampleRate) throw new Error("input 'audio' is not decoded audio");
  const ratio = audio.sampleRate / o.sampleRate;
  const natural = Math.floor(audio.samples.length / ratio);
  const last = input.shape[input.shape.length - 1];
  const length = typeof last === "number" ? last : Math.min(natural, Math.round(o.maxSeconds * o.sampleRate));
  const out = new Float32Array(length);
  for (let i = 0; i < Math.min(length, natural); i++) {
    const t = i * ratio;
    const i0 = Math.floor(t);
    const i1 = Math.min(i0 + 1, audio.samples.length - 1);
    out[i] = audio.samples[i0]! * (1 - (t - i0)) + audio.samples[i1]! * (t - i0);
  }
  return { type: "float32", data: out, dims: input.shape.length === 3 ? [1, 1, length] : [1, length] };
}

// --- postprocessing -------------------------------------------------------------------------

function postprocess(out: Record<string, TensorData>, p: ModelOnnxParams, sig: ModelSignatureSnapshot): PortValues {
  const raw: Record<string, { type: string; dims: number[]; data: number[] }> = {};
  for (const [name, t] of Object.entries(out)) {
    raw[name] = { type: t.type, dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x)) };
  }
  const chosen = pickOutput(sig, p.outputName);
  if (typeof chosen === "string") throw new Error(chosen);
  const tensor = out[chosen.name];
  if (!tensor) throw new Error(`model '${p.modelId}' did not return output '${chosen.name}'`);
  const values = Array.from(tensor.data as ArrayLike<number | bigint>, (x) => Number(x));
  if (p.postprocess === "softmax") {
    if (values.length !== p.labels.length) {
      throw new Error(`output '${chosen.name}' has ${values.length} values for ${p.labels.length} labels`);
    }
    let probs = values;
    if (!p.outputIsProbability) {
      const max = Math.max(...values);
      const exps = values.map((v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      probs = exps.map((e) => e / sum);
    }
    const scores: Record<string, number> = {};
    p.labels.forEach((label, i) => {
      scores[label] = probs[i]!;
    });
    const value: EmotionScores = { taxonomy: p.taxonomy, calibrated: true, scores };
    return { scores: value, value: Math.max(...probs), raw };
  }
  if (p.postprocess === "regression") {
    if (values.length !== 1) throw new Error(`regression reads one number but output '${chosen.name}' has ${values.length}`);
    return { scores: null, value: values[0]!, raw };
  }
  return { scores: null, value: null, raw };
}

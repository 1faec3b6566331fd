import { defineNodeSpec, TAXONOMY_LABELS, taxonomySchema } from "@attune/graph";
import { z } from "zod";

/** A fixed size, a named dynamic axis, or null for an unnamed dynamic axis (as onnxruntime reports). */
const dimSchema = z.union([z.number().int().nonnegative(), z.string(), z.null()]);
const tensorSignatureSchema = z.object({ name: z.string().min(1), type: z.string().min(1), shape: z.array(dimSchema) });

/**
 * The model's interface when the user picked it in the studio. Validation compares presets with it,
 * so a mismatch shows on the canvas; at run time the node checks the real model still matches it.
 */
export const modelSignatureSchema = z.object({
  inputs: z.array(tensorSignatureSchema),
  outputs: z.array(tensorSignatureSchema),
  /** Whether a tokenizer.json was uploaded with the model (needed by the text preset). */
  tokenizer: z.boolean().optional(),
});
export type ModelSignatureSnapshot = z.infer<typeof modelSignatureSchema>;
export type TensorSignatureSnapshot = z.infer<typeof tensorSignatureSchema>;

export const PREPROCESS_PRESETS = ["tensor", "text", "image", "audio"] as const;
export const POSTPROCESS_PRESETS = ["raw", "softmax", "regression"] as const;

const imageOptions = z.object({
  width: z.number().int().min(1).max(4096).default(224),
  height: z.number().int().min(1).max(4096).default(224),
  layout: z.enum(["NCHW", "NHWC"]).default("NCHW"),
  /** rgb: 3 channels; grey: 1 channel (ITU-R BT.601 luma). */
  color: z.enum(["rgb", "grey"]).default("rgb"),
  /** Per channel, applied to pixel / 255: (x - mean) / std. ImageNet: mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]. */
  mean: z.array(z.number()).min(1).max(3).default([0, 0, 0]),
  std: z.array(z.number().positive()).min(1).max(3).default([1, 1, 1]),
});

const audioOptions = z.object({
  sampleRate: z.number().int().min(1000).max(192_000).default(16_000),
  /** Longer clips are cut; when the model's length axis is fixed, clips are padded or cut to it. */
  maxSeconds: z.number().positive().max(600).default(10),
});

const textOptions = z.object({
  /** Token limit including special tokens; longer text is truncated. */
  maxLength: z.number().int().min(2).max(8192).default(128),
});

const FEEDABLE = ["float32", "int64", "int32", "uint8", "bool"];

const baseParams = z.object({
  /** Id of a model on the Models page (built-in id or `user-<hex>`); empty until one is picked. */
  modelId: z.string().default(""),
  signature: modelSignatureSchema.nullable().default(null),
  preprocess: z.enum(PREPROCESS_PRESETS).default("tensor"),
  /** The model input to feed (text: the token ids input); empty = the model's only input. */
  inputName: z.string().default(""),
  image: imageOptions.default(imageOptions.parse({})),
  audio: audioOptions.default(audioOptions.parse({})),
  text: textOptions.default(textOptions.parse({})),
  postprocess: z.enum(POSTPROCESS_PRESETS).default("raw"),
  /** The model output to read; empty = its first output. */
  outputName: z.string().default(""),
  /** softmax: one label per class, in model order; each a label of `taxonomy`, all of them once. */
  labels: z.array(z.string().min(1)).default([]),
  taxonomy: taxonomySchema.default("ekman7"),
  /** softmax: set when the model already outputs probabilities, so they are not squashed twice. */
  outputIsProbability: z.boolean().default(false),
});

export type ModelOnnxParams = z.infer<typeof baseParams>;

type Issue = { path: (string | number)[]; message: string };

const fixed = (d: unknown): d is number => typeof d === "number";
const showShape = (s: readonly unknown[]) => `[${s.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;

/** The input a preset feeds: by name, else the model's only input. */
export function pickInput(sig: ModelSignatureSnapshot, name: string): TensorSignatureSnapshot | string {
  if (name) return sig.inputs.find((t) => t.name === name) ?? `the model has no input '${name}' (it has ${sig.inputs.map((t) => t.name).join(", ")})`;
  if (sig.inputs.length === 1) return sig.inputs[0]!;
  return `the model has ${sig.inputs.length} inputs (${sig.inputs.map((t) => t.name).join(", ")}); set inputName`;
}

export function pickOutput(sig: ModelSignatureSnapshot, name: string): TensorSignatureSnapshot | string {
  if (name) return sig.outputs.find((t) => t.name === name) ?? `the model has no output '${name}' (it has ${sig.outputs.map((t) => t.name).join(", ")})`;
  return sig.outputs[0] ?? "the model has no outputs";
}

/** Names of the text preset's model inputs: ids, optional attention mask and token type ids. */
export function textInputs(sig: ModelSignatureSnapshot, inputName: string): { ids: string; mask?: string; types?: string } | string {
  const ids = inputName || (sig.inputs.find((t) => t.name === "input_ids")?.name ?? (sig.inputs.length === 1 ? sig.inputs[0]!.name : ""));
  if (!ids) return `cannot tell which input takes token ids among ${sig.inputs.map((t) => t.name).join(", ")}; set inputName`;
  const known = new Set([ids, "attention_mask", "token_type_ids"]);
  const unknown = sig.inputs.filter((t) => !known.has(t.name));
  if (unknown.length) return `the text preset feeds ${[...known].join(", ")} but the model also needs ${unknown.map((t) => t.name).join(", ")}`;
  return {
    ids,
    ...(sig.inputs.some((t) => t.name === "attention_mask") ? { mask: "attention_mask" } : {}),
    ...(sig.inputs.some((t) => t.name === "token_type_ids") ? { types: "token_type_ids" } : {}),
  };
}

/** Every way the chosen presets disagree with the model's signature snapshot (empty = compatible). */
export function signatureIssues(p: ModelOnnxParams): Issue[] {
  const issues: Issue[] = [];
  if (!p.modelId) return issues;
  const sig = p.signature;
  if (!sig) return [{ path: ["signature"], message: `no signature for model '${p.modelId}': pick the model again in the inspector` }];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  for (const t of sig.inputs) {
    if (!FEEDABLE.includes(t.type)) add(["modelId"], `input '${t.name}' has element type ${t.type}, which no preset can feed`);
  }

  if (p.preprocess === "image" || p.preprocess === "audio") {
    const input = pickInput(sig, p.inputName);
    if (typeof input === "string") add(["inputName"], input);
    else if (sig.inputs.length > 1) add(["preprocess"], `the ${p.preprocess} preset feeds one input but the model takes ${sig.inputs.length}`);
    else if (input.type !== "float32") add(["preprocess"], `the ${p.preprocess} preset makes float32 but input '${input.name}' is ${input.type}`);
    else if (p.preprocess === "image") {
      const o = p.image;
      const channels = o.color === "rgb" ? 3 : 1;
      if (input.shape.length !== 4) add(["preprocess"], `the image preset makes a rank-4 ${o.layout} tensor but input '${input.name}' has shape ${showShape(input.shape)}`);
      else {
        const [n, a, b, c] = input.shape;
        const [ch, h, w] = o.layout === "NCHW" ? [a, b, c] : [c, a, b];
        if (fixed(n) && n !== 1) add(["preprocess"], `input '${input.name}' has a fixed batch of ${n}; the image preset feeds one image`);
        if (fixed(ch) && ch !== channels) add(["image", "color"], `input '${input.name}' ${showShape(input.shape)} has ${ch} channel(s) in ${o.layout}; the preset makes ${channels} (${o.color})`);
        if (fixed(h) && h !== o.height) add(["image", "height"], `input '${input.name}' ${showShape(input.shape)} needs height ${h}, the preset makes ${o.height}`);
        if (fixed(w) && w !== o.width) add(["image", "width"], `input '${input.name}' ${showShape(input.shape)} needs width ${w}, the preset makes ${o.width}`);
      }
      for (const key of ["mean", "std"] as const) {
        if (o[key].length !== 1 && o[key].length !== channels) add(["image", key], `${key} needs 1 or ${channels} values for ${o.color}`);
      }
    } else {
      const rank = input.shape.length;
      if (rank !== 2 && !(rank === 3 && (input.shape[1] === 1 || !fixed(input.shape[1])))) {
        add(["preprocess"], `the audio preset makes [1, samples] or [1, 1, samples] but input '${input.name}' has shape ${showShape(input.shape)}`);
      } else if (fixed(input.shape[0]) && input.shape[0] !== 1) {
        add(["preprocess"], `input '${input.name}' has a fixed batch of ${input.shape[0]}; the audio preset feeds one clip`);
      }
    }
  } else if (p.preprocess === "text") {
    const names = textInputs(sig, p.inputName);
    if (typeof names === "string") add(["inputName"], names);
    else {
      for (const name of [names.ids, names.mask, names.types]) {
        const t = name ? sig.inputs.find((i) => i.name === name) : undefined;
        if (!t) continue;
        if (t.type !== "int64" && t.type !== "int32") add(["preprocess"], `the text preset makes integer token tensors but input '${t.name}' is ${t.type}`);
        else if (t.shape.length !== 2) add(["preprocess"], `the text preset makes [1, tokens] but input '${t.name}' has shape ${showShape(t.shape)}`);
        else if (fixed(t.shape[1]) && t.shape[1] > p.text.maxLength) {
          add(["text", "maxLength"], `input '${t.name}' takes exactly ${t.shape[1]} tokens; raise maxLength to at least that`);
        }
      }
    }
    if (sig.tokenizer === false) add(["preprocess"], `model '${p.modelId}' has no tokenizer.json: upload one with it on the Models page, or use another preset`);
  }

  const output = pickOutput(sig, p.outputName);
  if (typeof output === "string") add(["outputName"], output);
  else if (p.postprocess === "softmax") {
    if (output.type !== "float32") add(["postprocess"], `softmax reads float32 scores but output '${output.name}' is ${output.type}`);
    const last = output.shape[output.shape.length - 1];
    const lead = output.shape.slice(0, -1).filter(fixed).reduce((a, b) => a * b, 1);
    if (output.shape.length === 0) add(["postprocess"], `output '${output.name}' is a scalar; softmax needs one score per class`);
    else if (lead > 1) add(["postprocess"], `output '${output.name}' ${showShape(output.shape)} holds several score rows; softmax reads one`);
    if (p.labels.length === 0) add(["labels"], `list one label per class of output '${output.name}'`);
    else if (fixed(last) && last !== p.labels.length) add(["labels"], `${p.labels.length} labels for output '${output.name}' ${showShape(output.shape)}, which has ${last} classes`);
    const allowed: readonly string[] = TAXONOMY_LABELS[p.taxonomy];
    const unknown = p.labels.filter((l) => !allowed.includes(l));
    if (unknown.length) add(["labels"], `${unknown.join(", ")} ${unknown.length === 1 ? "is not a" : "are not"} ${p.taxonomy} label${unknown.length === 1 ? "" : "s"} (${allowed.join(", ")})`);
    else if (p.labels.length > 0 && new Set(p.labels).size !== p.labels.length) add(["labels"], "each label may appear once");
    else if (p.labels.length > 0 && p.labels.length !== allowed.length) {
      add(["labels"], `scores name every ${p.taxonomy} label once; missing ${allowed.filter((l) => !p.labels.includes(l)).join(", ")} (map to another taxonomy explicitly)`);
    }
  } else if (p.postprocess === "regression") {
    if (output.type !== "float32") add(["postprocess"], `regression reads a float32 number but output '${output.name}' is ${output.type}`);
    const size = output.shape.filter(fixed).reduce((a, b) => a * b, 1);
    if (size > 1) add(["postprocess"], `regression reads one number but output '${output.name}' ${showShape(output.shape)} holds ${size}`);
  }
  return issues;
}

export const modelOnnxParams = baseParams.superRefine((p, ctx) => {
  for (const issue of signatureIssues(p)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

export const modelOnnxSpec = defineNodeSpec({
  type: "model.onnx",
  version: 1,
  family: "model",
  title: "ONNX model",
  description:
    "Runs any model from the Models page, including your own uploaded .onnx file. Pick the model in the inspector, " +
    "choose how inputs become tensors (text via its tokenizer.json, image, audio or raw tensor JSON) and how the output " +
    "is read (softmax over labels -> emotion scores, regression -> number, or raw tensors). A preset that does not fit " +
    "the model's inputs or outputs is flagged before anything runs.",
  inputs: [
    { id: "text", label: "Text", accepts: "text", optional: true, description: "For the text preset." },
    { id: "image", label: "Image", accepts: "image", optional: true, description: "For the image preset." },
    { id: "audio", label: "Audio", accepts: "audio", optional: true, description: "For the audio preset." },
    {
      id: "tensor",
      label: "Tensor",
      accepts: "json",
      optional: true,
      description: "For the tensor preset: {dims, data} (or nested arrays) for a one-input model, or {inputName: {dims, data}}.",
    },
  ],
  outputs: [
    { id: "scores", label: "Scores", type: "scores:any", description: "softmax preset: probability per label of the chosen taxonomy; null otherwise." },
    { id: "value", label: "Value", type: "number", description: "regression: the number; softmax: the top label's probability; raw: null." },
    { id: "raw", label: "Raw", type: "json", description: "Every output tensor as {type, dims, data}, whatever the preset." },
  ],
  params: modelOnnxParams,
  cacheable: true,
  keywords: ["onnx", "model", "custom", "upload", "bring your own", "classifier", "regression", "tensor"],
});

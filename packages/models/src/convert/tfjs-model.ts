/**
 * Reading TF.js graph models (model.json + weight shards): schema validation and weight decoding.
 * Kept apart from the op translation so a malformed file fails with a message about the file,
 * before any graph work starts.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";

/** TF AttrValue in its JSON form (protobuf JSON mapping: int64 as strings, bytes as base64). */
const attrValueSchema = z.object({
  s: z.string().optional(),
  i: z.union([z.string(), z.number()]).optional(),
  f: z.number().optional(),
  b: z.boolean().optional(),
  type: z.string().optional(),
  list: z
    .object({
      s: z.array(z.string()).optional(),
      i: z.array(z.union([z.string(), z.number()])).optional(),
      f: z.array(z.number()).optional(),
    })
    .optional(),
  shape: z.unknown().optional(),
  tensor: z.unknown().optional(),
});
export type TfAttrValue = z.infer<typeof attrValueSchema>;

const nodeSchema = z.object({
  name: z.string().min(1),
  op: z.string().min(1),
  input: z.array(z.string()).optional(),
  attr: z.record(z.string(), attrValueSchema).optional(),
});
export type TfNode = z.infer<typeof nodeSchema>;

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(["float32", "int32", "bool"]),
  quantization: z
    .object({
      dtype: z.enum(["uint8", "uint16", "float16"]),
      scale: z.number().optional(),
      min: z.number().optional(),
    })
    .optional(),
});

const tensorSpecSchema = z.object({
  name: z.string(),
  dtype: z.string().optional(),
  tensorShape: z.object({ dim: z.array(z.object({ size: z.union([z.string(), z.number()]).optional() })).optional() }).optional(),
});
const signatureSchema = z.object({
  inputs: z.record(z.string(), tensorSpecSchema).optional(),
  outputs: z.record(z.string(), tensorSpecSchema).optional(),
});

export const tfjsModelJsonSchema = z.object({
  format: z.literal("graph-model"),
  generatedBy: z.string().optional(),
  convertedBy: z.string().optional(),
  modelTopology: z.object({ node: z.array(nodeSchema).min(1) }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpecSchema) })),
  signature: signatureSchema.optional(),
  userDefinedMetadata: z.object({ signature: signatureSchema.optional() }).optional(),
});
export type TfjsModelJson = z.infer<typeof tfjsModelJsonSchema>;
export type TfSignature = z.infer<typeof signatureSchema>;

export interface ConstTensor {
  dtype: "float32" | "int32";
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Parses and validates model.json content; `source` names the file in error messages. */
export function parseTfjsModelJson(json: unknown, source = "model.json"): TfjsModelJson {
  const result = tfjsModelJsonSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "invalid";
    throw new Error(`${source} is not a TF.js graph model (${where})`);
  }
  return result.data;
}

/** The signature lives at the top level in newer converters and in userDefinedMetadata in older ones. */
export function signatureOf(model: TfjsModelJson): TfSignature | undefined {
  return model.signature ?? model.userDefinedMetadata?.signature;
}

/**
 * Splits the concatenated weight shards into named tensors, dequantising uint8/uint16 weights.
 * A byte count that does not match the manifest means a truncated or wrong .bin file.
 */
export function decodeWeights(model: TfjsModelJson, data: Uint8Array, source = "weights"): Map<string, ConstTensor> {
  const out = new Map<string, ConstTensor>();
  let offset = 0;
  const specs = model.weightsManifest.flatMap((group) => group.weights);
  const needed = specs.reduce((sum, spec) => {
    const bytesPer = spec.quantization ? (spec.quantization.dtype === "uint8" ? 1 : 2) : 4;
    return sum + bytesPer * spec.shape.reduce((a, b) => a * b, 1);
  }, 0);
  if (needed !== data.byteLength) {
    throw new Error(`${source} holds ${data.byteLength} bytes but the manifest describes ${needed}: truncated or mismatched weights`);
  }
  // Aligned copy so typed-array views need no alignment guarantees from the caller.
  const buffer = data.slice().buffer;
  const view = new DataView(buffer);
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    if (spec.dtype === "bool") throw new Error(`${source}: bool weight "${spec.name}" is not supported`);
    if (q) {
      if (q.dtype === "float16") throw new Error(`${source}: float16-quantised weight "${spec.name}" is not supported`);
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      const values = spec.dtype === "float32" ? new Float32Array(size) : new Int32Array(size);
      for (let k = 0; k < size; k++) {
        const raw = q.dtype === "uint8" ? view.getUint8(offset + k) : view.getUint16(offset + 2 * k, true);
        values[k] = raw * scale + min;
      }
      offset += size * (q.dtype === "uint8" ? 1 : 2);
      out.set(spec.name, { dtype: spec.dtype, shape: spec.shape, data: values });
    } else {
      const values = spec.dtype === "float32" ? new Float32Array(buffer, offset, size) : new Int32Array(buffer, offset, size);
      offset += size * 4;
      out.set(spec.name, { dtype: spec.dtype, shape: spec.shape, data: values });
    }
  }
  return out;
}

export interface TfjsModelFiles {
  model: TfjsModelJson;
  /** The weight shards concatenated in manifest order. */
  weightData: Uint8Array;
  /** Absolute paths of every file read (model.json first), for hashing and messages. */
  files: string[];
}

/** Reads model.json and its shards from disk; errors name the offending file. */
export async function readTfjsModelFiles(jsonPath: string): Promise<TfjsModelFiles> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(jsonPath, "utf8"));
  } catch (error) {
    throw new Error(`cannot read ${jsonPath}: ${(error as Error).message}`, { cause: error });
  }
  const model = parseTfjsModelJson(json, jsonPath);
  const shardPaths = model.weightsManifest.flatMap((group) => group.paths.map((p) => join(dirname(jsonPath), p)));
  const shards = await Promise.all(shardPaths.map((p) => readFile(p)));
  const weightData = new Uint8Array(shards.reduce((sum, s) => sum + s.byteLength, 0));
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.byteLength;
  }
  return { model, weightData, files: [jsonPath, ...shardPaths] };
}

/**
 * Model manifests: what a model file is, where it came from, how to feed it and how to read its
 * outputs. Every ONNX file we run has one next to it (`<id>.manifest.json`), validated on read, so
 * label order and licences are data that the UI, the audit pages and the nodes share.
 */
import { TAXONOMY_LABELS, taxonomySchema } from "@attune/graph";
import { z } from "zod";

const SHA256 = /^[0-9a-f]{64}$/;

export const modelTaskSchema = z.enum([
  "face-expression",
  "face-detection",
  "text-emotion",
  "text-sentiment",
  "speech-emotion",
  "voice-activity",
  "vocal-arousal",
  /** A user's own model (bring-your-own ONNX): what it does is up to its model.onnx node's presets. */
  "custom",
]);
export type ModelTask = z.infer<typeof modelTaskSchema>;

const elementTypeSchema = z.enum(["float32", "int64", "int32", "uint8", "bool"]);
/** A fixed size, a named dynamic axis ("batch"), or null for an unnamed unknown size. */
const dimSchema = z.union([z.number().int().nonnegative(), z.string().min(1), z.null()]);

export const inputSpecSchema = z.object({
  name: z.string().min(1),
  type: elementTypeSchema,
  shape: z.array(dimSchema),
  /** Axis meaning for images, e.g. NHWC; the models we convert keep TF's layout at the boundary. */
  layout: z.string().optional(),
  /** Value range after preprocessing, e.g. [-1, 1]. */
  range: z.tuple([z.number(), z.number()]).optional(),
  /** How raw data becomes this tensor; precise enough to reimplement. */
  preprocessing: z.string().min(1),
});
export type InputSpec = z.infer<typeof inputSpecSchema>;

export const outputSpecSchema = z
  .object({
    name: z.string().min(1),
    type: elementTypeSchema,
    shape: z.array(dimSchema),
    description: z.string().min(1),
    /** What the numbers are: probabilities (softmax), raw logits, or other values (boxes). */
    activation: z.enum(["softmax", "sigmoid", "logits", "none"]),
    /** Our label for each index of the last axis, in model order. */
    labels: z.array(z.string().min(1)).optional(),
    /** The taxonomy `labels` belong to; labels must then be a permutation of its label set. */
    taxonomy: taxonomySchema.optional(),
    /** The upstream project's label for each index, kept for traceability of the mapping. */
    sourceLabels: z.array(z.string().min(1)).optional(),
  })
  .superRefine((spec, ctx) => {
    const last = spec.shape[spec.shape.length - 1];
    if (spec.labels && typeof last === "number" && last !== spec.labels.length) {
      ctx.addIssue({ code: "custom", message: `${spec.labels.length} labels for a last axis of ${last}`, path: ["labels"] });
    }
    if (spec.sourceLabels && spec.sourceLabels.length !== spec.labels?.length) {
      ctx.addIssue({ code: "custom", message: "sourceLabels must map one to one onto labels", path: ["sourceLabels"] });
    }
    if (spec.taxonomy) {
      const expected = [...TAXONOMY_LABELS[spec.taxonomy]].sort();
      const actual = [...(spec.labels ?? [])].sort();
      if (expected.join() !== actual.join()) {
        ctx.addIssue({ code: "custom", message: `labels must be exactly the ${spec.taxonomy} labels (${expected.join(", ")})`, path: ["labels"] });
      }
    }
  });
export type OutputSpec = z.infer<typeof outputSpecSchema>;

export const metricSchema = z.object({
  name: z.string().min(1),
  value: z.number(),
  dataset: z.string().min(1),
  notes: z.string().optional(),
});

export const modelManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, "ids are lower-case kebab-case"),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, "versions are semver"),
  /** ONNX file name, relative to the manifest's folder. */
  file: z.string().regex(/^[\w.-]+\.onnx$/),
  /** sha256 of the ONNX file: checked at load so a corrupt or swapped file never runs. */
  sha256: z.string().regex(SHA256),
  task: modelTaskSchema,
  title: z.string().min(1),
  inputs: z.array(inputSpecSchema).min(1),
  outputs: z.array(outputSpecSchema).min(1),
  licence: z.object({
    spdx: z.string().min(1),
    /** Where the licence text of the weights can be read. */
    url: z.url().optional(),
    notes: z.string().optional(),
  }),
  source: z.object({
    /** npm: converted from a package's files; trained: produced by our own training scripts; upload: a user's file. */
    kind: z.enum(["npm", "trained", "upload"]),
    package: z.string().optional(),
    packageVersion: z.string().optional(),
    /** Source files and their sha256, the cache key for conversion. */
    files: z.record(z.string(), z.string().regex(SHA256)),
    upstream: z.url().optional(),
    /** Version of our conversion code; a bump forces reconversion of unchanged sources. */
    converter: z.string().optional(),
  }),
  attribution: z.string().min(1),
  /** Measured, not claimed: each metric names the data it was measured on. */
  metrics: z.array(metricSchema).optional(),
});
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Validates a manifest; `source` names the file in the error. */
export function parseModelManifest(json: unknown, source = "manifest"): ModelManifest {
  const result = modelManifestSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${source} is not a valid model manifest: ${issues}`);
  }
  return result.data;
}

/** Scores over the output labels, keyed by our label names (what emotion-scores values carry). */
export function labelScores(output: OutputSpec, values: ArrayLike<number>): Record<string, number> {
  if (!output.labels) throw new Error(`output ${output.name} has no labels`);
  if (values.length !== output.labels.length) {
    throw new Error(`output ${output.name}: ${values.length} values for ${output.labels.length} labels`);
  }
  const scores: Record<string, number> = {};
  output.labels.forEach((label, k) => {
    scores[label] = values[k]!;
  });
  return scores;
}

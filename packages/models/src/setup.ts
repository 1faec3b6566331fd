/**
 * Offline preparation of the built-in models: converts each TF.js source to ONNX in the models folder
 * and writes its manifest next to it. Runs at setup (scripts/prepare.ts), never on a request path.
 *
 * Caching: a model is reconverted only when its source files' sha256, the converter version, or the
 * ONNX file on disk no longer match what its manifest records, so a second run does no work.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILTIN_MODELS, type BuiltinModel, CONVERTER_VERSION, type OnnxBuiltinModel, type TfjsBuiltinModel } from "./builtin-models";
import { decodeModel } from "./onnx/builder";
import { convertTfjsGraphModel } from "./convert/tfjs-to-onnx";
import { decodeWeights, readTfjsModelFiles } from "./convert/tfjs-model";
import { humanModelsDir } from "./human-models";
import { type ModelManifest, parseModelManifest } from "./manifest";

/** `<repo>/data/models`, independent of the working directory. */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL("../../../data/models", import.meta.url));

/**
 * The models folder: ATTUNE_MODELS_DIR when set, else the repo default. Apps validate their env in
 * env.ts and pass the folder explicitly; this is for scripts and tests.
 */
export function resolveModelsDir(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.ATTUNE_MODELS_DIR?.trim();
  return fromEnv ? fromEnv : DEFAULT_MODELS_DIR;
}

export const manifestPath = (modelsDir: string, id: string): string => join(modelsDir, `${id}.manifest.json`);

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface PrepareOptions {
  modelsDir?: string;
  /** Folder holding the TF.js sources; human's `models/` by default. */
  sourceDir?: string;
  models?: readonly BuiltinModel[];
  log?: (message: string) => void;
}

export interface PreparedModel {
  id: string;
  status: "converted" | "cached";
  onnxPath: string;
  manifest: ModelManifest;
}

/** Converts every built-in model that is missing or stale; returns what it did per model. */
export async function prepareModels(options: PrepareOptions = {}): Promise<PreparedModel[]> {
  const modelsDir = options.modelsDir ?? resolveModelsDir();
  const sourceDir = options.sourceDir ?? humanModelsDir();
  const log = options.log ?? (() => {});
  await mkdir(modelsDir, { recursive: true });
  const results: PreparedModel[] = [];
  // One at a time: conversion is CPU-bound and the machine is shared.
  for (const model of options.models ?? BUILTIN_MODELS) {
    results.push(await prepareOne(model, modelsDir, sourceDir, log));
  }
  return results;
}

async function prepareOne(model: BuiltinModel, modelsDir: string, sourceDir: string, log: (m: string) => void): Promise<PreparedModel> {
  return "onnxFile" in model ? prepareOnnxFile(model, modelsDir, log) : prepareTfjs(model, modelsDir, sourceDir, log);
}

/** Copies a ready ONNX file (trained by us or shipped by a package) and writes its manifest. */
async function prepareOnnxFile(model: OnnxBuiltinModel, modelsDir: string, log: (m: string) => void): Promise<PreparedModel> {
  const { id } = model.manifest;
  const sourcePath = model.onnxFile();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(sourcePath);
  } catch (error) {
    throw new Error(`${id}: cannot read ${sourcePath}: ${(error as Error).message}`);
  }
  const hash = sha256(bytes);
  const onnxFile = `${id}.onnx`;
  const onnxPath = join(modelsDir, onnxFile);
  const cached = await readCachedManifest(modelsDir, id);
  if (cached && cached.sha256 === hash && (await fileSha256(onnxPath)) === hash) {
    log(`${id}: up to date`);
    return { id, status: "cached", onnxPath, manifest: cached };
  }
  let graph;
  try {
    graph = decodeModel(bytes).graph;
  } catch (error) {
    throw new Error(`${id}: ${sourcePath} is not a valid ONNX model: ${(error as Error).message}`);
  }
  const initializers = new Set(graph.initializer.map((i) => i.name));
  const manifest = parseModelManifest(
    { ...model.manifest, file: onnxFile, sha256: hash, source: { ...model.manifest.source, files: { [basename(sourcePath)]: hash } } },
    `built-in manifest ${id}`,
  );
  checkInterface(manifest, graph.input.map((i) => i.name).filter((n) => !initializers.has(n)), graph.output.map((o) => o.name));
  await writeAtomic(onnxPath, bytes);
  await writeAtomic(manifestPath(modelsDir, id), new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  log(`${id}: copied ${sourcePath}`);
  return { id, status: "converted", onnxPath, manifest };
}

async function prepareTfjs(model: TfjsBuiltinModel, modelsDir: string, sourceDir: string, log: (m: string) => void): Promise<PreparedModel> {
  const { id } = model.manifest;
  const jsonPath = join(sourceDir, model.tfjsModel);
  const { model: tfjs, weightData, files } = await readTfjsModelFiles(jsonPath);
  const sourceHashes: Record<string, string> = {};
  for (const file of files) sourceHashes[file.slice(sourceDir.length).replace(/^[\\/]+/, "")] = sha256(await readFile(file));

  const onnxFile = `${id}.onnx`;
  const onnxPath = join(modelsDir, onnxFile);
  const cached = await readCachedManifest(modelsDir, id);
  if (
    cached &&
    cached.source.converter === CONVERTER_VERSION &&
    sameHashes(cached.source.files, sourceHashes) &&
    (await fileSha256(join(modelsDir, cached.file))) === cached.sha256
  ) {
    log(`${id}: up to date`);
    return { id, status: "cached", onnxPath, manifest: cached };
  }

  log(`${id}: converting ${jsonPath}`);
  // Validating the weights here names the .bin file when it is the part that is broken.
  const weights = `weights of ${jsonPath} (${files.slice(1).join(", ")})`;
  decodeWeights(tfjs, weightData, weights);
  const converted = convertTfjsGraphModel(tfjs, weightData, {
    producerName: "attune-tfjs-to-onnx",
    metadata: { "attune.model_id": id, "attune.model_version": model.manifest.version },
  });
  const manifest = parseModelManifest(
    {
      ...model.manifest,
      file: onnxFile,
      sha256: sha256(converted.bytes),
      source: { ...model.manifest.source, files: sourceHashes, converter: CONVERTER_VERSION },
    },
    `built-in manifest ${id}`,
  );
  checkInterface(manifest, converted.inputs.map((i) => i.name), converted.outputs.map((o) => o.name));
  await writeAtomic(onnxPath, converted.bytes);
  // Manifest last: it is the commit record, so a crash in between leaves a model that reconverts.
  await writeAtomic(manifestPath(modelsDir, id), new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  log(`${id}: wrote ${onnxPath} (${converted.bytes.byteLength} bytes)`);
  return { id, status: "converted", onnxPath, manifest };
}

/** A manifest that names tensors the model lacks would fail at run time; fail at setup instead. */
function checkInterface(manifest: ModelManifest, inputs: string[], outputs: string[]): void {
  const want = (list: { name: string }[]) => list.map((x) => x.name).sort().join();
  if (want(manifest.inputs) !== [...inputs].sort().join() || want(manifest.outputs) !== [...outputs].sort().join()) {
    throw new Error(
      `manifest ${manifest.id} declares inputs [${want(manifest.inputs)}] outputs [${want(manifest.outputs)}] ` +
        `but the converted model has inputs [${inputs.join()}] outputs [${outputs.join()}]`,
    );
  }
}

async function readCachedManifest(modelsDir: string, id: string): Promise<ModelManifest | undefined> {
  try {
    return parseModelManifest(JSON.parse(await readFile(manifestPath(modelsDir, id), "utf8")));
  } catch {
    // Missing or unreadable: reconvert, which rewrites it.
    return undefined;
  }
}

async function fileSha256(path: string): Promise<string | undefined> {
  try {
    return sha256(await readFile(path));
  } catch {
    return undefined;
  }
}

function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Write-then-rename so a reader (or a concurrent setup) never sees half a file. */
async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILTIN_MODELS, FACE_EXPRESSION_MODEL_ID } from "./builtin-models";
import { humanModelsDir } from "./human-models";
import { parseModelManifest } from "./manifest";
import { manifestPath, prepareModels, resolveModelsDir, sha256 } from "./setup";

const emotionOnly = BUILTIN_MODELS.filter((m) => m.manifest.id === FACE_EXPRESSION_MODEL_ID);

describe("prepareModels", () => {
  let root: string;
  let sourceDir: string;
  let modelsDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "attune-models-"));
    sourceDir = join(root, "src");
    modelsDir = join(root, "out");
    await mkdir(sourceDir);
    for (const file of ["emotion.json", "emotion.bin"]) await copyFile(join(humanModelsDir(), file), join(sourceDir, file));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("converts, writes a valid manifest with the ONNX sha256, and the model runs", async () => {
    const [result] = await prepareModels({ modelsDir, sourceDir, models: emotionOnly });
    expect(result!.status).toBe("converted");
    const bytes = await readFile(result!.onnxPath);
    const manifest = parseModelManifest(JSON.parse(await readFile(manifestPath(modelsDir, FACE_EXPRESSION_MODEL_ID), "utf8")));
    expect(manifest.sha256).toBe(sha256(bytes));
    expect(manifest.source.files["emotion.bin"]).toBe(sha256(await readFile(join(sourceDir, "emotion.bin"))));
    const session = await ort.InferenceSession.create(bytes);
    try {
      const out = await session.run({ input_1: new ort.Tensor("float32", new Float32Array(64 * 64), [1, 64, 64, 1]) });
      const probs = Array.from(out.Identity!.data as Float32Array);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    } finally {
      await session.release();
    }
  });

  it("does no work for unchanged sources and reconverts when a source changes", async () => {
    await prepareModels({ modelsDir, sourceDir, models: emotionOnly });
    const onnxPath = join(modelsDir, `${FACE_EXPRESSION_MODEL_ID}.onnx`);
    const firstWrite = (await stat(onnxPath)).mtimeMs;
    const firstSha = sha256(await readFile(onnxPath));

    const [again] = await prepareModels({ modelsDir, sourceDir, models: emotionOnly });
    expect(again!.status).toBe("cached");
    expect((await stat(onnxPath)).mtimeMs).toBe(firstWrite);

    // Change one weight (same size, still valid): the model must be rebuilt and its hash change.
    const bin = await readFile(join(sourceDir, "emotion.bin"));
    bin.writeFloatLE(bin.readFloatLE(4000) + 0.5, 4000);
    await writeFile(join(sourceDir, "emotion.bin"), bin);
    const [changed] = await prepareModels({ modelsDir, sourceDir, models: emotionOnly });
    expect(changed!.status).toBe("converted");
    expect(changed!.manifest.sha256).not.toBe(firstSha);
    expect(sha256(await readFile(onnxPath))).toBe(changed!.manifest.sha256);
  });

  it("reconverts when the ONNX file on disk was damaged", async () => {
    await prepareModels({ modelsDir, sourceDir, models: emotionOnly });
    await writeFile(join(modelsDir, `${FACE_EXPRESSION_MODEL_ID}.onnx`), "garbage");
    const [result] = await prepareModels({ modelsDir, sourceDir, models: emotionOnly });
    expect(result!.status).toBe("converted");
  });

  it("fails with a message naming the file when the weights are truncated", async () => {
    const binPath = join(sourceDir, "emotion.bin");
    const bin = await readFile(binPath);
    await writeFile(binPath, bin.subarray(0, bin.byteLength - 100));
    await expect(prepareModels({ modelsDir, sourceDir, models: emotionOnly })).rejects.toThrow(binPath);
  });

  it("fails with a message naming the file when model.json is corrupt", async () => {
    const jsonPath = join(sourceDir, "emotion.json");
    await writeFile(jsonPath, '{"format": "graph-model", "modelTopology": ');
    await expect(prepareModels({ modelsDir, sourceDir, models: emotionOnly })).rejects.toThrow(jsonPath);
    await writeFile(jsonPath, JSON.stringify({ format: "graph-model", modelTopology: { node: [] }, weightsManifest: [] }));
    await expect(prepareModels({ modelsDir, sourceDir, models: emotionOnly })).rejects.toThrow(`${jsonPath} is not a TF.js graph model`);
  });

  it("reads the folder from ATTUNE_MODELS_DIR, falling back to <repo>/data/models", () => {
    expect(resolveModelsDir({ ATTUNE_MODELS_DIR: "/srv/models" })).toBe("/srv/models");
    expect(resolveModelsDir({})).toMatch(/[\\/]data[\\/]models$/);
    expect(resolveModelsDir({})).not.toContain("packages");
  });
});

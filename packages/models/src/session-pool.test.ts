import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelService, TensorData } from "@attune/graph";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_MODELS, FACE_EXPRESSION_MODEL_ID } from "./builtin-models";
import { labelScores } from "./manifest";
import { createModelService, SessionPool, UnknownModelError, withRunnerDefaults } from "./session-pool";
import { prepareModels } from "./setup";

const ID = FACE_EXPRESSION_MODEL_ID;
let modelsDir: string;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), "attune-pool-"));
  await prepareModels({ modelsDir, models: BUILTIN_MODELS.filter((m) => m.manifest.id === ID) });
});
afterAll(async () => {
  await rm(modelsDir, { recursive: true, force: true });
});

const greyFaces = (batch: number, value: number): TensorData => ({
  type: "float32",
  data: new Float32Array(batch * 64 * 64).fill(value),
  dims: [batch, 64, 64, 1],
});

describe("withRunnerDefaults", () => {
  it("stops ORT's thread spinning between runs unless the caller says otherwise, keeping the caller's options", () => {
    expect(withRunnerDefaults()).toEqual({ extra: { session: { force_spinning_stop: "1" } } });
    expect(withRunnerDefaults({ intraOpNumThreads: 1, extra: { session: { set_denormal_as_zero: "1" }, optimization: { x: "1" } } })).toEqual({
      intraOpNumThreads: 1,
      extra: { session: { force_spinning_stop: "1", set_denormal_as_zero: "1" }, optimization: { x: "1" } },
    });
    expect(withRunnerDefaults({ extra: { session: { force_spinning_stop: "0" } } }).extra).toEqual({ session: { force_spinning_stop: "0" } });
  });
});

describe("SessionPool", () => {
  it("loads a model once when many first requests arrive together, and shares the session", async () => {
    const pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
    try {
      const loaded = await Promise.all(Array.from({ length: 8 }, () => pool.get(ID)));
      expect(pool.sessionsCreated).toBe(1);
      expect(new Set(loaded.map((l) => l.session)).size).toBe(1);
      await pool.get(ID);
      expect(pool.sessionsCreated).toBe(1);
      expect(loaded[0]!.manifest.outputs[0]!.taxonomy).toBe("ekman7");
    } finally {
      await pool.close();
    }
  });

  it("releases sessions on close and refuses new requests afterwards", async () => {
    const pool = new SessionPool({ modelsDir });
    const { session } = await pool.get(ID);
    await pool.close();
    await expect(pool.get(ID)).rejects.toThrow(/closed/);
    // A released session can no longer run: proof the native resources went away.
    await expect(session.run({ input_1: new ort.Tensor("float32", new Float32Array(64 * 64), [1, 64, 64, 1]) })).rejects.toThrow();
  });

  it("releases a session whose load was still in flight when close() ran", async () => {
    const pool = new SessionPool({ modelsDir });
    const pending = pool.get(ID);
    await pool.close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it("names the unknown model and lists the available ones", async () => {
    const pool = new SessionPool({ modelsDir });
    try {
      await expect(pool.get("face-expression-nope")).rejects.toThrow(UnknownModelError);
      await expect(pool.get("face-expression-nope")).rejects.toThrow(`unknown model "face-expression-nope"`);
      await expect(pool.get("face-expression-nope")).rejects.toThrow(`available: ${ID}`);
      await expect(pool.get("../etc/passwd")).rejects.toThrow(UnknownModelError);
    } finally {
      await pool.close();
    }
  });

  it("refuses a model file that does not match its manifest's sha256", async () => {
    const dir = await mkdtemp(join(tmpdir(), "attune-pool-bad-"));
    try {
      await prepareModels({ modelsDir: dir, models: BUILTIN_MODELS.filter((m) => m.manifest.id === ID) });
      await writeFile(join(dir, `${ID}.onnx`), "not a model");
      const pool = new SessionPool({ modelsDir: dir });
      await expect(pool.get(ID)).rejects.toThrow(/does not match its manifest/);
      await pool.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("createModelService", () => {
  let pool: SessionPool;
  let service: ModelService;
  beforeAll(() => {
    pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
    service = createModelService(pool);
  });
  afterAll(() => pool.close());

  it("runs a model on TensorData and returns TensorData with ekman7-labelled probabilities", async () => {
    const out = await service.run(ID, { input_1: greyFaces(2, 0.1) });
    const probs = out.Identity!;
    expect(probs.type).toBe("float32");
    expect(probs.dims).toEqual([2, 7]);
    const manifest = (await pool.get(ID)).manifest;
    const scores = labelScores(manifest.outputs[0]!, probs.data.slice(0, 7) as Float32Array);
    expect(Object.keys(scores).sort()).toEqual(["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]);
    expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it("gives different answers for different inputs (the model really runs)", async () => {
    const [a, b] = await Promise.all([service.run(ID, { input_1: greyFaces(1, -0.9) }), service.run(ID, { input_1: greyFaces(1, 0.9) })]);
    const diff = Array.from(a.Identity!.data as Float32Array).reduce((m, v, k) => Math.max(m, Math.abs(v - (b.Identity!.data as Float32Array)[k]!)), 0);
    expect(diff).toBeGreaterThan(1e-3);
    expect(pool.sessionsCreated).toBe(1);
  });

  it("rejects wrong feed names and mismatched tensor data with messages that say what is expected", async () => {
    await expect(service.run(ID, { image: greyFaces(1, 0) })).rejects.toThrow(/takes inputs \[input_1\]; missing \[input_1\]; unknown \[image\]/);
    await expect(service.run(ID, { input_1: { type: "int64", data: new Float32Array(4096), dims: [1, 64, 64, 1] } })).rejects.toThrow(/type int64 does not match/);
    await expect(service.run(ID, { input_1: { type: "float32", data: new Float32Array(10), dims: [1, 64, 64, 1] } })).rejects.toThrow(/hold 4096 elements/);
  });

  it("honours an already aborted signal and an unknown id", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(service.run(ID, { input_1: greyFaces(1, 0) }, controller.signal)).rejects.toThrow(/abort/i);
    await expect(service.run("nope", {})).rejects.toThrow(/unknown model "nope"/);
  });
});

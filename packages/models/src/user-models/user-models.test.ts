import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256 } from "../setup";
import { SessionPool } from "../session-pool";
import { ModelCatalog } from "./catalog";
import { UserModelError } from "./errors";
import { buildExampleClassifier } from "./fixtures";
import { UserModelStore } from "./store";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);

async function* chunks(bytes: Uint8Array, size = 1000): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

let dir: string;
let store: UserModelStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "attune-user-models-"));
  store = new UserModelStore({ dir: join(dir, "user"), maxBytes: 64 * 1024 });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<UserModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserModelError);
  return error as UserModelError;
}

describe("UserModelStore", () => {
  it("stores a valid model by sha256 with the signature onnxruntime reads", async () => {
    const bytes = buildExampleClassifier();
    const { manifest, created } = await store.add(chunks(bytes), { filename: "C:\\models\\emo.onnx" });
    const hash = sha256(bytes);
    expect(created).toBe(true);
    expect(manifest.id).toBe(`user-${hash.slice(0, 16)}`);
    expect(manifest.task).toBe("custom");
    expect(manifest.upload.filename).toBe("emo.onnx");
    expect(manifest.signature).toEqual({
      inputs: [{ name: "features", type: "float32", shape: ["batch", 4] }],
      outputs: [{ name: "probs", type: "float32", shape: ["batch", 3] }],
    });
    expect(await store.files()).toEqual([`${hash}.onnx`, `${manifest.id}.manifest.json`].sort());
  });

  it("is idempotent: the same bytes again keep one copy and the first upload time", async () => {
    const bytes = buildExampleClassifier();
    const first = await store.add(bytes, { filename: "a.onnx", now: new Date("2024-01-01T00:00:00Z") });
    const second = await store.add(chunks(bytes, 7), { filename: "b.onnx" });
    expect(second.created).toBe(false);
    expect(second.manifest).toEqual(first.manifest);
    expect((await store.list()).map((m) => m.id)).toEqual([first.manifest.id]);
    expect(await store.files()).toHaveLength(2);
  });

  it.each([
    ["corrupt bytes", () => Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256), /not a usable ONNX model/],
    ["a truncated valid model", () => buildExampleClassifier().subarray(0, 90), /not a usable ONNX model/],
    ["a PNG image", () => PNG, /looks like a PNG image/],
    ["an empty file", () => new Uint8Array(0), /it is empty/],
    ["JSON", () => new TextEncoder().encode('{"not":"onnx"}'), /looks like a JSON file/],
  ])("refuses %s with 422 and stores nothing", async (_name, make, message) => {
    const error = await refusal(store.add(chunks(make()), { filename: "bad.onnx" }));
    expect(error.status).toBe(422);
    expect(error.code).toBe("MODEL_INVALID");
    expect(error.message).toMatch(message);
    expect(await store.files()).toEqual([]);
  });

  it("refuses a file over the size limit with 413 while streaming, storing nothing", async () => {
    const big = new Uint8Array(64 * 1024 + 1);
    const error = await refusal(store.add(chunks(big, 4096), { filename: "big.onnx" }));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/larger than the limit of 64 KB/);
    expect(await store.files()).toEqual([]);
    expect((await refusal(store.add(big))).status).toBe(413);
  });

  it("removes a model and all its files", async () => {
    const { manifest } = await store.add(buildExampleClassifier());
    expect(await store.remove(manifest.id)).toBe(true);
    expect(await store.remove(manifest.id)).toBe(false);
    expect(await store.files()).toEqual([]);
  });
});

describe("ModelCatalog", () => {
  it("runs an uploaded model through the same ModelService as built-ins and stops after delete", async () => {
    const pool = new SessionPool({ modelsDir: dir });
    const catalog = new ModelCatalog({ modelsDir: dir, pool });
    try {
      const { card } = await catalog.upload(buildExampleClassifier(), "tiny.onnx");
      expect(card.kind).toBe("upload");
      expect(card.inputs[0]).toMatchObject({ name: "features", type: "float32", shape: ["batch", 4], dynamicAxes: [{ axis: 0, name: "batch" }] });
      const out = await catalog.run(card.id, { features: { type: "float32", data: Float32Array.from([0, 1, 0, 0]), dims: [1, 4] } });
      const probs = Array.from(out.probs!.data as Float32Array);
      expect(probs.indexOf(Math.max(...probs))).toBe(1);
      expect((await catalog.list()).map((c) => c.id)).toEqual([card.id]);
      expect(await catalog.signature(card.id)).toEqual(card.signature);

      await catalog.delete(card.id);
      await expect(catalog.run(card.id, { features: { type: "float32", data: new Float32Array(4), dims: [1, 4] } })).rejects.toThrow(/does not exist/);
      expect(await readdir(join(dir, "user"))).toEqual([".incoming"]);
    } finally {
      await catalog.close();
      await pool.close();
    }
  });
});

// Model registry over HTTP: upload (valid and refused), list, pipeline with model.onnx, delete.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExampleClassifier, GraphBuilder, prepareModels, SessionPool, TEXT_EMOTION_MODEL, type ModelCatalog } from "@attune/models";
import { nodes as modelNodes } from "@attune/nodes-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelCatalog } from "../src/models";
import { createNodeRegistry, NODE_FAMILIES } from "../src/registry";
import { authHeaders, edge, node, postPreview, startServer, TOKEN, type RunningServer } from "./helpers";

const LIMIT = 64 * 1024;
const EKMAN = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"];
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2]);

let dir: string;
let pool: SessionPool;
let catalog: ModelCatalog;
let server: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "attune-runner-models-"));
  await prepareModels({ modelsDir: dir, models: [TEXT_EMOTION_MODEL] });
  pool = new SessionPool({ modelsDir: dir });
  catalog = createModelCatalog({ modelsDir: dir, pool, maxUploadBytes: LIMIT });
  // The lead registers the model family in registry.ts; until then add it here.
  const registered = NODE_FAMILIES.flat().some((n) => n.type === "model.onnx");
  server = await startServer({ models: catalog, registry: createNodeRegistry(registered ? [] : modelNodes) });
});
afterAll(async () => {
  await server?.close();
  await catalog?.close();
  await pool?.close();
  await rm(dir, { recursive: true, force: true });
});

function upload(body: Uint8Array | FormData, filename = "model.onnx", headers: Record<string, string> = {}): Promise<Response> {
  const raw = body instanceof Uint8Array;
  return fetch(`${server.url}/v1/models`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(raw ? { "content-type": "application/octet-stream", "x-filename": encodeURIComponent(filename) } : {}),
      ...headers,
    },
    body: raw ? new Blob([body as Uint8Array<ArrayBuffer>]) : body,
  });
}

interface Card {
  id: string;
  kind: string;
  signature: { inputs: { name: string; type: string; shape: unknown[] }[]; outputs: { name: string; type: string; shape: unknown[] }[] };
  inputs: { name: string; type: string; shape: unknown[]; dynamicAxes: unknown[] }[];
  outputs: { name: string }[];
  cardMarkdown?: string;
  upload?: { filename: string; tokenizer?: { kind: string } };
}

describe("model registry routes", () => {
  it("requires the bearer token", async () => {
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(401);
    expect((await upload(buildExampleClassifier(), "x.onnx", { authorization: "Bearer wrong-token-0123456789" })).status).toBe(401);
    expect(await catalog.store.files()).toEqual([]);
  });

  it("lists built-in models with their card, shapes and dynamic axes", async () => {
    const response = await fetch(`${server.url}/v1/models`, { headers: authHeaders() });
    expect(response.status).toBe(200);
    const { models, limits } = (await response.json()) as { models: Card[]; limits: { maxUploadBytes: number } };
    expect(limits.maxUploadBytes).toBe(LIMIT);
    const text = models.find((m) => m.id === "text-emotion")!;
    expect(text.kind).toBe("builtin");
    expect(text.cardMarkdown).toMatch(/GoEmotions/);
    expect(text.inputs[0]).toMatchObject({ name: "ids", type: "int64", shape: ["batch", "n"], dynamicAxes: [{ axis: 0, name: "batch" }, { axis: 1, name: "n" }] });
  });

  it.each([
    ["corrupt bytes", Uint8Array.from({ length: 500 }, (_, i) => (i * 91 + 7) % 256), 422, /not a usable ONNX model/],
    ["a truncated valid model", buildExampleClassifier().subarray(0, 120), 422, /not a usable ONNX model/],
    ["a PNG", PNG, 422, /looks like a PNG image/],
    ["an oversized file", new Uint8Array(LIMIT + 1), 413, /larger than the limit/],
  ])("refuses %s (%i) and stores nothing", async (_name, bytes, status, message) => {
    const response = await upload(bytes, "bad.onnx");
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(message);
    expect(await catalog.store.files()).toEqual([]);
  });

  it("refuses an oversized multipart upload too", async () => {
    const form = new FormData();
    form.append("model", new Blob([new Uint8Array(LIMIT + 20 * 1024 * 1024)]), "huge.onnx");
    const response = await upload(form);
    expect(response.status).toBe(413);
    expect(await catalog.store.files()).toEqual([]);
  });

  let modelId: string;
  it("stores a valid model, reports its signature, and is idempotent", async () => {
    const bytes = buildExampleClassifier({ inputSize: 8, classes: 7 });
    const first = await upload(bytes, "émotions.onnx");
    expect(first.status).toBe(201);
    const { model } = (await first.json()) as { model: Card };
    modelId = model.id;
    expect(model.id).toMatch(/^user-[0-9a-f]{16}$/);
    expect(model.upload!.filename).toBe("émotions.onnx");
    expect(model.signature).toEqual({
      inputs: [{ name: "features", type: "float32", shape: ["batch", 8] }],
      outputs: [{ name: "probs", type: "float32", shape: ["batch", 7] }],
    });
    const again = await upload(bytes, "other-name.onnx");
    expect(again.status).toBe(200);
    expect(((await again.json()) as { created: boolean }).created).toBe(false);
    const got = (await (await fetch(`${server.url}/v1/models/${modelId}`, { headers: authHeaders() })).json()) as { model: Card };
    expect(got.model.upload!.filename).toBe("émotions.onnx");
  });

  it("parses multipart bodies whose boundary has capitals (as browsers send them)", async () => {
    const boundary = "----WebKitFormBoundaryAbCdEfGh12";
    const bytes = buildExampleClassifier({ inputSize: 6 });
    const head = new TextEncoder().encode(`--${boundary}\r\ncontent-disposition: form-data; name="model"; filename="caps.onnx"\r\ncontent-type: application/octet-stream\r\n\r\n`);
    const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
    const body = new Uint8Array(head.length + bytes.length + tail.length);
    body.set(head);
    body.set(bytes, head.length);
    body.set(tail, head.length + bytes.length);
    const response = await upload(body, "ignored", { "content-type": `multipart/form-data; boundary=${boundary}` });
    expect(response.status).toBe(201);
    const { model } = (await response.json()) as { model: Card };
    expect(model.upload!.filename).toBe("caps.onnx");
    expect((await fetch(`${server.url}/v1/models/${model.id}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(204);
  });

  it("accepts multipart with a tokenizer.json and refuses an unsupported tokenizer clearly", async () => {
    const form = new FormData();
    form.append("model", new Blob([buildExampleClassifier({ inputSize: 5 }) as Uint8Array<ArrayBuffer>]), "five.onnx");
    form.append(
      "tokenizer",
      new Blob([JSON.stringify({ model: { type: "WordPiece", unk_token: "[UNK]", vocab: { "[UNK]": 0, hi: 1 } }, pre_tokenizer: { type: "Whitespace" } })]),
      "tokenizer.json",
    );
    const response = await upload(form);
    expect(response.status).toBe(201);
    const { model } = (await response.json()) as { model: Card };
    expect(model.upload).toMatchObject({ filename: "five.onnx", tokenizer: { kind: "WordPiece" } });

    const bad = await fetch(`${server.url}/v1/models/${model.id}/tokenizer`, {
      method: "PUT",
      headers: authHeaders(),
      body: JSON.stringify({ model: { type: "Unigram", vocab: [] } }),
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/model type Unigram/);
    expect((await fetch(`${server.url}/v1/models/${model.id}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(204);
  });

  const pipeline = (params: Record<string, unknown>) => ({
    schemaVersion: 1,
    nodes: [node("in", "core.number-input", { name: "x" }), node("m", "model.onnx", params, 200), node("out", "core.output", { name: "emotion" }, 400)],
    edges: [edge("m", "scores", "out", "value")],
  });

  it("runs a text pipeline with model.onnx on an uploaded model + tokenizer.json over HTTP", async () => {
    // An embedding-bag sentiment model over WordPiece ids: "furious" -> negative, "lovely" -> positive.
    const vocab = { "[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, i: 4, am: 5, furious: 6, lovely: 7, "!": 8 };
    const g = new GraphBuilder({ opset: 17 });
    const ids = g.input("input_ids", "int64", ["batch", "seq"]);
    g.input("attention_mask", "int64", ["batch", "seq"]);
    const emb = new Float32Array(9 * 3);
    emb[6 * 3 + 0] = 6;
    emb[7 * 3 + 2] = 6;
    const vectors = g.node("Gather", [g.initializer("emb", emb, [9, 3]), ids], { axis: 0 });
    g.node("ReduceSum", [vectors, g.initializer("axes", BigInt64Array.from([1n]), [1])], { keepdims: 0 }, { outputs: ["logits"] });
    g.output("logits", "float32", ["batch", 3]);
    const tokenizer = {
      model: { type: "WordPiece", unk_token: "[UNK]", vocab },
      normalizer: { type: "BertNormalizer", lowercase: true },
      pre_tokenizer: { type: "BertPreTokenizer" },
      post_processor: { type: "BertProcessing", cls: ["[CLS]", 2], sep: ["[SEP]", 3] },
    };
    const form = new FormData();
    form.append("model", new Blob([g.toBytes() as Uint8Array<ArrayBuffer>]), "bag.onnx");
    form.append("tokenizer", new Blob([JSON.stringify(tokenizer)]), "tokenizer.json");
    const uploaded = await upload(form);
    expect(uploaded.status).toBe(201);
    const { model } = (await uploaded.json()) as { model: Card };

    const document = {
      schemaVersion: 1,
      nodes: [
        node("in", "core.text-input", { name: "text" }),
        node("m", "model.onnx", {
          modelId: model.id,
          signature: { ...model.signature, tokenizer: true },
          preprocess: "text",
          postprocess: "softmax",
          labels: ["negative", "neutral", "positive"],
          taxonomy: "sentiment3",
        }, 200),
        node("out", "core.output", { name: "sentiment" }, 400),
      ],
      edges: [edge("in", "text", "m", "text"), edge("m", "scores", "out", "value")],
    };
    const top = async (text: string) => {
      const response = await postPreview(server, { document, inputs: { text } }, { accept: "application/json" });
      const result = (await response.json()) as { status: string; outputs: { sentiment: { taxonomy: string; scores: Record<string, number> } }; nodes: unknown };
      expect(result.status, JSON.stringify(result.nodes)).toBe("ok");
      expect(result.outputs.sentiment.taxonomy).toBe("sentiment3");
      return Object.entries(result.outputs.sentiment.scores).sort((a, b) => b[1] - a[1])[0]![0];
    };
    expect(await top("I am FURIOUS!")).toBe("negative");
    expect(await top("lovely")).toBe("positive");
    expect((await fetch(`${server.url}/v1/models/${model.id}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(204);
  });

  it("a preset that does not fit the model is a PARAM_INVALID issue naming the node, not a run", async () => {
    const { model } = (await (await fetch(`${server.url}/v1/models/${modelId}`, { headers: authHeaders() })).json()) as { model: Card };
    const response = await postPreview(server, { document: pipeline({ modelId, signature: model.signature, preprocess: "image", postprocess: "softmax", labels: EKMAN }), inputs: {} }, { accept: "application/json" });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; issues: { code: string; nodeId: string; paramPath?: string; message: string }[] } };
    expect(body.error.code).toBe("INVALID_PIPELINE");
    expect(body.error.issues).toContainEqual(expect.objectContaining({ code: "PARAM_INVALID", nodeId: "m", paramPath: "preprocess" }));
  });

  it("deletes uploaded models only", async () => {
    const del = (id: string) => fetch(`${server.url}/v1/models/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await del("text-emotion")).status).toBe(409);
    expect((await del(modelId)).status).toBe(204);
    expect((await del(modelId)).status).toBe(404);
    expect((await fetch(`${server.url}/v1/models/${modelId}`, { headers: authHeaders() })).status).toBe(404);
    expect(await catalog.store.files()).toEqual([]);
  });
});

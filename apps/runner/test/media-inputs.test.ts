// Media run inputs over real HTTP: base64 JSON, data URLs and multipart uploads, decoded by the real
// core.image-input / core.audio-input nodes, with their failures mapped to 4xx naming the input.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineNode, type AudioValue, type ImageValue, type RunEvent } from "@attune/graph";
import { createNodeRegistry } from "../src/registry";
import { decodeBase64 } from "../src/media-inputs";
import { edge, node, parseSse, postPreview, startServer, TOKEN, type RunningServer } from "./helpers";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** A real photo with a face that ships inside the face-api package. */
const PHOTO = readFileSync(path.join(repoRoot, "node_modules/@vladmandic/face-api/demo/facemesh.png"));

/** Reduces an image to its size so results stay small (test-only measuring node). */
const imageSize = defineNode(
  {
    type: "core.test-image-size",
    version: 1,
    family: "core",
    title: "Image size (test)",
    description: "width x height",
    inputs: [{ id: "image", label: "Image", accepts: "image" }],
    outputs: [{ id: "size", label: "Size", type: "text" }],
    params: z.object({}),
  },
  { run: async ({ image }) => ({ size: `${(image as ImageValue).width}x${(image as ImageValue).height}` }), example: { inputs: {} } },
);

/** Reduces audio to its duration in seconds (test-only measuring node). */
const audioSeconds = defineNode(
  {
    type: "core.test-audio-seconds",
    version: 1,
    family: "core",
    title: "Audio seconds (test)",
    description: "duration",
    inputs: [{ id: "audio", label: "Audio", accepts: "audio" }],
    outputs: [{ id: "seconds", label: "Seconds", type: "number" }],
    params: z.object({}),
  },
  {
    run: async ({ audio }) => ({ seconds: (audio as AudioValue).samples.length / (audio as AudioValue).sampleRate }),
    example: { inputs: {} },
  },
);

/** A minimal RGB PNG (zlib + CRC by hand), so the test needs no image library. */
function makePng(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) raw.set([(x * 255) / width, (y * 255) / height, 90], row + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** 16-bit mono PCM WAV of a tone. */
function makeWav(seconds: number, rate = 16_000, hz = 220): Buffer {
  const n = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + n * 2);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + n * 2, 4);
  out.write("WAVEfmt ", 8, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) out.writeInt16LE(Math.round(12_000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  return out;
}

function pipeline(opts: { imageParams?: Record<string, unknown>; audio?: boolean; text?: boolean } = {}) {
  const nodes = [node("img", "core.image-input", opts.imageParams ?? {}), node("size", "core.test-image-size", {}, 200), node("out", "core.output", { name: "size" }, 400)];
  const edges = [edge("img", "image", "size", "image"), edge("size", "size", "out", "value")];
  if (opts.audio) {
    nodes.push(node("aud", "core.audio-input"), node("secs", "core.test-audio-seconds", {}, 200), node("outA", "core.output", { name: "seconds" }, 400));
    edges.push(edge("aud", "audio", "secs", "audio"), edge("secs", "seconds", "outA", "value"));
  }
  if (opts.text) {
    nodes.push(node("txt", "core.text-input"), node("outT", "core.output", { name: "text" }, 400));
    edges.push(edge("txt", "text", "outT", "value"));
  }
  return { schemaVersion: 1, nodes, edges };
}

interface Result {
  status: string;
  outputs: Record<string, unknown>;
  nodes: Record<string, { status: string; error?: { code?: string; message: string } }>;
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; input?: string } }).error;
}

function postMultipart(server: RunningServer, form: FormData, accept = "application/json"): Promise<Response> {
  return fetch(`${server.url}/v1/preview`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, accept }, body: form });
}

describe("media run inputs", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ registry: createNodeRegistry([imageSize, audioSeconds]) });
  });
  afterAll(() => server.close());

  it("decodes an image sent as { base64, mimeType } and one sent as a data URL", async () => {
    const png = makePng(40, 30);
    const asObject = await postPreview(server, { document: pipeline(), inputs: { image: { base64: png.toString("base64"), mimeType: "image/png", filename: "g.png" } } }, { accept: "application/json" });
    expect(asObject.status).toBe(200);
    expect(((await asObject.json()) as Result).outputs.size).toBe("40x30");

    // The photo's data URL is longer than the 10,000-character text limit: media inputs are not text.
    const dataUrl = `data:image/png;base64,${PHOTO.toString("base64")}`;
    expect(dataUrl.length).toBeGreaterThan(10_000);
    const asDataUrl = await postPreview(server, { document: pipeline(), inputs: { image: dataUrl } }, { accept: "application/json" });
    expect(asDataUrl.status).toBe(200);
    expect(((await asDataUrl.json()) as Result).outputs.size).toMatch(/^\d+x\d+$/);
  });

  it("streams the image input's thumbnail preview", async () => {
    const res = await postPreview(server, { document: pipeline(), inputs: { image: { base64: PHOTO.toString("base64"), mimeType: "image/png" } } });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    const preview = events.find((e): e is Extract<RunEvent, { type: "preview" }> => e.type === "preview" && e.nodeId === "img");
    expect(preview?.preview.kind).toBe("image");
    if (preview?.preview.kind === "image") expect(preview.preview.thumbnail).toMatch(/^data:image\/(jpeg|png|webp);base64,/);
  });

  it("answers 400 naming the input when base64 is malformed", async () => {
    for (const image of [{ base64: "not base64!!", mimeType: "image/png" }, "data:image/png;base64,%%%", "just a string", 42, { mimeType: "image/png" }]) {
      const res = await postPreview(server, { document: pipeline(), inputs: { image } }, { accept: "application/json" });
      expect(res.status, JSON.stringify(image)).toBe(400);
      const error = await errorOf(res);
      expect(error).toMatchObject({ code: "INVALID_MEDIA_ENCODING", input: "image" });
      expect(error.message).toContain("'image'");
    }
  });

  it("answers 422 naming the input for bytes that are no image (JSON mode) and fails the node in the stream", async () => {
    const garbage = { base64: Buffer.from("this is plain text, not a picture").toString("base64"), mimeType: "image/png" };
    const res = await postPreview(server, { document: pipeline(), inputs: { image: garbage } }, { accept: "application/json" });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: "INVALID_MEDIA", input: "image" });
    expect(error.message).toContain("'image'");

    const stream = await postPreview(server, { document: pipeline(), inputs: { image: garbage } });
    expect(stream.status).toBe(200);
    const events = parseSse(await stream.text());
    const failed = events.find((e) => e.type === "node-failed" && e.nodeId === "img");
    expect(failed).toMatchObject({ error: { code: "INVALID_MEDIA" } });
    expect(events.some((e) => e.type === "node-skipped" && e.nodeId === "size")).toBe(true);
  });

  it("answers 413 MEDIA_TOO_LARGE naming the input when the node's byte limit is exceeded", async () => {
    const res = await postPreview(
      server,
      { document: pipeline({ imageParams: { maxBytes: 2000 } }), inputs: { image: { base64: PHOTO.toString("base64") } } },
      { accept: "application/json" },
    );
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({ code: "MEDIA_TOO_LARGE", input: "image" });
  });

  it("still limits text inputs (and only them) by characters", async () => {
    const res = await postPreview(
      server,
      { document: pipeline({ text: true }), inputs: { image: { base64: makePng(4, 4).toString("base64") }, text: "x".repeat(10_001) } },
      { accept: "application/json" },
    );
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({ code: "INPUT_TOO_LARGE", input: "text" });
  });

  it("decodes audio sent as base64", async () => {
    const res = await postPreview(
      server,
      { document: pipeline({ audio: true }), inputs: { image: { base64: makePng(8, 8).toString("base64") }, audio: { base64: makeWav(1.5).toString("base64"), mimeType: "audio/wav" } } },
      { accept: "application/json" },
    );
    expect(res.status).toBe(200);
    const result = (await res.json()) as Result;
    expect(result.outputs.seconds).toBeCloseTo(1.5, 2);
  });

  it("accepts multipart/form-data: a JSON 'request' field plus one file part per media input", async () => {
    const form = new FormData();
    form.set("request", JSON.stringify({ document: pipeline({ audio: true, text: true }), sessionId: "mp-1" }));
    form.set("image", new Blob([new Uint8Array(PHOTO)], { type: "image/png" }), "facemesh.png");
    form.set("audio", new Blob([new Uint8Array(makeWav(2))], { type: "audio/wav" }), "tone.wav");
    form.set("text", "hello from a form field");
    const res = await postMultipart(server, form);
    expect(res.status).toBe(200);
    const result = (await res.json()) as Result;
    expect(result.status).toBe("ok");
    expect(result.outputs.size).toMatch(/^\d+x\d+$/);
    expect(result.outputs.seconds).toBeCloseTo(2, 2);
    expect(result.outputs.text).toBe("hello from a form field");

    // The same upload as an event stream.
    const form2 = new FormData();
    form2.set("request", JSON.stringify({ document: pipeline() }));
    form2.set("image", new Blob([new Uint8Array(PHOTO)], { type: "image/png" }), "facemesh.png");
    const stream = await postMultipart(server, form2, "text/event-stream");
    const events = parseSse(await stream.text());
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "ok" });
  });

  it("refuses malformed multipart requests with a clear 4xx", async () => {
    const noRequest = new FormData();
    noRequest.set("image", new Blob([new Uint8Array(PHOTO)], { type: "image/png" }), "facemesh.png");
    const res = await postMultipart(server, noRequest);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("'request'");

    const badJson = new FormData();
    badJson.set("request", "{not json");
    expect((await postMultipart(server, badJson)).status).toBe(400);

    const corrupt = new FormData();
    corrupt.set("request", JSON.stringify({ document: pipeline() }));
    corrupt.set("image", new Blob([new Uint8Array(Buffer.from("GIF89a-ish nonsense"))], { type: "image/gif" }), "x.gif");
    const refused = await postMultipart(server, corrupt);
    expect(refused.status).toBe(422);
    expect(await errorOf(refused)).toMatchObject({ code: "INVALID_MEDIA", input: "image" });
  });

  it("refuses uploads over the preview body limit with 413", async () => {
    const small = await startServer({ registry: createNodeRegistry([imageSize, audioSeconds]), previewBodyLimitBytes: 8 * 1024 });
    try {
      const form = new FormData();
      form.set("request", JSON.stringify({ document: pipeline() }));
      form.set("image", new Blob([new Uint8Array(PHOTO)], { type: "image/png" }), "facemesh.png");
      const res = await postMultipart(small, form);
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toMatchObject({ code: "BODY_TOO_LARGE", input: "image" });

      const json = await postPreview(small, { document: pipeline(), inputs: { image: { base64: PHOTO.toString("base64") } } });
      expect(json.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});

describe("decodeBase64", () => {
  it("accepts standard and url-safe base64 and refuses anything else", () => {
    expect(Buffer.from(decodeBase64("aGVsbG8=")!).toString()).toBe("hello");
    expect(Buffer.from(decodeBase64("aGVsbG8")!).toString()).toBe("hello");
    expect(Buffer.from(decodeBase64("-_8=")!)).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64("aGVs bG8=\n")).toBeDefined();
    expect(decodeBase64("a")).toBeUndefined();
    expect(decodeBase64("ab=c")).toBeUndefined();
    expect(decodeBase64("héllo")).toBeUndefined();
  });
});

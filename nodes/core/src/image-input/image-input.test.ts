import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { ImageValue, PreviewSummary } from "@attune/graph";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeTestContext } from "../testing";
import { sniffImageFormat } from "./decode";
import { imageInput } from "./index";

const params = (p: Record<string, unknown> = {}) => imageInput.params.parse(p);
const run = (value: unknown, p: Record<string, unknown> = {}) =>
  imageInput.run({}, params(p), makeTestContext({ runInputs: { image: value } })).then((o) => o.image as ImageValue);

const samplePath = join(createRequire(import.meta.url).resolve("@vladmandic/face-api").replace(/dist[\\/].*$/, ""), "demo", "sample1.jpg");

/** Left half red, right half blue: orientation mistakes show up as colours in the wrong place. */
function halves(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  return data;
}
const raw = (data: Buffer, width: number, height: number) => sharp(data, { raw: { width, height, channels: 3 } });
const pixel = (img: ImageValue, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];

/** A 65-byte PNG claiming the given size: IHDR, a tiny IDAT and IEND, all with valid CRCs. */
function pngBomb(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
  return new Uint8Array(Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]));
}

async function expectRefusal(promise: Promise<unknown>, code: string, message: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  expect(error, "expected a refusal").toBeInstanceOf(Error);
  expect(error!.code).toBe(code);
  expect(error!.message).toMatch(message);
}

describe("core.image-input", () => {
  it("decodes PNG, JPEG and WebP to RGB8 of the right size, from MediaBytes or bare bytes", async () => {
    const src = raw(halves(40, 20), 40, 20);
    for (const [format, bytes] of [
      ["png", await src.clone().png().toBuffer()],
      ["jpeg", await src.clone().jpeg({ quality: 95 }).toBuffer()],
      ["webp", await src.clone().webp({ lossless: true }).toBuffer()],
    ] as const) {
      expect(sniffImageFormat(bytes)).toBe(format);
      for (const value of [{ bytes: new Uint8Array(bytes), mimeType: "application/octet-stream" }, new Uint8Array(bytes)]) {
        const img = await run(value);
        expect([img.width, img.height, img.channels, img.data.length]).toEqual([40, 20, 3, 40 * 20 * 3]);
        const [r, , b] = pixel(img, 5, 10);
        expect(r).toBeGreaterThan(200);
        expect(b).toBeLessThan(60);
      }
    }
  });

  it("applies EXIF orientation: a photo stored sideways with orientation 6 comes out upright", async () => {
    // Orientation 6 = display rotated 90° clockwise: the stored left half (red) ends up on top.
    const jpeg = await raw(halves(40, 20), 40, 20).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const img = await run(new Uint8Array(jpeg));
    expect([img.width, img.height]).toEqual([20, 40]);
    expect(pixel(img, 10, 5)[0]).toBeGreaterThan(200); // top: red
    expect(pixel(img, 10, 35)[2]).toBeGreaterThan(200); // bottom: blue
  });

  it("turns greyscale and transparent images into 3-channel RGB", async () => {
    const grey = await sharp(Buffer.alloc(64, 90), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace("b-w").png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const g = await run(new Uint8Array(grey));
    expect(g.channels).toBe(3);
    expect(g.data.length).toBe(8 * 8 * 3);
    const clear = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const c = await run(new Uint8Array(clear));
    expect(pixel(c, 3, 3)).toEqual([255, 255, 255]); // flattened onto white
  });

  it("refuses a decompression bomb from its header, before decoding", async () => {
    const bomb = pngBomb(100_000, 100_000);
    expect(bomb.length).toBeLessThan(100);
    await expectRefusal(run(new Uint8Array(bomb)), "MEDIA_TOO_LARGE", /100000x100000 pixels \(10000\.0 MP\); this input allows at most 40\.0 MP/);
    // Even a bare header, too short for the decoder to parse, is measured and refused.
    await expectRefusal(run(bomb.slice(0, 33)), "MEDIA_TOO_LARGE", /100000x100000 pixels/);
    // The limit is a param: a 2 MP photo is refused at 1 MP and accepted at the default.
    const photo = new Uint8Array(await readFile(samplePath));
    await expectRefusal(run(photo, { maxPixels: 1_000_000 }), "MEDIA_TOO_LARGE", /1920x1280 pixels/);
  });

  it("refuses files over maxBytes", async () => {
    const photo = new Uint8Array(await readFile(samplePath));
    await expectRefusal(run({ bytes: photo, filename: "party.jpg" }, { maxBytes: 100_000 }), "MEDIA_TOO_LARGE", /'party.jpg' is 0\.\d+ MB; this input allows at most 0\.10 MB/);
  });

  it("refuses corrupt, truncated and unsupported files with messages naming the problem", async () => {
    const photo = new Uint8Array(await readFile(samplePath));
    const truncated = photo.slice(0, Math.floor(photo.length / 2));
    await expectRefusal(run(truncated), "INVALID_MEDIA", /corrupt or truncated JPEG/);
    const corruptPng = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 64 }, (_, i) => (i * 37) & 255)]);
    await expectRefusal(run(corruptPng), "INVALID_MEDIA", /corrupt PNG/);
    const gif = new Uint8Array(Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64"));
    await expectRefusal(run(gif), "INVALID_MEDIA", /GIF file, which is not supported: send PNG, JPEG or WebP/);
    await expectRefusal(run(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])), "INVALID_MEDIA", /not a PNG, JPEG or WebP image/);
    await expectRefusal(run(new Uint8Array()), "INVALID_MEDIA", /empty/);
    // The client's claimed type does not matter: the bytes decide.
    await expectRefusal(run({ bytes: gif, mimeType: "image/png" }), "INVALID_MEDIA", /GIF/);
  });

  it("names a missing or mistyped run input", async () => {
    await expectRefusal(imageInput.run({}, params(), makeTestContext()), "INVALID_MEDIA", /run input 'image' is missing/);
    await expectRefusal(run("data:image/png;base64,AAAA"), "INVALID_MEDIA", /must be image bytes, got string/);
    await expectRefusal(
      imageInput.run({}, params({ name: "photo" }), makeTestContext({ runInputs: { image: new Uint8Array(4) } })),
      "INVALID_MEDIA",
      /run input 'photo' is missing/,
    );
  });

  it("previews a JPEG thumbnail no longer than 256 px, with the original size", async () => {
    const photo = new Uint8Array(await readFile(samplePath));
    const outputs = await imageInput.run({}, params(), makeTestContext({ runInputs: { image: photo } }));
    const preview = imageInput.preview!(outputs, params()) as Extract<PreviewSummary, { kind: "image" }>;
    expect(preview.kind).toBe("image");
    expect([preview.width, preview.height]).toEqual([1920, 1280]);
    expect(preview.thumbnail.startsWith("data:image/jpeg;base64,")).toBe(true);
    const thumb = await sharp(Buffer.from(preview.thumbnail.split(",")[1]!, "base64")).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(["jpeg", 256, 171]);
    // The thumbnail rides along invisibly: the image value itself is only pixels.
    expect(Object.keys(outputs.image as object).sort()).toEqual(["channels", "data", "height", "width"]);
  });

  it("has defaults of 10 MB and 40 MP", () => {
    expect(params()).toEqual({ name: "image", maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 });
    expect(imageInput.params.safeParse({ maxPixels: 0 }).success).toBe(false);
  });
});

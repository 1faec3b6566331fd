import type { FaceDetection, ImageValue, ModelService, PreviewSummary } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { decodeImage } from "@attune/nodes-core/image-decode";
import { attachImagePreview, imagePreviewOf, makeImagePreview } from "@attune/nodes-core/image-thumbnail";
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleImage } from "../shared/preview";
import { loadPhoto, samplePhotoPath, visionModelService } from "../shared/test-models";
import { blazefaceAnchors } from "./blazeface";
import { faceDetect } from "./index";

let models: ModelService;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ models, close } = await visionModelService());
});
afterAll(() => close());

const params = (p: Record<string, unknown> = {}) => faceDetect.params.parse(p);
const ctx = () => ({ ...makeTestContext(), models });
async function detect(image: ImageValue, p: Record<string, unknown> = {}): Promise<FaceDetection[]> {
  const out = await faceDetect.run({ image }, params(p), ctx());
  expect(out.count).toBe((out.faces as FaceDetection[]).length);
  return out.faces as FaceDetection[];
}

function expectInside(faces: FaceDetection[], image: ImageValue) {
  for (const f of faces) {
    expect(f.box.x).toBeGreaterThanOrEqual(0);
    expect(f.box.y).toBeGreaterThanOrEqual(0);
    expect(f.box.width).toBeGreaterThan(0);
    expect(f.box.height).toBeGreaterThan(0);
    expect(f.box.x + f.box.width).toBeLessThanOrEqual(image.width + 1e-6);
    expect(f.box.y + f.box.height).toBeLessThanOrEqual(image.height + 1e-6);
    for (const p of Object.values(f.landmarks)) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(image.width);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(image.height);
    }
  }
}

describe("BlazeFace anchors", () => {
  it("lays 2 anchors per cell on a 16x16 grid, then 6 per cell on an 8x8 grid, at cell centres", () => {
    const a = blazefaceAnchors(256);
    expect(a.length).toBe(2 * (512 + 384));
    expect([...a.slice(0, 4)]).toEqual([8, 8, 8, 8]);
    expect([a[2 * 511], a[2 * 511 + 1]]).toEqual([248, 248]);
    expect([a[2 * 512], a[2 * 512 + 1]]).toEqual([16, 16]);
    expect([a[2 * 895], a[2 * 895 + 1]]).toEqual([240, 240]);
  });
});

describe("vision.face-detect", () => {
  it.each([
    ["sample1.jpg", 3],
    ["sample2.jpg", 3],
    ["sample3.jpg", 3],
    ["sample4.jpg", 4],
    ["sample5.jpg", 5],
    ["sample6.jpg", 4],
  ])("counts the faces on face-api's group photo %s (%i)", async (file, count) => {
    const image = await loadPhoto(samplePhotoPath(`face-api/${file}`));
    const faces = await detect(image);
    expect(faces).toHaveLength(count);
    expectInside(faces, image);
    const scores = faces.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.5);
    for (const f of faces) {
      // Eyes sit in the upper half of the box, the person's right eye on the image's left.
      const { rightEye, leftEye, mouth } = f.landmarks;
      expect(rightEye!.x).toBeLessThan(leftEye!.x);
      expect(rightEye!.y).toBeLessThan(f.box.y + f.box.height / 2);
      expect(mouth!.y).toBeGreaterThan(rightEye!.y);
    }
  });

  it("finds a face where it was put: a face pasted at a known place on a plain 640x480 frame", async () => {
    const photo = samplePhotoPath("face-api/sample1.jpg");
    const [first] = await detect(await loadPhoto(photo));
    const b = first!.box;
    const pad = Math.round(b.width * 0.6);
    const face = await sharp(await readFile(photo))
      .extract({ left: Math.round(b.x) - pad, top: Math.round(b.y) - pad, width: Math.round(b.width) + 2 * pad, height: Math.round(b.height) + 2 * pad })
      .resize(200)
      .toBuffer();
    for (const at of [{ left: 60, top: 40 }, { left: 400, top: 250 }]) {
      const { data, info } = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#808080" } })
        .composite([{ input: face, ...at }])
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const frame: ImageValue = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
      const faces = await detect(frame);
      expect(faces).toHaveLength(1);
      const f = faces[0]!;
      // The pasted patch is 200 px with the face in its middle.
      expect(f.box.x + f.box.width / 2).toBeGreaterThan(at.left + 70);
      expect(f.box.x + f.box.width / 2).toBeLessThan(at.left + 130);
      expect(f.box.y + f.box.height / 2).toBeGreaterThan(at.top + 70);
      expect(f.box.y + f.box.height / 2).toBeLessThan(at.top + 130);
      expect(f.box.width).toBeGreaterThan(50);
      expect(f.box.width).toBeLessThan(160);
    }
  });

  it("returns an empty list, not an error, when there is no face", async () => {
    const out = await faceDetect.run({ image: exampleImage(320, 240) }, params(), ctx());
    expect(out).toEqual({ faces: [], count: 0 });
  });

  it("honours maxFaces (best first) and minScore", async () => {
    const image = await loadPhoto(samplePhotoPath("face-api/sample5.jpg"));
    const all = await detect(image);
    const two = await detect(image, { maxFaces: 2 });
    expect(two.map((f) => f.score)).toEqual(all.slice(0, 2).map((f) => f.score));
    const strict = await detect(image, { minScore: 0.9 });
    expect(strict.length).toBeLessThan(all.length);
    expect(strict.every((f) => f.score >= 0.9)).toBe(true);
    const standard = await detect(image, { nms: "standard" });
    expect(standard).toHaveLength(all.length);
  });

  it("sees faces in a photo stored sideways with an EXIF orientation, once core.image-input's decoder has read it", async () => {
    // Stored rotated 90° counter-clockwise, tagged orientation 6 (display = rotate 90° clockwise).
    const stored = await sharp(await readFile(samplePhotoPath("face-api/sample1.jpg"))).rotate(-90).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const image = await decodeImage(new Uint8Array(stored), { maxBytes: 1e8, maxPixels: 1e8 });
    expect([image.width, image.height]).toEqual([1920, 1280]);
    // From between the eyes to the mouth: downwards on an upright face, sideways on a lying one.
    const down = (f: FaceDetection) => {
      const { leftEye: l, rightEye: r, mouth: m } = f.landmarks;
      return { x: m!.x - (l!.x + r!.x) / 2, y: m!.y - (l!.y + r!.y) / 2 };
    };
    const upright = await detect(image);
    expect(upright).toHaveLength(3);
    // (One woman tilts her head steeply: mouth below the eyes for all, mostly straight down for most.)
    for (const f of upright) expect(down(f).y).toBeGreaterThan(0);
    expect(upright.filter((f) => down(f).y > Math.abs(down(f).x)).length).toBeGreaterThan(upright.length / 2);
    // Ignoring the tag leaves the faces lying on their side.
    const { data, info } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1280, 1920]);
    const sideways = await detect({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) });
    // (BlazeFace's landmarks are loose on a lying face, so most, not all.)
    expect(sideways.filter((f) => Math.abs(down(f).x) > Math.abs(down(f).y)).length).toBeGreaterThan(sideways.length / 2);
  });

  it("previews boxes over the input's thumbnail, in original pixels", async () => {
    // As core.image-input outputs it: pixels with the thumbnail attached.
    const image = await loadPhoto(samplePhotoPath("face-api/sample1.jpg"));
    attachImagePreview(image, await makeImagePreview(image));
    const outputs = await faceDetect.run({ image }, params(), ctx());
    const preview = faceDetect.preview!(outputs, params()) as Extract<PreviewSummary, { kind: "faces" }>;
    const inputPreview = imagePreviewOf(image)!;
    expect(preview.kind).toBe("faces");
    expect([preview.width, preview.height]).toEqual([1920, 1280]);
    expect(preview.thumbnail).toBe(inputPreview.thumbnail); // reused, not encoded again
    expect(preview.faces).toHaveLength(3);
    expect(preview.faces[0]!.box).toEqual((outputs.faces as FaceDetection[])[0]!.box);
  });

  it("fails clearly without a model service or without an image", async () => {
    await expect(faceDetect.run({ image: exampleImage() }, params(), makeTestContext())).rejects.toThrow(/needs the model service/);
    await expect(faceDetect.run({ image: { width: 2, height: 2, data: new Uint8Array(3) } }, params(), ctx())).rejects.toThrow(/must be an RGB image/);
  });
});

import { TAXONOMY_LABELS, type EmotionScores, type FaceDetection, type ImageValue, type ModelService, type PreviewSummary } from "@attune/graph";
import { BUILTIN_MODELS } from "@attune/models";
import { makeTestContext } from "@attune/nodes-core/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faceDetect } from "../face-detect";
import { exampleImage } from "../shared/preview";
import { loadPhoto, samplePhotoPath, visionModelService } from "../shared/test-models";
import { EXPRESSION_MODELS, faceRegion } from "./face-crop";
import { facialExpression } from "./index";
import type { FaceWithExpression } from "./run";

let models: ModelService;
let close: () => Promise<void>;
let group: ImageValue;
let groupFaces: FaceDetection[];
beforeAll(async () => {
  ({ models, close } = await visionModelService());
  group = await loadPhoto(samplePhotoPath("face-api/sample5.jpg"));
  groupFaces = (await faceDetect.run({ image: group }, faceDetect.params.parse({}), { ...makeTestContext(), models })).faces as FaceDetection[];
});
afterAll(() => close());

const params = (p: Record<string, unknown> = {}) => facialExpression.params.parse(p);
const ctx = () => ({ ...makeTestContext(), models });

function expectDistribution(value: EmotionScores) {
  expect(value.taxonomy).toBe("ekman7");
  expect(Object.keys(value.scores)).toEqual([...TAXONOMY_LABELS.ekman7]);
  for (const s of Object.values(value.scores)) {
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThanOrEqual(1);
  }
  expect(Object.values(value.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
}

describe("vision.facial-expression", () => {
  it.each(["face-api", "mini-xception"])("scores every face of a group photo with %s: ekman7 distributions", async (model) => {
    expect(groupFaces).toHaveLength(5);
    const inputs = { image: group, faces: groupFaces };
    const before = structuredClone(inputs.faces);
    const out = await facialExpression.run(inputs, params({ model }), ctx());
    const faces = out.faces as FaceWithExpression[];
    expect(faces).toHaveLength(5);
    faces.forEach((f, i) => {
      expect(f.box).toEqual(groupFaces[i]!.box);
      expect(f.landmarks).toEqual(groupFaces[i]!.landmarks);
      expect(f.expression.calibrated).toBe(true);
      expectDistribution(f.expression);
    });
    // Different faces get different scores: the crops really follow the boxes.
    expect(new Set(faces.map((f) => f.expression.scores.joy!.toFixed(4))).size).toBe(5);
    // primary is the largest face's scores.
    const largest = faces.reduce((a, f) => (f.box.width * f.box.height > a.box.width * a.box.height ? f : a));
    expect(out.primary).toEqual(largest.expression);
    expect(out.hasFace).toBe(true);
    expect(inputs.faces).toEqual(before);
  });

  it("reads smiles: most of the smiling women in face-api's sample6 come out joyful", async () => {
    const image = await loadPhoto(samplePhotoPath("face-api/sample6.jpg"));
    const { faces } = await faceDetect.run({ image }, faceDetect.params.parse({}), ctx());
    const out = await facialExpression.run({ image, faces }, params(), ctx());
    const tops = (out.faces as FaceWithExpression[]).map((f) => Object.entries(f.expression.scores).sort((a, b) => b[1] - a[1])[0]![0]);
    expect(tops.filter((t) => t === "joy").length).toBeGreaterThanOrEqual(2);
  });

  it("with no face: empty list, uniform uncalibrated primary, hasFace false", async () => {
    const out = await facialExpression.run({ image: exampleImage(), faces: [] }, params(), ctx());
    expect(out.faces).toEqual([]);
    expect(out.hasFace).toBe(false);
    const primary = out.primary as EmotionScores;
    expect(primary.calibrated).toBe(false);
    expectDistribution(primary);
    for (const s of Object.values(primary.scores)) expect(s).toBeCloseTo(1 / 7, 10);
  });

  it("levels the eyes: a tilted face scores like the upright one when aligned", async () => {
    // Rotate the whole photo by 25°, move the detected landmarks with it, compare crops' scores.
    const face = groupFaces[0]!;
    const angle = (25 * Math.PI) / 180;
    const rotatedBuf = await sharp(group.data, { raw: { width: group.width, height: group.height, channels: 3 } })
      .rotate(25, { background: "#000" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rotated: ImageValue = { width: rotatedBuf.info.width, height: rotatedBuf.info.height, channels: 3, data: new Uint8Array(rotatedBuf.data) };
    const move = (p: { x: number; y: number }) => {
      const dx = p.x - group.width / 2;
      const dy = p.y - group.height / 2;
      return { x: rotated.width / 2 + dx * Math.cos(angle) - dy * Math.sin(angle), y: rotated.height / 2 + dx * Math.sin(angle) + dy * Math.cos(angle) };
    };
    const centre = move({ x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 });
    const tilted: FaceDetection = {
      box: { x: centre.x - face.box.width / 2, y: centre.y - face.box.height / 2, width: face.box.width, height: face.box.height },
      landmarks: Object.fromEntries(Object.entries(face.landmarks).map(([k, p]) => [k, move(p)])),
      score: face.score,
    };
    const region = faceRegion(tilted, { margin: 0.5, align: true });
    const eyeAngle = Math.atan2(face.landmarks.leftEye!.y - face.landmarks.rightEye!.y, face.landmarks.leftEye!.x - face.landmarks.rightEye!.x);
    expect(region.angle).toBeCloseTo(eyeAngle + angle, 5);

    const scores = async (image: ImageValue, f: FaceDetection, align: boolean) =>
      ((await facialExpression.run({ image, faces: [f] }, params({ align }), ctx())).primary as EmotionScores).scores;
    const distance = (a: Record<string, number>, b: Record<string, number>) => TAXONOMY_LABELS.ekman7.reduce((s, l) => s + Math.abs(a[l]! - b[l]!), 0);
    const reference = await scores(group, face, true);
    const aligned = await scores(rotated, tilted, true);
    const unaligned = await scores(rotated, tilted, false);
    expect(distance(aligned, reference)).toBeLessThan(distance(unaligned, reference));
  });

  it("previews each face's top emotions over the thumbnail", async () => {
    const out = await facialExpression.run({ image: group, faces: groupFaces }, params({ previewTop: 2 }), ctx());
    const preview = facialExpression.preview!(out, params({ previewTop: 2 })) as Extract<PreviewSummary, { kind: "faces" }>;
    expect(preview.kind).toBe("faces");
    expect([preview.width, preview.height]).toEqual([group.width, group.height]);
    expect(preview.thumbnail?.startsWith("data:image/jpeg;base64,")).toBe(true);
    expect(preview.faces).toHaveLength(5);
    for (const f of preview.faces) {
      expect(f.top).toHaveLength(2);
      expect(f.top![0]!.score).toBeGreaterThanOrEqual(f.top![1]!.score);
    }
  });

  it("keeps its label tables in step with the model manifests", () => {
    for (const m of Object.values(EXPRESSION_MODELS)) {
      const manifest = BUILTIN_MODELS.find((b) => b.manifest.id === m.modelId)?.manifest;
      expect(manifest, m.modelId).toBeDefined();
      const output = manifest!.outputs.find((o) => o.name === m.output)!;
      expect(output.labels).toEqual([...m.labels]);
      const input = manifest!.inputs.find((i) => i.name === m.input)!;
      expect(input.shape.slice(1)).toEqual([m.size, m.size, m.grey ? 1 : 3]);
    }
  });

  it("refuses faces that are not a face list, and defaults to face-api at its own margin", async () => {
    await expect(facialExpression.run({ image: group, faces: [{ nope: 1 }] }, params(), ctx())).rejects.toThrow(/input 'faces' must be a list of faces/);
    expect(params()).toEqual({ model: "face-api", align: true, previewTop: 3 });
  });
});

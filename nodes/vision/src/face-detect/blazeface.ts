/**
 * BlazeFace (back-camera model, 256x256) pre- and post-processing, following @vladmandic/human's
 * src/face/blazeface.ts and facemeshutil.ts: anchors at the centres of a 16x16 grid (stride 16,
 * 2 anchors per cell) then an 8x8 grid (stride 32, 6 per cell), in input pixels; regressors are
 * [dx, dy, w, h, 6 x (kx, ky)] in input pixels relative to the anchor; scores are logits.
 */
import type { FaceDetection, ImageValue, TensorData } from "@attune/graph";
import { byteLut, letterboxTensor, type Letterbox } from "../shared/image-ops";

export const BLAZEFACE_MODEL_ID = "face-detector-blazeface";
export const BLAZEFACE_SIZE = 256;
/** Keypoint order of BlazeFace; "right"/"left" are the person's own (their right eye is on the image's left). */
export const BLAZEFACE_LANDMARKS = ["rightEye", "leftEye", "nose", "mouth", "rightEar", "leftEar"] as const;

const REGRESSORS = 16;
const TO_UNIT = byteLut((b) => b / 127.5 - 1);

/** Anchor centres [x0, y0, x1, y1, ...] in input pixels, in the model's output order. */
export function blazefaceAnchors(size = BLAZEFACE_SIZE): Float32Array {
  const layers = [
    { stride: size / 16, perCell: 2 },
    { stride: size / 8, perCell: 6 },
  ];
  const out: number[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(size / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

const ANCHORS = blazefaceAnchors();

/** The detector's input tensor for an image, with the letterbox that maps results back. */
export function blazefaceInput(image: ImageValue): { feeds: Record<string, TensorData>; box: Letterbox } {
  const { data, box } = letterboxTensor(image, BLAZEFACE_SIZE, TO_UNIT);
  return { feeds: { input: { type: "float32", data, dims: [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3] } }, box };
}

export interface DecodeOptions {
  minScore: number;
  iouThreshold: number;
  maxFaces: number;
  /** weighted: overlapping detections are averaged by score (MediaPipe's blending, steadier on video). */
  nms: "weighted" | "standard";
}

interface Candidate {
  score: number;
  /** x1, y1, x2, y2, then 6 keypoints (x, y), all in input pixels. */
  coords: Float32Array;
}

function floats(outputs: Record<string, TensorData>, name: string, length: number): Float32Array {
  const t = outputs[name];
  if (!t || !(t.data instanceof Float32Array) || t.data.length !== length) {
    throw new Error(`model '${BLAZEFACE_MODEL_ID}' must return '${name}' as ${length} float32 values`);
  }
  return t.data;
}

/** Turns raw model outputs into faces in original image pixels, clamped inside the image. */
export function decodeBlazeface(
  outputs: Record<string, TensorData>,
  box: Letterbox,
  image: { width: number; height: number },
  options: DecodeOptions,
): FaceDetection[] {
  const layers = [
    { logits: floats(outputs, "Identity", 512), regs: floats(outputs, "Identity_2", 512 * REGRESSORS), first: 0 },
    { logits: floats(outputs, "Identity_1", 384), regs: floats(outputs, "Identity_3", 384 * REGRESSORS), first: 512 },
  ];
  // Thresholding the logit avoids an exp() for the ~900 anchors that are clearly background.
  const minLogit = Math.log(options.minScore / (1 - options.minScore));
  const candidates: Candidate[] = [];
  for (const { logits, regs, first } of layers) {
    for (let i = 0; i < logits.length; i++) {
      const logit = logits[i]!;
      if (!(logit >= minLogit)) continue;
      const ax = ANCHORS[2 * (first + i)]!;
      const ay = ANCHORS[2 * (first + i) + 1]!;
      const r = i * REGRESSORS;
      const cx = ax + regs[r]!;
      const cy = ay + regs[r + 1]!;
      const hw = regs[r + 2]! / 2;
      const hh = regs[r + 3]! / 2;
      if (!(hw > 0 && hh > 0)) continue;
      const coords = new Float32Array(4 + 12);
      coords[0] = cx - hw;
      coords[1] = cy - hh;
      coords[2] = cx + hw;
      coords[3] = cy + hh;
      for (let k = 0; k < 6; k++) {
        coords[4 + 2 * k] = ax + regs[r + 4 + 2 * k]!;
        coords[5 + 2 * k] = ay + regs[r + 5 + 2 * k]!;
      }
      candidates.push({ score: 1 / (1 + Math.exp(-logit)), coords });
    }
  }
  const kept = suppress(candidates, options);
  const faces: FaceDetection[] = [];
  for (const c of kept) {
    const face = toImage(c, box, image);
    if (face) faces.push(face);
  }
  return faces;
}

function iou(a: Float32Array, b: Float32Array): number {
  const ix = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const iy = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
}

/** Non-maximum suppression, highest score first; at most maxFaces survive. */
export function suppress(candidates: Candidate[], options: Pick<DecodeOptions, "iouThreshold" | "maxFaces" | "nms">): Candidate[] {
  const remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  while (remaining.length > 0 && kept.length < options.maxFaces) {
    const best = remaining[0]!;
    const overlapping: Candidate[] = [];
    const rest: Candidate[] = [];
    for (const c of remaining) (c === best || iou(best.coords, c.coords) > options.iouThreshold ? overlapping : rest).push(c);
    if (options.nms === "weighted" && overlapping.length > 1) {
      const coords = new Float32Array(best.coords.length);
      let total = 0;
      for (const c of overlapping) {
        total += c.score;
        for (let k = 0; k < coords.length; k++) coords[k]! += c.coords[k]! * c.score;
      }
      for (let k = 0; k < coords.length; k++) coords[k]! /= total;
      kept.push({ score: best.score, coords });
    } else {
      kept.push(best);
    }
    remaining.length = 0;
    remaining.push(...rest);
  }
  return kept;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round2 = (v: number) => Math.round(v * 100) / 100;

function toImage(c: Candidate, box: Letterbox, image: { width: number; height: number }): FaceDetection | undefined {
  const mapX = (x: number) => clamp((x - box.padX) / box.scale, 0, image.width);
  const mapY = (y: number) => clamp((y - box.padY) / box.scale, 0, image.height);
  const x1 = mapX(c.coords[0]!);
  const y1 = mapY(c.coords[1]!);
  const x2 = mapX(c.coords[2]!);
  const y2 = mapY(c.coords[3]!);
  // A box that lies in the letterbox bars clamps to nothing: not a face in the image.
  if (x2 - x1 < 1 || y2 - y1 < 1) return undefined;
  const landmarks: FaceDetection["landmarks"] = {};
  BLAZEFACE_LANDMARKS.forEach((name, k) => {
    landmarks[name] = { x: round2(mapX(c.coords[4 + 2 * k]!)), y: round2(mapY(c.coords[5 + 2 * k]!)) };
  });
  return {
    box: { x: round2(x1), y: round2(y1), width: round2(Math.min(x2 - x1, image.width - round2(x1))), height: round2(Math.min(y2 - y1, image.height - round2(y1))) },
    landmarks,
    score: Math.round(c.score * 10000) / 10000,
  };
}

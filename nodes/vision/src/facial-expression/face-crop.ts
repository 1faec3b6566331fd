/**
 * From detected faces to expression-model inputs. The crop geometry and each model's preprocessing
 * live here so the node, the evaluation script (packages/models/training/face-expression) and the
 * benchmark measure exactly the same path.
 */
import { TAXONOMY_LABELS, type FaceDetection, type ImageValue, type TensorData } from "@attune/graph";
import { sampleRegion, type CropRegion } from "../shared/image-ops";

export type ExpressionModelName = "face-api" | "mini-xception";

export interface ExpressionModel {
  modelId: string;
  input: string;
  output: string;
  size: number;
  /** Grey models see (grey - 0.5) * 2 with grey from RGB in [0, 1]; RGB models see bytes 0..255. */
  grey: boolean;
  /**
   * Crop margin the model measured best with on faces-dev (BlazeFace boxes are tight; face-api was
   * trained on its SSD detector's looser boxes). See assets/face-expression/MODEL_CARD.md.
   */
  defaultMargin: number;
  /** ekman7 label of each output index, as in the model's manifest (packages/models builtin-models.ts). */
  labels: readonly string[];
}

export const EXPRESSION_MODELS: Record<ExpressionModelName, ExpressionModel> = {
  // face-api's FaceExpressionNet; normalisation (mean RGB, / 255) is inside the ONNX graph.
  "face-api": {
    modelId: "face-expression-face-api",
    input: "input",
    output: "scores",
    size: 112,
    grey: false,
    defaultMargin: 0.5,
    labels: ["neutral", "joy", "sadness", "anger", "fear", "disgust", "surprise"],
  },
  // oarriaga's mini-Xception as shipped by @vladmandic/human.
  "mini-xception": {
    modelId: "face-expression-mini-xception",
    input: "input_1",
    output: "Identity",
    size: 64,
    grey: true,
    defaultMargin: 0.25,
    labels: ["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"],
  },
};

export interface CropOptions {
  /** Extra context around the box, as a fraction of its longer side (0.2 = 20% more on each dimension). */
  margin: number;
  /** Rotate so the eyes are level when both eye landmarks are known. */
  align: boolean;
}

/** The square region to crop for a face: its box centre, grown by the margin, turned to level the eyes. */
export function faceRegion(face: FaceDetection, options: CropOptions): CropRegion {
  const { x, y, width, height } = face.box;
  const side = Math.max(width, height) * (1 + options.margin);
  const right = face.landmarks.rightEye;
  const left = face.landmarks.leftEye;
  // The person's right eye is on the image's left: the vector right -> left runs along the eye line.
  const angle = options.align && right && left && left.x !== right.x ? Math.atan2(left.y - right.y, left.x - right.x) : 0;
  return { cx: x + width / 2, cy: y + height / 2, side, angle };
}

/** The whole image as one face region (square, centred, padded black): the fallback for pre-cropped photos. */
export function wholeImageRegion(image: { width: number; height: number }): CropRegion {
  return { cx: image.width / 2, cy: image.height / 2, side: Math.max(image.width, image.height), angle: 0 };
}

const GREY = [0.2989 / 255, 0.587 / 255, 0.114 / 255] as const;

/** One batched input tensor holding every region, preprocessed for `model`. */
export function expressionInput(image: ImageValue, regions: readonly CropRegion[], model: ExpressionModel): Record<string, TensorData> {
  const s = model.size;
  const rgb = new Float32Array(regions.length * s * s * 3);
  regions.forEach((region, i) => sampleRegion(image, region, s, rgb, i * s * s * 3));
  if (!model.grey) return { [model.input]: { type: "float32", data: rgb, dims: [regions.length, s, s, 3] } };
  const grey = new Float32Array(regions.length * s * s);
  for (let p = 0, o = 0; p < grey.length; p++, o += 3) {
    grey[p] = ((rgb[o]! * GREY[0] + rgb[o + 1]! * GREY[1] + rgb[o + 2]! * GREY[2]) - 0.5) * 2;
  }
  return { [model.input]: { type: "float32", data: grey, dims: [regions.length, s, s, 1] } };
}

/** Per-face ekman7 scores from the model's batched output. */
export function expressionScores(outputs: Record<string, TensorData>, model: ExpressionModel, count: number): Record<string, number>[] {
  const t = outputs[model.output];
  const k = model.labels.length;
  if (!t || !(t.data instanceof Float32Array) || t.data.length !== count * k) {
    throw new Error(`model '${model.modelId}' must return '${model.output}' as ${count} x ${k} float32 values`);
  }
  const data = t.data;
  // Keys in the taxonomy's own order, whatever the model's, so every producer lists them alike.
  const index = TAXONOMY_LABELS.ekman7.map((label) => model.labels.indexOf(label));
  return Array.from({ length: count }, (_, i) => {
    const scores: Record<string, number> = {};
    TAXONOMY_LABELS.ekman7.forEach((label, c) => {
      scores[label] = data[i * k + index[c]!]!;
    });
    return scores;
  });
}

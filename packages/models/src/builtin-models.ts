/**
 * The models Attune ships, converted from @vladmandic/human's TF.js files at setup time. Each entry
 * is a manifest minus what only conversion can know (ONNX sha256, source hashes).
 */
import type { ModelManifest } from "./manifest";

/** Bump when a converter change alters the ONNX produced from unchanged sources. */
export const CONVERTER_VERSION = "1";

export type ManifestDraft = Omit<ModelManifest, "sha256" | "file" | "source"> & {
  source: Omit<ModelManifest["source"], "files" | "converter">;
};

export interface BuiltinModel {
  /** TF.js model.json, relative to the source folder (human's `models/` by default). */
  tfjsModel: string;
  manifest: ManifestDraft;
}

/** human's emotion labels in model output order (src/gear/emotion.ts, the oarriaga grey model). */
export const HUMAN_EMOTION_LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"] as const;

/** Explicit mapping from human's emotion names to our ekman7 names; not a cast, a documented table. */
export const HUMAN_TO_EKMAN7: Record<(typeof HUMAN_EMOTION_LABELS)[number], string> = {
  angry: "anger",
  disgust: "disgust",
  fear: "fear",
  happy: "joy",
  sad: "sadness",
  surprise: "surprise",
  neutral: "neutral",
};

const HUMAN = {
  kind: "npm" as const,
  package: "@vladmandic/human",
  packageVersion: "3.3.6",
};

export const FACE_EXPRESSION_MODEL_ID = "face-expression-mini-xception";
export const FACE_DETECTOR_MODEL_ID = "face-detector-blazeface";

export const BUILTIN_MODELS: readonly BuiltinModel[] = [
  {
    tfjsModel: "emotion.json",
    manifest: {
      id: FACE_EXPRESSION_MODEL_ID,
      version: "1.0.0",
      task: "face-expression",
      title: "Facial expression (mini-Xception, 64x64 grey)",
      inputs: [
        {
          name: "input_1",
          type: "float32",
          shape: ["batch", 64, 64, 1],
          layout: "NHWC",
          range: [-1, 1],
          preprocessing:
            "Crop the detected face, resize bilinearly to 64x64, convert RGB in [0, 1] to grey with weights " +
            "0.2989, 0.5870, 0.1140, then map to [-1, 1] with (grey - 0.5) * 2 (as human does).",
        },
      ],
      outputs: [
        {
          name: "Identity",
          type: "float32",
          shape: ["batch", 7],
          description: "Probability of each basic emotion for each face.",
          activation: "softmax",
          taxonomy: "ekman7",
          labels: HUMAN_EMOTION_LABELS.map((l) => HUMAN_TO_EKMAN7[l]),
          sourceLabels: [...HUMAN_EMOTION_LABELS],
        },
      ],
      licence: {
        spdx: "MIT",
        url: "https://github.com/oarriaga/face_classification/blob/master/LICENSE",
        notes: "Weights trained by O. Arriaga et al. (MIT); TF.js conversion distributed in @vladmandic/human (MIT).",
      },
      source: { ...HUMAN, upstream: "https://github.com/oarriaga/face_classification" },
      attribution:
        "Arriaga, Ploger, Valdenegro: Real-time Convolutional Neural Networks for Emotion and Gender " +
        "Classification (2017), trained on FER-2013; converted by Vladimir Mandic for @vladmandic/human.",
    },
  },
  {
    tfjsModel: "blazeface.json",
    manifest: {
      id: FACE_DETECTOR_MODEL_ID,
      version: "1.0.0",
      task: "face-detection",
      title: "Face detector (BlazeFace, back camera 256x256)",
      inputs: [
        {
          name: "input",
          type: "float32",
          shape: [1, 256, 256, 3],
          layout: "NHWC",
          range: [-1, 1],
          preprocessing: "Pad the frame to a square, resize bilinearly to 256x256, RGB in [0, 255] mapped with x / 127.5 - 1.",
        },
      ],
      outputs: [
        {
          name: "Identity",
          type: "float32",
          shape: [1, 512, 1],
          description: "Face score logits for the 512 anchors of the 16x16 grid (2 per cell).",
          activation: "logits",
        },
        {
          name: "Identity_1",
          type: "float32",
          shape: [1, 384, 1],
          description: "Face score logits for the 384 anchors of the 8x8 grid (6 per cell).",
          activation: "logits",
        },
        {
          name: "Identity_2",
          type: "float32",
          shape: [1, 512, 16],
          description: "Box (centre x, centre y, width, height) and 6 keypoints (x, y) in input pixels, relative to each 16x16-grid anchor.",
          activation: "none",
        },
        {
          name: "Identity_3",
          type: "float32",
          shape: [1, 384, 16],
          description: "Box (centre x, centre y, width, height) and 6 keypoints (x, y) in input pixels, relative to each 8x8-grid anchor.",
          activation: "none",
        },
      ],
      licence: {
        spdx: "Apache-2.0",
        url: "https://github.com/google/mediapipe/blob/master/LICENSE",
        notes: "MediaPipe BlazeFace weights (Apache-2.0); TF.js conversion distributed in @vladmandic/human (MIT).",
      },
      source: { ...HUMAN, upstream: "https://github.com/google/mediapipe" },
      attribution:
        "Bazarevsky et al.: BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs (2019), Google " +
        "MediaPipe; converted by Vladimir Mandic for @vladmandic/human.",
    },
  },
];

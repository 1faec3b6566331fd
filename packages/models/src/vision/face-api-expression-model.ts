/**
 * The built-in entry for face-api's expression model: an ONNX file rebuilt from @vladmandic/face-api's
 * weights by training/face-expression/build-face-api.ts and committed under assets/face-expression.
 */
import { fileURLToPath } from "node:url";
import type { OnnxBuiltinModel } from "../builtin-models";
import { FACE_API_EXPRESSION_LABELS, FACE_API_TO_EKMAN7 } from "./face-api-expression";

export const FACE_API_EXPRESSION_MODEL_ID = "face-expression-face-api";

export const FACE_API_EXPRESSION_MODEL: OnnxBuiltinModel = {
  onnxFile: () => fileURLToPath(new URL("../../assets/face-expression/face-api-expression.onnx", import.meta.url)),
  manifest: {
    id: FACE_API_EXPRESSION_MODEL_ID,
    version: "1.0.0",
    task: "face-expression",
    title: "Facial expression (face-api FaceExpressionNet, 112x112 RGB)",
    inputs: [
      {
        name: "input",
        type: "float32",
        shape: ["batch", 112, 112, 3],
        layout: "NHWC",
        range: [0, 255],
        preprocessing:
          "Crop the face as a square (black outside the image), resize to 112x112, RGB bytes as float 0..255. " +
          "The graph subtracts the mean RGB (122.782, 117.001, 104.298) and divides by 255 itself.",
      },
    ],
    outputs: [
      {
        name: "scores",
        type: "float32",
        shape: ["batch", 7],
        description: "Probability of each basic emotion for each face.",
        activation: "softmax",
        taxonomy: "ekman7",
        labels: FACE_API_EXPRESSION_LABELS.map((l) => FACE_API_TO_EKMAN7[l]),
        sourceLabels: [...FACE_API_EXPRESSION_LABELS],
      },
    ],
    licence: {
      spdx: "MIT",
      url: "https://github.com/vladmandic/face-api/blob/master/LICENSE",
      notes:
        "Weights from face-api.js by Vincent Muehler (MIT), redistributed in @vladmandic/face-api (MIT); architecture " +
        "rebuilt as ONNX by Attune (packages/models/src/vision/face-api-expression.ts).",
    },
    source: { kind: "npm", package: "@vladmandic/face-api", packageVersion: "1.7.15", upstream: "https://github.com/justadudewhohacks/face-api.js" },
    attribution:
      "face-api.js FaceExpressionNet by Vincent Muehler (densely connected depthwise-separable feature extractor + " +
      "linear classifier); maintained fork @vladmandic/face-api by Vladimir Mandic.",
    metrics: [
      {
        name: "balanced accuracy",
        value: 0.5075,
        dataset: "faces-dev (208 labelled face photos)",
        notes: "mean per-class recall through face-detect + crop (margin 0.5, eyes levelled); mini-Xception 0.4328 at its best margin; see assets/face-expression/MODEL_CARD.md",
      },
      { name: "accuracy", value: 0.6058, dataset: "faces-dev (208 labelled face photos)" },
    ],
  },
};

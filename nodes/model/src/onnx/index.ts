import { defineNode, type EmotionScores, type PreviewSummary } from "@attune/graph";
import { runModelOnnx } from "./run";
import { modelOnnxSpec } from "./spec";

/** The text-emotion model's real interface: lets the example run on a built-in model. */
const TEXT_EMOTION_SIGNATURE = {
  inputs: [
    { name: "ids", type: "int64", shape: ["batch", "n"] },
    { name: "weights", type: "float32", shape: ["batch", "n"] },
  ],
  outputs: [{ name: "scores", type: "float32", shape: ["batch", 7] }],
};

export const modelOnnxNode = defineNode(modelOnnxSpec, {
  run: runModelOnnx,
  preview(outputs, params): PreviewSummary {
    if (params.postprocess === "softmax" && outputs.scores) {
      const value = outputs.scores as EmotionScores;
      const top = Object.entries(value.scores)
        .map(([label, score]) => ({ label, score }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 3);
      return { kind: "scores", taxonomy: value.taxonomy, calibrated: value.calibrated, top };
    }
    if (params.postprocess === "regression" && typeof outputs.value === "number") {
      return { kind: "number", value: outputs.value, label: params.outputName || "value" };
    }
    const json = JSON.stringify(outputs.raw);
    return { kind: "json", json: json.length > 2000 ? json.slice(0, 2000) : json, truncated: json.length > 2000 };
  },
  example: {
    // Raw tensors through the built-in text-emotion model: two hashed features, weights from the featurizer.
    inputs: { tensor: { ids: { dims: [1, 2], data: [17735, 18869] }, weights: { dims: [1, 2], data: [0.7, 0.7] } } },
    params: {
      modelId: "text-emotion",
      signature: TEXT_EMOTION_SIGNATURE,
      preprocess: "tensor",
      postprocess: "softmax",
      outputIsProbability: true,
      labels: ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"],
      taxonomy: "ekman7",
    },
  },
});

import { defineNode } from "@attune/graph";
import { exampleImage, facesPreview } from "../shared/preview";
import { runFacialExpression, type FaceWithExpression } from "./run";
import { facialExpressionSpec } from "./spec";

const image = exampleImage();

export const facialExpression = defineNode(facialExpressionSpec, {
  run: runFacialExpression,
  preview(outputs, params) {
    const faces = outputs.faces as FaceWithExpression[];
    return facesPreview(faces, (i) =>
      Object.entries(faces[i]!.expression.scores)
        .map(([label, score]) => ({ label, score }))
        .sort((a, b) => b.score - a.score)
        .slice(0, params.previewTop),
    );
  },
  // A hand-placed face box on a synthetic image: exercises the crop and the model end to end.
  example: {
    inputs: {
      image,
      faces: [
        {
          box: { x: 16, y: 8, width: 32, height: 32 },
          landmarks: { rightEye: { x: 25, y: 18 }, leftEye: { x: 39, y: 19 }, nose: { x: 32, y: 26 }, mouth: { x: 32, y: 33 } },
          score: 0.9,
        },
      ],
    },
  },
});

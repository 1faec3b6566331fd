import { defineNode, type FaceDetection } from "@attune/graph";
import { exampleImage, facesPreview } from "../shared/preview";
import { runFaceDetect } from "./run";
import { faceDetectSpec } from "./spec";

export const faceDetect = defineNode(faceDetectSpec, {
  run: runFaceDetect,
  preview: (outputs) => facesPreview(outputs.faces as FaceDetection[]),
  // A faceless gradient: the node must return an empty list, not fail.
  example: { inputs: { image: exampleImage() } },
});

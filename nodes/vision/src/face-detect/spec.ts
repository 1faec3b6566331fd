import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const faceDetectParams = z.object({
  /** Detections below this probability are dropped; lower finds small or turned faces but more false ones. */
  minScore: z.number().min(0.01).max(0.99).default(0.5),
  /** Boxes overlapping a better one by more than this intersection-over-union are the same face. */
  iouThreshold: z.number().min(0).max(1).default(0.3),
  /** The most faces reported, highest score first. */
  maxFaces: z.number().int().min(1).max(100).default(10),
  /** weighted averages overlapping detections (steadier boxes on video); standard keeps the best one. */
  nms: z.enum(["weighted", "standard"]).default("weighted"),
});

export type FaceDetectParams = z.infer<typeof faceDetectParams>;

export const faceDetectSpec = defineNodeSpec({
  type: "vision.face-detect",
  version: 1,
  family: "vision",
  title: "Face detect",
  description:
    "Finds faces with BlazeFace: a box, six landmarks (eyes, nose, mouth, ears) and a score per face, in the " +
    "original image's pixels. No face gives an empty list, not an error.",
  inputs: [{ id: "image", label: "Image", accepts: "image" }],
  outputs: [
    { id: "faces", label: "Faces", type: "faces", description: "Highest score first." },
    { id: "count", label: "Face count", type: "number" },
  ],
  params: faceDetectParams,
  keywords: ["face", "detect", "detection", "blazeface", "boxes", "landmarks", "webcam", "vision"],
});

import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const facialExpressionParams = z.object({
  /**
   * face-api: face-api's FaceExpressionNet (112x112 RGB), the default because it measured better on
   * our labelled faces; mini-xception: human's 64x64 grey model (see assets/face-expression/MODEL_CARD.md).
   */
  model: z.enum(["face-api", "mini-xception"]).default("face-api"),
  /**
   * Context around each detected box, as a fraction of its longer side. Unset: the model's own
   * measured best (face-api 0.5, mini-xception 0.25), so switching models keeps each at its best.
   */
  margin: z.number().min(0).max(1).optional(),
  /** Rotate each crop so the eyes are level (uses the detector's eye landmarks when present). */
  align: z.boolean().default(true),
  /** Emotions listed per face in the canvas preview. */
  previewTop: z.number().int().min(1).max(7).default(3),
});

export type FacialExpressionParams = z.infer<typeof facialExpressionParams>;

export const facialExpressionSpec = defineNodeSpec({
  type: "vision.facial-expression",
  version: 1,
  family: "vision",
  title: "Facial expression",
  description:
    "Scores each detected face over the seven basic emotions (ekman7). `faces` is the input list with an " +
    "`expression` added to every face; `primary` is the largest face's scores. With no face, `primary` is a " +
    "uniform, uncalibrated distribution (no evidence for any emotion) and `hasFace` is false.",
  inputs: [
    { id: "image", label: "Image", accepts: "image" },
    { id: "faces", label: "Faces", accepts: "faces", description: "From vision.face-detect." },
  ],
  outputs: [
    { id: "faces", label: "Faces with expressions", type: "faces", description: "Each face with `expression`: ekman7 scores." },
    { id: "primary", label: "Primary face", type: "scores:ekman7", description: "The largest face's scores." },
    { id: "hasFace", label: "Face found", type: "boolean", description: "False when `primary` carries no evidence." },
  ],
  params: facialExpressionParams,
  // Declared for the purpose guard (EU AI Act Art. 5(1)(f) covers face and voice).
  infers: ["emotion-from-face"],
  keywords: ["face", "expression", "emotion", "facial", "ekman", "fer", "webcam", "vision", "affect"],
});

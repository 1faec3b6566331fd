import { TAXONOMY_LABELS, type EmotionScores, type FaceDetection, type ImageValue, type PortValues, type RunContext } from "@attune/graph";
import { attachImagePreview, ensureImagePreview, imagePreviewOf } from "@attune/nodes-core/image-thumbnail";
import { requireImage, requireModels } from "../shared/inputs";
import { EXPRESSION_MODELS, expressionInput, expressionScores, faceRegion } from "./face-crop";
import type { FacialExpressionParams } from "./spec";

/** A detected face with its expression scores: still a FaceDetection, so it feeds any faces input. */
export interface FaceWithExpression extends FaceDetection {
  expression: EmotionScores;
}

/**
 * What `primary` carries when there is no face: every emotion equally likely and `calibrated: false`.
 * Uniform rather than "neutral 1.0" because neutral is a finding about a face; uniform adds nothing
 * to an average, so a fusion node is not pulled toward any emotion by a camera that sees no one.
 */
export function noFaceScores(): EmotionScores {
  const share = 1 / TAXONOMY_LABELS.ekman7.length;
  return { taxonomy: "ekman7", calibrated: false, scores: Object.fromEntries(TAXONOMY_LABELS.ekman7.map((l) => [l, share])) };
}

function requireFaces(value: unknown): FaceDetection[] {
  const ok =
    Array.isArray(value) &&
    value.every((f) => {
      const b = (f as FaceDetection | null)?.box;
      return b && [b.x, b.y, b.width, b.height].every(Number.isFinite) && typeof (f as FaceDetection).landmarks === "object";
    });
  if (!ok) throw new Error("input 'faces' must be a list of faces with boxes, e.g. from vision.face-detect");
  return value as FaceDetection[];
}

/** Expression scores for each face (no preview work): what the benchmark and evaluation call. */
export async function scoreExpressions(
  image: ImageValue,
  faces: readonly FaceDetection[],
  params: Pick<FacialExpressionParams, "model" | "margin" | "align">,
  ctx: Pick<RunContext, "models" | "signal">,
): Promise<FaceWithExpression[]> {
  const model = EXPRESSION_MODELS[params.model];
  const models = requireModels(ctx, "vision.facial-expression", model.modelId);
  if (faces.length === 0) return [];
  const crop = { margin: params.margin ?? model.defaultMargin, align: params.align };
  const regions = faces.map((f) => faceRegion(f, crop));
  const outputs = await models.run(model.modelId, expressionInput(image, regions, model), ctx.signal);
  ctx.signal.throwIfAborted();
  const scores = expressionScores(outputs, model, faces.length);
  return faces.map((face, i) => ({
    box: { ...face.box },
    landmarks: structuredClone(face.landmarks),
    score: face.score,
    expression: { taxonomy: "ekman7", calibrated: true, scores: scores[i]! },
  }));
}

export async function runFacialExpression(inputs: PortValues, params: FacialExpressionParams, ctx: RunContext): Promise<PortValues> {
  ctx.signal.throwIfAborted();
  const image = requireImage(inputs.image, "image");
  const faces = requireFaces(inputs.faces);
  const scored = await scoreExpressions(image, faces, params, ctx);
  let largest: FaceWithExpression | undefined;
  for (const f of scored) if (!largest || f.box.width * f.box.height > largest.box.width * largest.box.height) largest = f;
  // Reuse the thumbnail the detector (or image input) made rather than encoding the frame again.
  attachImagePreview(scored, imagePreviewOf(faces) ?? (await ensureImagePreview(image)));
  return {
    faces: scored,
    primary: largest ? { ...largest.expression, scores: { ...largest.expression.scores } } : noFaceScores(),
    hasFace: largest !== undefined,
  };
}

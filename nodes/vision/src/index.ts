import type { NodeDefinition } from "@attune/graph";
import { faceDetect } from "./face-detect";
import { facialExpression } from "./facial-expression";

/** Runnable definitions of the vision family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [faceDetect, facialExpression];

export { faceDetect, facialExpression };
export { faceDetectSpec, faceDetectParams, type FaceDetectParams } from "./face-detect/spec";
export { facialExpressionSpec, facialExpressionParams, type FacialExpressionParams } from "./facial-expression/spec";
export { detectFaces } from "./face-detect/run";
export { scoreExpressions, noFaceScores, type FaceWithExpression } from "./facial-expression/run";
export { BLAZEFACE_MODEL_ID } from "./face-detect/blazeface";
export { EXPRESSION_MODELS, type ExpressionModelName } from "./facial-expression/face-crop";

import type { NodeSpec } from "@attune/graph";
import { faceDetectSpec } from "./face-detect/spec";
import { facialExpressionSpec } from "./facial-expression/spec";

/** Browser-safe specs of the vision family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [faceDetectSpec, facialExpressionSpec];

import type { NodeSpec } from "@attune/graph";
import { modelOnnxSpec } from "./onnx/spec";

/** Browser-safe specs of the model family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [modelOnnxSpec];

import type { NodeDefinition } from "@attune/graph";
import { modelOnnxNode } from "./onnx";

/** Runnable definitions of the model family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [modelOnnxNode];

export { modelOnnxNode };
export { modelOnnxSpec, modelOnnxParams, modelSignatureSchema, signatureIssues, type ModelOnnxParams, type ModelSignatureSnapshot } from "./onnx/spec";
export { loadTokenizer, type Tokenizer } from "./onnx/tokenizer";

import type { NodeDefinition } from "@attune/graph";
import { audioInput } from "./audio-input";
import { code } from "./code";
import { feedbackRequest } from "./feedback-request";
import { imageInput } from "./image-input";
import { numberInput } from "./number-input";
import { output } from "./output";
import { textInput } from "./text-input";

/** Runnable definitions of the core family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [textInput, numberInput, imageInput, audioInput, code, feedbackRequest, output];

export { textInput, numberInput, imageInput, audioInput, code, feedbackRequest, output };
export { textInputSpec, textInputParams, type TextInputParams } from "./text-input/spec";
export { numberInputSpec, numberInputParams, type NumberInputParams } from "./number-input/spec";
export { outputSpec, outputParams, type OutputParams } from "./output/spec";
export { imageInputSpec, imageInputParams, type ImageInputParams } from "./image-input/spec";
export { MediaError, decodeImage, sniffImageFormat } from "./image-input/decode";
export { audioInputSpec, audioInputParams, type AudioInputParams } from "./audio-input/spec";
export { codeSpec, codeParams, DEFAULT_CODE, type CodeParams } from "./code/spec";
export { CodeError } from "./code/run";
export { feedbackRequestSpec, feedbackRequestParams, type FeedbackRequestParams } from "./feedback-request/spec";

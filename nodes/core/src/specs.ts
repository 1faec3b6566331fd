import type { NodeSpec } from "@attune/graph";
import { audioInputSpec } from "./audio-input/spec";
import { codeSpec } from "./code/spec";
import { feedbackRequestSpec } from "./feedback-request/spec";
import { imageInputSpec } from "./image-input/spec";
import { numberInputSpec } from "./number-input/spec";
import { outputSpec } from "./output/spec";
import { textInputSpec } from "./text-input/spec";

/** Browser-safe specs of the core family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [textInputSpec, numberInputSpec, imageInputSpec, audioInputSpec, codeSpec, feedbackRequestSpec, outputSpec];

import type { NodeDefinition } from "@attune/graph";
import { numberInput } from "./number-input";
import { output } from "./output";
import { textInput } from "./text-input";

/** Runnable definitions of the core family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [textInput, numberInput, output];

export { textInput, numberInput, output };
export { textInputSpec, textInputParams, type TextInputParams } from "./text-input/spec";
export { numberInputSpec, numberInputParams, type NumberInputParams } from "./number-input/spec";
export { outputSpec, outputParams, type OutputParams } from "./output/spec";

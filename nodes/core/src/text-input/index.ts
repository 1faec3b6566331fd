import { defineNode } from "@attune/graph";
import { runTextInput } from "./run";
import { textInputSpec } from "./spec";

export const textInput = defineNode(textInputSpec, {
  run: runTextInput,
  example: { inputs: {}, runInputs: { text: "I can't believe how helpful you were today!" } },
});

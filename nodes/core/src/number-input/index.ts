import { defineNode } from "@attune/graph";
import { runNumberInput } from "./run";
import { numberInputSpec } from "./spec";

export const numberInput = defineNode(numberInputSpec, {
  run: runNumberInput,
  example: { inputs: {}, params: { name: "rating" }, runInputs: { rating: 4 } },
});

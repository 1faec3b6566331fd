import { defineNode } from "@attune/graph";
import { runOutput } from "./run";
import { outputSpec } from "./spec";

export const output = defineNode(outputSpec, {
  run: runOutput,
  example: {
    inputs: { value: { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.1, neutral: 0.3, positive: 0.6 } } },
  },
});

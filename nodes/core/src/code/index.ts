import { defineNode, type PreviewSummary } from "@attune/graph";
import { runCode } from "./run";
import { codeSpec } from "./spec";

const JSON_LIMIT = 400;

export const code = defineNode(codeSpec, {
  run: runCode,
  preview(outputs): PreviewSummary {
    const json = JSON.stringify(outputs.output) ?? "null";
    return { kind: "json", json: json.slice(0, JSON_LIMIT), truncated: json.length > JSON_LIMIT };
  },
  example: {
    inputs: { input: { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.7, neutral: 0.2, positive: 0.1 } } },
    params: { code: "const s = input.scores;\nreturn { upset: s.negative > 0.5, margin: s.negative - s.positive };" },
  },
});

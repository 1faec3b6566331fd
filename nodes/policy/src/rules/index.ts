import { defineNode, type Action, type PreviewSummary } from "@attune/graph";
import { runRules } from "./run";
import { rulesSpec } from "./spec";

export const rules = defineNode(rulesSpec, {
  run: runRules,
  preview(outputs): PreviewSummary {
    const action = outputs.action as Action | null;
    if (action) return { kind: "action", action: { name: action.name, reason: action.reason } };
    // When nothing fired, why not is what a person wants to see.
    const text = outputs.explanation as string;
    return { kind: "text", text: text.slice(0, 300), truncated: text.length > 300 };
  },
  example: {
    inputs: { scores: { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.8, neutral: 0.15, positive: 0.05 } } },
  },
});

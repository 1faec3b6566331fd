import { defineNode, type Action, type PreviewSummary } from "@attune/graph";
import { runThreshold } from "./run";
import { thresholdSpec } from "./spec";

export const threshold = defineNode(thresholdSpec, {
  run: runThreshold,
  preview(outputs): PreviewSummary {
    const action = outputs.action as Action | null;
    return { kind: "action", action: action ? { name: action.name, reason: action.reason } : null };
  },
  example: {
    inputs: { value: { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.72, neutral: 0.2, positive: 0.08 } } },
  },
});

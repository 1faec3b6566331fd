import { defineNode, type Action, type PreviewSummary } from "@attune/graph";
import { runPurposeGuard } from "./run";
import { purposeGuardSpec } from "./spec";

export const purposeGuard = defineNode(purposeGuardSpec, {
  run: runPurposeGuard,
  preview(outputs): PreviewSummary {
    const action = outputs.action as Action | null;
    if (outputs.blocked) return { kind: "action", action: { name: action?.name ?? "blocked", reason: outputs.explanation as string } };
    return { kind: "action", action: action ? { name: action.name, reason: action.reason } : null };
  },
  example: {
    inputs: {
      action: { name: "retention_offer", reason: "churn risk" },
      scores: { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.7, neutral: 0.2, positive: 0.1 } },
    },
  },
});

import { defineNode } from "@attune/graph";
import { runFeedbackRequest } from "./run";
import { feedbackRequestSpec } from "./spec";

export const feedbackRequest = defineNode(feedbackRequestSpec, {
  run: runFeedbackRequest,
  example: {
    inputs: { action: { name: "escalate_to_human", reason: "the caller has been upset for several turns" } },
  },
});

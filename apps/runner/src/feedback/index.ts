export { feedbackRoutes, type FeedbackRoutesOptions } from "./routes";
export { RunOutputsRecorder, type PublishedRunOutputs, type RunOutputsRecorderOptions } from "./run-outputs-recorder";
export { feedbackBodySchema, type FeedbackBody } from "./schema";

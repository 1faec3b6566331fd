export { feedbackRoutes, type FeedbackRoutesOptions } from "./routes";
export { feedbackBodySchema, type FeedbackBody } from "./schema";

import type { NodeDefinition } from "@attune/graph";
import { sentiment } from "./sentiment";

/** Runnable definitions of the nlp family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [sentiment];

export { sentiment };
export { sentimentSpec, sentimentParams, type SentimentParams } from "./sentiment/spec";
export { scoreSentiment, type SentimentResult } from "./sentiment/run";
export { emojiToText } from "./sentiment/emoji";

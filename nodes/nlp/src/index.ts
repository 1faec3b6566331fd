import type { NodeDefinition } from "@attune/graph";
import { sentiment } from "./sentiment";
import { textEmotionNode } from "./text-emotion";

/** Runnable definitions of the nlp family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [sentiment, textEmotionNode];

export { sentiment };
export { sentimentSpec, sentimentParams, type SentimentParams } from "./sentiment/spec";
export { scoreSentiment, type SentimentResult } from "./sentiment/run";
export { emojiToText } from "./sentiment/emoji";
export { textEmotionNode };
export { textEmotionSpec, textEmotionParams, type TextEmotionParams } from "./text-emotion/spec";

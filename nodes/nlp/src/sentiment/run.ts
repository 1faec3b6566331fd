/// <reference path="./vader-sentiment.d.ts" />
import type { EmotionScores, PortValues, RunContext } from "@attune/graph";
import vader from "vader-sentiment";
import { emojiToText } from "./emoji";
import type { SentimentParams } from "./spec";

/**
 * The JS port (1.1.3) looks only for "but" or "BUT", while the Python original lower-cases first,
 * so a sentence-initial "But" would lose its contrastive shift. Lower-casing it here restores the
 * reference behaviour and changes nothing else ("But" is not an ALL-CAPS emphasis word).
 */
function restoreButRule(text: string): string {
  return text.replace(/\bBut\b/g, "but");
}

export interface SentimentResult {
  scores: EmotionScores;
  valence: number;
}

/** Pure VADER scoring, exported for reuse by other text nodes that want the same reading. */
export function scoreSentiment(text: string, params: SentimentParams): SentimentResult {
  const prepared = restoreButRule(params.translateEmoji ? emojiToText(text) : text);
  const { neg, neu, pos, compound } = vader.SentimentIntensityAnalyzer.polarity_scores(prepared);
  // VADER returns all zeros when there are no words at all; an empty message is neutral, and
  // zeros everywhere would read as "no label at all" to thresholds and fusion downstream.
  const empty = neg === 0 && neu === 0 && pos === 0;
  return {
    scores: {
      taxonomy: "sentiment3",
      calibrated: false,
      scores: empty ? { negative: 0, neutral: 1, positive: 0 } : { negative: neg, neutral: neu, positive: pos },
    },
    valence: compound,
  };
}

/**
 * A context that can say whether it was aborted without building an AbortSignal (the runtime's
 * NodeContext creates its signal only when a node reads it; that costs microseconds per run).
 */
type AbortedFlag = { readonly aborted?: boolean };

export async function runSentiment(inputs: PortValues, params: SentimentParams, ctx: RunContext): Promise<PortValues> {
  // Synchronous and fast: the only point to check is before starting. Other contexts are asked
  // through their signal, as before.
  const aborted = (ctx as RunContext & AbortedFlag).aborted;
  if (aborted === undefined || aborted) ctx.signal.throwIfAborted();
  const text = inputs.text;
  if (typeof text !== "string") {
    throw new Error(`input 'text' must be a string, got ${text === null ? "null" : typeof text}`);
  }
  const { scores, valence } = scoreSentiment(text, params);
  return { scores, valence };
}

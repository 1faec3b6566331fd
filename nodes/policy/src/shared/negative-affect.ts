import { labelPolarity } from "@attune/graph";

/**
 * Whether a comparison fires on negative affect: a high score of a negative label, a low score of
 * a positive one, or a low valence. Feeds `declaredActions`, which validate() uses to flag rules
 * that route negative affect to sales or retention (POSSIBLE_MANIPULATION).
 */
export function firesOnNegativeAffect(key: string, op: ">" | ">=" | "<" | "<=", source: "scores" | "valence" = "scores"): boolean {
  const high = op === ">" || op === ">=";
  if (source === "valence") return !high;
  const polarity = labelPolarity(key);
  return (polarity === "negative" && high) || (polarity === "positive" && !high);
}

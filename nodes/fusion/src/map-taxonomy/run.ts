import type { PortValues, RunContext } from "@attune/graph";
import { toEkman7, toPad, toSentiment3, toValenceArousal } from "../shared/mapping";
import { readScores } from "../shared/scores";
import type { MapTaxonomyParams } from "./spec";

export async function runMapTaxonomy(inputs: PortValues, params: MapTaxonomyParams, _ctx: RunContext): Promise<PortValues> {
  const value = readScores(inputs.scores, "scores");
  return {
    ekman7: toEkman7(value),
    sentiment3: toSentiment3(value, params.ambiguous),
    va: toValenceArousal(value),
    dominance: Math.round(toPad(value).dominance * 1e6) / 1e6,
  };
}

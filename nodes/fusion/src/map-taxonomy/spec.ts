import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const mapTaxonomyParams = z.object({
  /**
   * What happens to labels the GoEmotions sentiment grouping calls ambiguous (surprise,
   * confusion, curiosity, realization) when mapping to sentiment3: count them as neutral, or
   * split them evenly between positive and negative.
   */
  ambiguous: z.enum(["neutral", "split"]).default("neutral"),
});

export type MapTaxonomyParams = z.infer<typeof mapTaxonomyParams>;

/**
 * One node with one output port per target rather than a `to` param: a port's type is static,
 * so each target gets its own honestly typed port (scores:ekman7, scores:sentiment3,
 * valence-arousal) and the canvas and validate() see exactly what flows. Connect the port you
 * need; unused ones cost a few additions.
 */
export const mapTaxonomySpec = defineNodeSpec({
  type: "fusion.map-taxonomy",
  version: 1,
  family: "fusion",
  title: "Map taxonomy",
  description:
    "Maps emotion scores of any taxonomy to Ekman 7, sentiment 3 and valence/arousal with fixed, documented tables, " +
    "so modalities can be compared and fused. GoEmotions -> Ekman and -> sentiment follow the GoEmotions paper's " +
    "groupings (Demszky et al., 2020); sentiment -> Ekman spreads 'negative' evenly over anger, disgust, fear and " +
    "sadness (uncalibrated). Valence/arousal is the score-weighted mean of the categories' pleasure/arousal " +
    "coordinates from Russell & Mehrabian (1977) (e.g. anger -0.51/0.59, joy 0.76/0.48, sadness -0.63/-0.27, " +
    "neutral 0/0); sentiment gives valence = positive - negative and arousal 0.",
  inputs: [{ id: "scores", label: "Scores", accepts: "scores:any", description: "Scores of any taxonomy." }],
  outputs: [
    { id: "ekman7", label: "Ekman 7", type: "scores:ekman7" },
    { id: "sentiment3", label: "Sentiment 3", type: "scores:sentiment3" },
    { id: "va", label: "Valence/arousal", type: "valence-arousal", description: "Circumplex point, each axis -1..1." },
    { id: "dominance", label: "Dominance", type: "number", description: "Third PAD axis, -1 (submissive) .. 1 (dominant); 0 for sentiment." },
  ],
  params: mapTaxonomyParams,
  keywords: ["map", "taxonomy", "convert", "ekman", "sentiment", "goemotions", "valence", "arousal", "circumplex", "PAD", "russell"],
});

import type { NodeDefinition } from "@attune/graph";
import { baseline } from "./baseline";
import { lateFusion } from "./late-fusion";
import { mapTaxonomy } from "./map-taxonomy";
import { smooth } from "./smooth";

/** Runnable definitions of the fusion family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [mapTaxonomy, lateFusion, smooth, baseline];

export { mapTaxonomy, lateFusion, smooth, baseline };
export { mapTaxonomySpec, mapTaxonomyParams, type MapTaxonomyParams } from "./map-taxonomy/spec";
export { lateFusionSpec, lateFusionParams, FUSION_PORTS, type LateFusionParams } from "./late-fusion/spec";
export { smoothSpec, smoothParams, type SmoothParams } from "./smooth/spec";
export { baselineSpec, baselineParams, type BaselineParams } from "./baseline/spec";
export {
  EKMAN_PAD,
  GOEMOTIONS_TO_EKMAN,
  toEkman7,
  toPad,
  toSentiment3,
  toValenceArousal,
  type Pad,
} from "./shared/mapping";

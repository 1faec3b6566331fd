import type { NodeSpec } from "@attune/graph";
import { baselineSpec } from "./baseline/spec";
import { lateFusionSpec } from "./late-fusion/spec";
import { mapTaxonomySpec } from "./map-taxonomy/spec";
import { smoothSpec } from "./smooth/spec";

/** Browser-safe specs of the fusion family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [mapTaxonomySpec, lateFusionSpec, smoothSpec, baselineSpec];

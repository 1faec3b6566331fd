import type { NodeDefinition } from "@attune/graph";
import { threshold } from "./threshold";

/** Runnable definitions of the policy family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [threshold];

export { threshold };
export {
  thresholdSpec,
  thresholdParams,
  THRESHOLD_OPS,
  REASON_PLACEHOLDERS,
  type ThresholdOp,
  type ThresholdParams,
} from "./threshold/spec";

import type { NodeSpec } from "@attune/graph";
import { thresholdSpec } from "./threshold/spec";

/** Browser-safe specs of the policy family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [thresholdSpec];

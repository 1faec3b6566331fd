import type { NodeSpec } from "@attune/graph";
import { moodSpec } from "./mood/spec";

/** Browser-safe specs of the state family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [moodSpec];

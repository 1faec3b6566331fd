import type { NodeDefinition } from "@attune/graph";
import { mood } from "./mood";

/** Runnable definitions of the state family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [mood];

export { mood };
export { moodSpec, moodParams, type MoodParams } from "./mood/spec";
export { moodLabel } from "./mood/run";

import type { NodeSpec } from "@attune/graph";
import { prosodySpec } from "./prosody/spec";
import { vadSpec } from "./vad/spec";
import { vocalArousalSpec } from "./vocal-arousal/spec";

/** Browser-safe specs of the audio family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [vadSpec, prosodySpec, vocalArousalSpec];

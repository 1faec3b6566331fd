import type { NodeDefinition } from "@attune/graph";
import { prosody } from "./prosody";
import { vad } from "./vad";
import { vocalArousal } from "./vocal-arousal";

/** Runnable definitions of the audio family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [vad, prosody, vocalArousal];

export { vad, prosody, vocalArousal };
export { vadSpec, vadParams, type VadParams } from "./vad/spec";
export { prosodySpec, prosodyParams, type ProsodyParams } from "./prosody/spec";
export { vocalArousalSpec, vocalArousalParams, type VocalArousalParams } from "./vocal-arousal/spec";
export { SILERO_VAD_MODEL_ID, frameProbabilities } from "./vad/run";
export { speechSegments } from "./vad/segments";
export { computeProsody, type ProsodyFeatures, type ProsodyValue } from "./prosody/features";
export { VOCAL_AROUSAL_MODEL_ID } from "./vocal-arousal/run";
export { syntheticVoice } from "./synthetic-voice";

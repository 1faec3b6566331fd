import type { PortValues, RunContext, ValenceArousal } from "@attune/graph";
// Written by training beside the model: the population statistics the model was trained with.
import featuresJson from "../../../../packages/models/assets/vocal-arousal/features.json" with { type: "json" };
import type { ProsodyValue } from "../prosody/features";
import { AROUSAL_FEATURES, featureVector, normaliseForSpeaker, parseFeatureStats, type SpeakerStats, updateSpeakerStats } from "./model-input";
import type { VocalArousalParams } from "./spec";

/** Manifest id of the ONNX model in packages/models/assets/vocal-arousal. */
export const VOCAL_AROUSAL_MODEL_ID = "vocal-arousal";
export const VOCAL_AROUSAL_STATS = parseFeatureStats(featuresJson);

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export async function runVocalArousal(inputs: PortValues, params: VocalArousalParams, ctx: RunContext): Promise<PortValues> {
  const prosody = inputs.prosody as ProsodyValue | undefined;
  if (!prosody || typeof prosody !== "object" || !prosody.overall) throw new Error("audio.vocal-arousal: input 'prosody' must come from audio.prosody");
  if (!ctx.models) {
    throw new Error(`audio.vocal-arousal needs the model service to run '${VOCAL_AROUSAL_MODEL_ID}', but this run context has none (run it in the runner, or pass ctx.models in tests)`);
  }
  let x = featureVector(prosody.overall, VOCAL_AROUSAL_STATS);
  const fromRun = ctx.runInputs[params.speakerRunInput];
  const speaker = typeof fromRun === "string" && fromRun.trim() ? fromRun.trim() : params.speakerId.trim();
  if (speaker) {
    const key = `speaker:${speaker}`;
    const stats = updateSpeakerStats(ctx.state.get<SpeakerStats>(key), x);
    ctx.state.set(key, stats);
    x = normaliseForSpeaker(x, stats, VOCAL_AROUSAL_STATS);
  }
  const out = await ctx.models.run(VOCAL_AROUSAL_MODEL_ID, { features: { type: "float32", data: x, dims: [1, AROUSAL_FEATURES.length] } }, ctx.signal);
  const scores = out.scores?.data;
  if (!(scores instanceof Float32Array) || scores.length !== 2) throw new Error(`model '${VOCAL_AROUSAL_MODEL_ID}' must return 'scores' as 2 float32 values`);
  const arousal = clamp(scores[0]!, 0, 1);
  const negative = clamp(scores[1]!, 0, 1);
  const valenceArousal: ValenceArousal = { valence: clamp(-arousal * (2 * negative - 1), -1, 1), arousal: clamp(2 * arousal - 1, -1, 1) };
  const highArousalNegative = arousal >= params.arousalThreshold && negative >= params.negativeThreshold;
  return { arousal, valenceArousal, highArousalNegative };
}

import type { PortValues, RunContext, SpeechSegment } from "@attune/graph";
import { audioInput } from "../vad/run";
import { computeProsody } from "./features";
import type { ProsodyParams } from "./spec";

export async function runProsody(inputs: PortValues, params: ProsodyParams, ctx: RunContext): Promise<PortValues> {
  const audio = audioInput(inputs.audio, "audio.prosody");
  const segments = inputs.segments as SpeechSegment[] | undefined;
  if (segments !== undefined && !Array.isArray(segments)) throw new Error("audio.prosody: input 'segments' must be speech segments from audio.vad");
  ctx.signal.throwIfAborted();
  const prosody = computeProsody(audio.samples, audio.sampleRate, {
    segments,
    windowSec: params.windowSec,
    windowHopSec: params.windowHopSec,
    maxContourPoints: params.maxContourPoints,
  });
  return { prosody, pitchSlope: prosody.overall.f0Slope ?? 0 };
}

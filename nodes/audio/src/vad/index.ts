import { type AudioValue, defineNode, type PreviewSummary, type SpeechSegment } from "@attune/graph";
import { syntheticVoice } from "../synthetic-voice";
import { runVad } from "./run";
import { vadSpec } from "./spec";

function exampleAudio(): AudioValue {
  // Half a second of silence, a second of voice-like sound, half a second of silence.
  const samples = new Float32Array(32_000);
  samples.set(syntheticVoice({ seconds: 1, f0Start: 140, f0End: 180 }), 8_000);
  return { sampleRate: 16_000, samples };
}

export const vad = defineNode(vadSpec, {
  run: runVad,
  preview(outputs): PreviewSummary {
    const segments = outputs.segments as SpeechSegment[];
    const last = segments[segments.length - 1];
    return { kind: "segments", durationSec: last ? last.end : 0, segments: segments.slice(0, 400) };
  },
  example: { inputs: { audio: exampleAudio() } },
});

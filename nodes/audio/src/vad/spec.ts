import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const vadParams = z.object({
  /** Frame probability at which speech starts; it ends below threshold - 0.15 (hysteresis). */
  threshold: z.number().min(0.05).max(0.95).default(0.5),
  /** Shorter bursts (clicks, coughs) are dropped. */
  minSpeechMs: z.number().int().min(0).max(10_000).default(250),
  /** Pauses shorter than this stay inside one segment. */
  minSilenceMs: z.number().int().min(0).max(10_000).default(100),
  /** Added before and after each segment so word onsets and tails are not clipped. */
  speechPadMs: z.number().int().min(0).max(2_000).default(30),
});

export type VadParams = z.infer<typeof vadParams>;

export const vadSpec = defineNodeSpec({
  type: "audio.vad",
  version: 1,
  family: "audio",
  title: "Voice activity (Silero VAD)",
  description:
    "Finds the stretches of speech in 16 kHz audio with Silero VAD v5 (32 ms frames, recurrent state carried across the " +
    "clip). Outputs speech segments with start and end in seconds and their mean speech probability.",
  inputs: [{ id: "audio", label: "Audio", accepts: "audio", description: "16 kHz mono, as core.audio-input produces." }],
  outputs: [{ id: "segments", label: "Speech segments", type: "speech-segments", description: "Speech spans in time order; empty when nobody speaks." }],
  params: vadParams,
  keywords: ["vad", "voice activity", "speech detection", "silence", "silero", "segments", "audio"],
});

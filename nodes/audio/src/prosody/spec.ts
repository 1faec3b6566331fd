import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const prosodyParams = z.object({
  /** Length of the sliding windows that track how prosody changes over a call. */
  windowSec: z.number().min(0.5).max(30).default(2),
  /** Step between window starts. */
  windowHopSec: z.number().min(0.1).max(30).default(1),
  /** Contours in the output and preview are averaged down to at most this many points. */
  maxContourPoints: z.number().int().min(10).max(400).default(400),
});

export type ProsodyParams = z.infer<typeof prosodyParams>;

export const prosodySpec = defineNodeSpec({
  type: "audio.prosody",
  version: 1,
  family: "audio",
  title: "Prosody (pitch, loudness, rate, voice quality)",
  description:
    "Acoustic cues of how something is said: F0 level, spread, range and slope (rising or falling), loudness and its " +
    "spread, speaking rate, pauses, jitter, shimmer and spectral balance, named after eGeMAPS. Computed for the whole " +
    "clip (over the speech segments when connected), per speech segment and over sliding windows.",
  inputs: [
    { id: "audio", label: "Audio", accepts: "audio" },
    { id: "segments", label: "Speech segments", accepts: "speech-segments", optional: true, description: "From audio.vad: restricts the overall features to speech and adds per-segment features." },
  ],
  outputs: [
    { id: "prosody", label: "Prosody", type: "prosody", description: "{ durationSec, overall, perSegment, windows, contour } (see features.ts)." },
    { id: "pitchSlope", label: "Pitch slope (st/s)", type: "number", description: "Overall F0 trend in semitones per second: > 0 rising, < 0 falling, 0 when no pitch was found." },
  ],
  params: prosodyParams,
  keywords: ["prosody", "pitch", "f0", "intonation", "loudness", "speaking rate", "jitter", "shimmer", "egemaps", "voice", "audio"],
});

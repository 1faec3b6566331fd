import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";
import { fieldNameSchema } from "../shared";

export const audioInputParams = z.object({
  /** The run input this node reads, e.g. the `audio` field of a multipart endpoint request. */
  name: fieldNameSchema.default("audio"),
  /** Refused before decoding: bounds memory and CPU for uploads (413-style MEDIA_TOO_LARGE). */
  maxBytes: z.number().int().positive().max(500 * 1024 * 1024).default(25 * 1024 * 1024),
  /** Refused from the header when it states the length, else right after decoding. */
  maxSeconds: z.number().positive().max(4 * 3600).default(600),
});

export type AudioInputParams = z.infer<typeof audioInputParams>;

export const audioInputSpec = defineNodeSpec({
  type: "core.audio-input",
  version: 1,
  family: "core",
  title: "Audio input",
  description:
    "An audio file of the pipeline's input (WAV, MP3, OGG/Vorbis, OGG/Opus, FLAC or a browser's WebM/Opus recording). " +
    "The format is detected from the bytes; the sound is mixed down to mono and resampled to 16 kHz for the audio nodes. " +
    "Corrupt, empty or unsupported files fail with INVALID_MEDIA; files over maxBytes or maxSeconds with MEDIA_TOO_LARGE.",
  inputs: [],
  outputs: [{ id: "audio", label: "Audio", type: "audio", description: "Mono float32 samples at 16 kHz." }],
  params: audioInputParams,
  role: "input",
  keywords: ["audio", "input", "voice", "speech", "microphone", "wav", "mp3", "webm", "upload", "recording"],
});

import { type AudioValue, defineNode, type PreviewSummary } from "@attune/graph";
import { runAudioInput, waveformPeaks } from "./run";
import { audioInputSpec } from "./spec";
import { encodeWav16 } from "./wav";

/** One second of a 220 Hz tone with a gentle fade, as a WAV file: the node's runnable example. */
function exampleWav(): Uint8Array {
  const rate = 22_050;
  const samples = new Float32Array(rate);
  for (let i = 0; i < rate; i++) samples[i] = 0.5 * Math.sin((2 * Math.PI * 220 * i) / rate) * Math.min(1, i / 2000, (rate - i) / 2000);
  return encodeWav16(samples, rate);
}

export const audioInput = defineNode(audioInputSpec, {
  run: runAudioInput,
  preview(outputs): PreviewSummary {
    const audio = outputs.audio as AudioValue;
    return { kind: "audio", durationSec: audio.samples.length / audio.sampleRate, peaks: waveformPeaks(audio.samples) };
  },
  example: { inputs: {}, runInputs: { audio: { bytes: exampleWav(), mimeType: "audio/wav", filename: "tone.wav" } } },
});

export { MediaError, type MediaErrorCode } from "./media-error";
export { TARGET_SAMPLE_RATE, waveformPeaks } from "./run";
export { encodeWav16 } from "./wav";
export { resample } from "./resample";
export { decodeAudio, type DecodedAudio } from "./decode";

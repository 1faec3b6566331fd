import { type AudioValue, isMediaBytes, type PortValues, type RunContext } from "@attune/graph";
import { describeType } from "../shared";
import { decodeAudio } from "./decode";
import { MediaError, invalidMedia } from "./media-error";
import { resample } from "./resample";
import type { AudioInputParams } from "./spec";

/** Every audio node downstream (Silero VAD, pitch ranges, the arousal model) assumes this rate. */
export const TARGET_SAMPLE_RATE = 16_000;

export async function runAudioInput(_inputs: PortValues, params: AudioInputParams, ctx: RunContext): Promise<PortValues> {
  const given = ctx.runInputs[params.name];
  const bytes = given instanceof Uint8Array ? given : isMediaBytes(given) ? given.bytes : undefined;
  if (!bytes) {
    const what = given === undefined ? "is missing" : `must be an audio file (bytes), got ${describeType(given)}`;
    throw invalidMedia(`run input '${params.name}' ${what}`);
  }
  if (bytes.length === 0) throw invalidMedia(`run input '${params.name}' is empty (0 bytes)`);
  if (bytes.length > params.maxBytes) {
    throw new MediaError("MEDIA_TOO_LARGE", `run input '${params.name}' is ${bytes.length} bytes; this input allows at most ${params.maxBytes}`);
  }
  ctx.signal.throwIfAborted();
  let decoded;
  try {
    decoded = await decodeAudio(bytes, { maxSeconds: params.maxSeconds });
  } catch (error) {
    if (error instanceof MediaError) throw error;
    // Decoder internals (wasm traps, bad indexes in a corrupt header) are still the file's fault.
    throw invalidMedia(`the audio file could not be decoded: ${(error as Error).message}`);
  }
  ctx.signal.throwIfAborted();
  const seconds = decoded.mono.length / decoded.sampleRate;
  if (seconds > params.maxSeconds) {
    throw new MediaError("MEDIA_TOO_LARGE", `audio is ${seconds.toFixed(1)} s long; this input allows at most ${params.maxSeconds} s`);
  }
  const samples = resample(decoded.mono, decoded.sampleRate, TARGET_SAMPLE_RATE);
  ctx.logger.debug("decoded audio", {
    container: decoded.container,
    codec: decoded.codec,
    sampleRate: decoded.sampleRate,
    channels: decoded.channels,
    seconds,
  });
  const audio: AudioValue = { sampleRate: TARGET_SAMPLE_RATE, samples };
  return { audio };
}

/** Peak absolute amplitude per bucket: a waveform overview of at most `count` points. */
export function waveformPeaks(samples: Float32Array, count = 400): number[] {
  const buckets = Math.min(count, samples.length);
  const peaks: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * samples.length) / buckets);
    const hi = Math.floor(((b + 1) * samples.length) / buckets);
    let peak = 0;
    for (let i = lo; i < hi; i++) {
      const v = Math.abs(samples[i]!);
      if (v > peak) peak = v;
    }
    peaks.push(Math.round(peak * 1000) / 1000);
  }
  return peaks;
}

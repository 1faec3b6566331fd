import type { AudioValue, PortValues, RunContext, SpeechSegment } from "@attune/graph";
import { speechSegments } from "./segments";
import type { VadParams } from "./spec";

/** Manifest id of Silero VAD v5 (packages/models BUILTIN_MODELS). */
export const SILERO_VAD_MODEL_ID = "silero-vad";
export const VAD_SAMPLE_RATE = 16_000;
export const VAD_FRAME = 512;
/** silero-vad prepends the previous frame's last 64 samples to each 512-sample frame at 16 kHz. */
const CONTEXT = 64;

export function audioInput(value: unknown, node: string): AudioValue {
  const a = value as AudioValue | undefined;
  if (!a || !(a.samples instanceof Float32Array) || typeof a.sampleRate !== "number") {
    throw new Error(`${node}: input 'audio' must be decoded audio; connect core.audio-input`);
  }
  return a;
}

/** Speech probability of each 32 ms frame, with Silero's recurrent state carried from frame to frame. */
export async function frameProbabilities(audio: AudioValue, ctx: RunContext): Promise<Float32Array> {
  if (audio.sampleRate !== VAD_SAMPLE_RATE) {
    throw new Error(`audio.vad needs 16 kHz audio, got ${audio.sampleRate} Hz; core.audio-input resamples to 16 kHz`);
  }
  if (!ctx.models) {
    throw new Error(`audio.vad needs the model service to run '${SILERO_VAD_MODEL_ID}', but this run context has none (run it in the runner, or pass ctx.models in tests)`);
  }
  const x = audio.samples;
  const frames = Math.ceil(x.length / VAD_FRAME);
  const probs = new Float32Array(frames);
  let state: Float32Array = new Float32Array(2 * 128);
  const sr = BigInt64Array.from([16000n]);
  for (let f = 0; f < frames; f++) {
    if (f % 64 === 0) ctx.signal.throwIfAborted();
    const input = new Float32Array(CONTEXT + VAD_FRAME);
    const from = f * VAD_FRAME;
    if (from >= CONTEXT) input.set(x.subarray(from - CONTEXT, from), 0);
    // The last frame is zero-padded, as silero-vad does.
    input.set(x.subarray(from, Math.min(x.length, from + VAD_FRAME)), CONTEXT);
    const out = await ctx.models.run(
      SILERO_VAD_MODEL_ID,
      { input: { type: "float32", data: input, dims: [1, CONTEXT + VAD_FRAME] }, state: { type: "float32", data: state, dims: [2, 1, 128] }, sr: { type: "int64", data: sr, dims: [] } },
      ctx.signal,
    );
    const p = out.output?.data;
    const next = out.stateN?.data;
    if (!(p instanceof Float32Array) || !(next instanceof Float32Array) || next.length !== 256) {
      throw new Error(`model '${SILERO_VAD_MODEL_ID}' must return 'output' and a 2x1x128 'stateN'`);
    }
    probs[f] = p[0]!;
    state = next;
  }
  return probs;
}

export async function runVad(inputs: PortValues, params: VadParams, ctx: RunContext): Promise<PortValues> {
  const audio = audioInput(inputs.audio, "audio.vad");
  const probs = await frameProbabilities(audio, ctx);
  const segments: SpeechSegment[] = speechSegments(probs, VAD_FRAME, VAD_SAMPLE_RATE, audio.samples.length, params);
  return { segments };
}

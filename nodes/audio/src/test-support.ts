/**
 * Test-only support: a real ModelService over the audio models (prepared into a temp folder exactly
 * as setup does), and espeak-ng speech decoded by core.audio-input's decoder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AudioValue, ModelService } from "@attune/graph";
import { createModelService, prepareModels, SessionPool, SILERO_VAD_MODEL, VOCAL_AROUSAL_MODEL } from "@attune/models";
import { decodeAudio, resample } from "@attune/nodes-core/audio-input";
import { runTool } from "@attune/nodes-core/audio-input/external-tools";

export async function audioModelService(): Promise<{ models: ModelService; close: () => Promise<void> }> {
  const modelsDir = await mkdtemp(join(tmpdir(), "attune-audio-models-"));
  await prepareModels({ modelsDir, models: [SILERO_VAD_MODEL, VOCAL_AROUSAL_MODEL] });
  const pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
  return {
    models: createModelService(pool),
    close: async () => {
      await pool.close();
      await rm(modelsDir, { recursive: true, force: true });
    },
  };
}

/** espeak-ng speech as 16 kHz audio; `pitch` 0-99, `rate` words per minute, `amplitude` 0-200. */
export async function espeak(text: string, o: { pitch: number; rate: number; amplitude: number; voice?: string }): Promise<AudioValue> {
  const wav = runTool("espeak-ng", ["-v", o.voice ?? "en", "-p", String(o.pitch), "-s", String(o.rate), "-a", String(o.amplitude), "--stdout", text]);
  const decoded = await decodeAudio(wav, { maxSeconds: 120 });
  return { sampleRate: 16_000, samples: resample(decoded.mono, decoded.sampleRate, 16_000) };
}

/** The same audio scaled so its sample peak sits at `peakDbfs` (a microphone gain change). */
export function atPeak(audio: AudioValue, peakDbfs: number): AudioValue {
  let peak = 0;
  for (const v of audio.samples) peak = Math.max(peak, Math.abs(v));
  const gain = peak > 0 ? 10 ** (peakDbfs / 20) / peak : 1;
  return { sampleRate: audio.sampleRate, samples: audio.samples.map((v) => v * gain) };
}

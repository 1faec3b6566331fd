/**
 * Audio path on a 60 s clip (44.1 kHz 16-bit WAV of espeak-ng speech with pauses, or a synthetic
 * voice when espeak-ng is missing): core.audio-input (decode + resample) -> audio.vad -> audio.prosody
 * -> audio.vocal-arousal, as a real-time factor (processing time / audio duration), against the raw
 * Silero VAD onnxruntime session loop alone on the same 16 kHz samples.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AudioValue, ModelService } from "@attune/graph";
import { createModelService, prepareModels, SessionPool, SILERO_VAD_MODEL, VOCAL_AROUSAL_MODEL } from "@attune/models";
import { prosody, syntheticVoice, vad, vocalArousal } from "@attune/nodes-audio";
import { decodeAudio, encodeWav16, resample } from "@attune/nodes-core/audio-input";
import { makeTestContext } from "@attune/nodes-core/testing";
import * as ort from "onnxruntime-node";
import { audioInput } from "../nodes/core/src/audio-input";
import { median, sample, type Bench } from "./harness";

const SECONDS = 60;
const SOURCE_RATE = 44_100;

async function clip(): Promise<{ wav: Uint8Array; source: string }> {
  const out = new Float32Array(SECONDS * SOURCE_RATE);
  const lines = [
    "I have been waiting on the phone for an hour and nobody can tell me where my order is.",
    "Could you please check the delivery status for me?",
    "This is the third time I am calling about the same problem!",
  ];
  const espeak = spawnSync("sh", ["-c", "command -v espeak-ng"]).status === 0;
  let at = SOURCE_RATE / 2;
  for (let i = 0; at < out.length; i++) {
    let speech: Float32Array;
    if (espeak) {
      const r = spawnSync("espeak-ng", ["-v", "en", "-p", String(30 + (i % 4) * 15), "-s", String(140 + (i % 3) * 40), "--stdout", lines[i % lines.length]!], { maxBuffer: 64 << 20 });
      const decoded = await decodeAudio(new Uint8Array(r.stdout), { maxSeconds: 60 });
      speech = resample(decoded.mono, decoded.sampleRate, SOURCE_RATE);
    } else {
      speech = syntheticVoice({ seconds: 3, f0Start: 110 + (i % 4) * 30, f0End: 140 + (i % 3) * 30, sampleRate: SOURCE_RATE });
    }
    out.set(speech.subarray(0, Math.min(speech.length, out.length - at)), at);
    at += speech.length + Math.round(SOURCE_RATE * (0.4 + (i % 3) * 0.3));
  }
  return { wav: encodeWav16(out, SOURCE_RATE), source: espeak ? "espeak-ng speech" : "synthetic voice (espeak-ng not installed)" };
}

async function rawVadLoop(session: ort.InferenceSession, samples: Float32Array): Promise<void> {
  let state: ort.Tensor = new ort.Tensor("float32", new Float32Array(256), [2, 1, 128]);
  const sr = new ort.Tensor("int64", BigInt64Array.from([16000n]), []);
  for (let f = 0; f * 512 < samples.length; f++) {
    const input = new Float32Array(576);
    if (f > 0) input.set(samples.subarray(f * 512 - 64, f * 512), 0);
    input.set(samples.subarray(f * 512, Math.min(samples.length, f * 512 + 512)), 64);
    const out = await session.run({ input: new ort.Tensor("float32", input, [1, 576]), state, sr });
    state = out.stateN as ort.Tensor;
  }
}

export const audioBench: Bench = {
  name: "audio",
  async run() {
    const modelsDir = await mkdtemp(join(tmpdir(), "attune-bench-audio-"));
    const pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
    try {
      const prepared = await prepareModels({ modelsDir, models: [SILERO_VAD_MODEL, VOCAL_AROUSAL_MODEL] });
      const models: ModelService = createModelService(pool);
      const { wav, source } = await clip();
      const stages = { decode: [] as number[], vad: [] as number[], prosody: [] as number[], arousal: [] as number[] };
      let segmentsFound = 0;
      let lastArousal = 0;
      const full = async () => {
        const ctx = { ...makeTestContext({ runInputs: { audio: { bytes: wav } } }), models };
        let t = performance.now();
        const { audio } = await audioInput.run({}, audioInput.params.parse({}), ctx);
        stages.decode.push(performance.now() - t);
        t = performance.now();
        const { segments } = await vad.run({ audio }, vad.params.parse({}), ctx);
        stages.vad.push(performance.now() - t);
        t = performance.now();
        const { prosody: p } = await prosody.run({ audio, segments }, prosody.params.parse({}), ctx);
        stages.prosody.push(performance.now() - t);
        t = performance.now();
        lastArousal = (await vocalArousal.run({ prosody: p }, vocalArousal.params.parse({}), ctx)).arousal as number;
        stages.arousal.push(performance.now() - t);
        segmentsFound = (segments as unknown[]).length;
      };
      const fullTimes = await sample(full, 1, 5);

      const session = await ort.InferenceSession.create(prepared.find((m) => m.id === SILERO_VAD_MODEL.manifest.id)!.onnxPath, { intraOpNumThreads: 1 });
      const decoded = (await audioInput.run({}, audioInput.params.parse({}), makeTestContext({ runInputs: { audio: wav } }))).audio as AudioValue;
      const rawTimes = await sample(() => rawVadLoop(session, decoded.samples), 1, 5);
      await session.release();

      const rtf = median(fullTimes) / 1000 / SECONDS;
      const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms`;
      return [
        {
          metric: "decode + VAD + prosody + arousal, real-time factor on a 60 s clip",
          value: rtf,
          unit: "x real time",
          target: 0.05,
          baseline: { label: "raw Silero VAD session loop alone", value: median(rawTimes) / 1000 / SECONDS, unit: "x real time" },
          notes: [
            `clip: ${source}, 44.1 kHz 16-bit WAV, ${(wav.length / 1e6).toFixed(1)} MB; ${segmentsFound} speech segments; arousal ${lastArousal.toFixed(2)}`,
            `median per stage: decode+resample ${ms(stages.decode)}, vad ${ms(stages.vad)}, prosody ${ms(stages.prosody)}, arousal ${ms(stages.arousal)}`,
          ],
        },
      ];
    } finally {
      await pool.close();
      await rm(modelsDir, { recursive: true, force: true });
    }
  },
};

/**
 * Two measurements.
 *
 * 1. Audio path on a 60 s clip (44.1 kHz 16-bit WAV of espeak-ng speech with pauses, or a synthetic
 * voice when espeak-ng is missing): core.audio-input (decode + resample) -> audio.vad -> audio.prosody
 * -> audio.vocal-arousal, as a real-time factor (processing time / audio duration), against the raw
 * Silero VAD onnxruntime session loop alone on the same 16 kHz samples.
 *
 * 2. The studio's live microphone path (apps/studio/src/media/audio-panel.tsx): every second the
 * browser encodes the last 8 s as a 16 kHz 16-bit mono WAV, base64s it and POSTs a preview run
 * with a session id; the runner streams run events back over SSE. Here the real runner
 * (buildServer, token, SessionPool + createModelService as main.ts) listens on 127.0.0.1:0 in this
 * process and a fetch client sends LIVE_CHUNKS windows of the same clip one after another, timing
 * request start -> the arousal node's `preview` event (what the gauge shows) and -> `run-finished`,
 * against execute() of the same compiled plan in-process on the same windows (no HTTP, no base64,
 * no JSON, no SSE). The browser's encode and the studio's /api/preview proxy hop are not included.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { compile, type AudioValue, type ModelService, type RunEvent } from "@attune/graph";
import { buildServer, createNodeRegistry } from "@attune/runner";
import { execute, MemoryResultCache, MemorySessionStateStore } from "@attune/runtime";
import { createModelService, prepareModels, SessionPool, SILERO_VAD_MODEL, VOCAL_AROUSAL_MODEL } from "@attune/models";
import { prosody, syntheticVoice, vad, vocalArousal } from "@attune/nodes-audio";
import { decodeAudio, encodeWav16, resample } from "@attune/nodes-core/audio-input";
import { makeTestContext } from "@attune/nodes-core/testing";
import * as ort from "onnxruntime-node";
import { audioInput } from "../nodes/core/src/audio-input";
import { median, quantile, sample, type Bench, type BenchOutcome } from "./harness";

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

/** Live mode as the studio runs it: LIVE_WINDOW_SEC of audio per chunk (audio-panel.tsx LIVE_WINDOW_SEC / LIVE_CHUNK_MS). */
const LIVE_RATE = 16_000;
const LIVE_WINDOW_SEC = 8;
const LIVE_CHUNK_MS = 1000;
const LIVE_CHUNKS = 20;
const LIVE_WARMUP = 2;
const LIVE_HOP_SEC = 2;
/** Per 8 s window, request start -> result shown. */
const LIVE_TARGET_MS = 500;
const LIVE_TOKEN = "bench-live-token-0123456789abcdef";

/** audio-input -> vad -> prosody -> vocal-arousal -> output, params as in templates/call-centre-escalation. */
const LIVE_DOCUMENT = {
  schemaVersion: 1,
  nodes: [
    { id: "audio", type: "core.audio-input", version: 1, params: { name: "audio" }, position: { x: 0, y: 0 } },
    { id: "vad", type: "audio.vad", version: 1, params: {}, position: { x: 200, y: 0 } },
    { id: "prosody", type: "audio.prosody", version: 1, params: { windowSec: 2, windowHopSec: 1, maxContourPoints: 200 }, position: { x: 400, y: 0 } },
    { id: "arousal", type: "audio.vocal-arousal", version: 1, params: {}, position: { x: 600, y: 0 } },
    { id: "out-arousal", type: "core.output", version: 1, params: { name: "arousal" }, position: { x: 800, y: 0 } },
  ],
  edges: [
    { id: "e1", from: { node: "audio", port: "audio" }, to: { node: "vad", port: "audio" } },
    { id: "e2", from: { node: "audio", port: "audio" }, to: { node: "prosody", port: "audio" } },
    { id: "e3", from: { node: "vad", port: "segments" }, to: { node: "prosody", port: "segments" } },
    { id: "e4", from: { node: "prosody", port: "prosody" }, to: { node: "arousal", port: "prosody" } },
    { id: "e5", from: { node: "arousal", port: "arousal" }, to: { node: "out-arousal", port: "value" } },
  ],
};

interface LiveTiming {
  shownMs: number;
  finishedMs: number;
  arousal: number;
}

/** One live chunk over HTTP: POST /v1/preview as the studio sends it, reading the SSE stream until run-finished. */
async function postLiveChunk(url: string, body: string): Promise<LiveTiming> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${LIVE_TOKEN}`, "content-type": "application/json", accept: "text/event-stream" },
    body,
  });
  if (res.status !== 200 || !res.body) throw new Error(`live preview answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffered = "";
  let shownMs = NaN;
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (!frame.startsWith("data: ")) continue;
      const event = JSON.parse(frame.slice(6)) as RunEvent;
      if (event.type === "preview" && event.nodeId === "arousal") shownMs = performance.now() - t0;
      if (event.type === "node-failed") throw new Error(`live preview node ${event.nodeId} failed: ${event.error.message}`);
      if (event.type === "run-finished") {
        const finishedMs = performance.now() - t0;
        if (event.status !== "ok") throw new Error(`live preview run ${event.status}`);
        if (Number.isNaN(shownMs)) throw new Error("the stream had no preview event for the arousal node");
        // Let the server end the response before the next chunk goes out.
        await res.body.cancel().catch(() => undefined);
        return { shownMs, finishedMs, arousal: event.outputs.arousal as number };
      }
    }
  }
  throw new Error("the event stream ended without run-finished");
}

async function liveLatency(samples: Float32Array, models: ModelService, source: string): Promise<BenchOutcome[]> {
  const windowLen = LIVE_WINDOW_SEC * LIVE_RATE;
  const count = LIVE_WARMUP + LIVE_CHUNKS;
  if ((count - 1) * LIVE_HOP_SEC * LIVE_RATE + windowLen > samples.length) throw new Error("the clip is too short for the live windows");
  // Encoded once up front: on the live path this is the browser's work (encodeWav + FileReader base64), not measured.
  const chunks = Array.from({ length: count }, (_, i) => {
    const wav = encodeWav16(samples.subarray(i * LIVE_HOP_SEC * LIVE_RATE, i * LIVE_HOP_SEC * LIVE_RATE + windowLen), LIVE_RATE);
    const sessionId = "bench-live-mic";
    const body = JSON.stringify({
      document: LIVE_DOCUMENT,
      inputs: { audio: { base64: Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength).toString("base64"), mimeType: "audio/wav", filename: "live.wav" } },
      sessionId,
    });
    return { wav, body };
  });

  const registry = createNodeRegistry();
  const compiled = compile(LIVE_DOCUMENT as Parameters<typeof compile>[0], registry);
  if (!compiled.ok) throw new Error(`live bench pipeline does not compile: ${JSON.stringify(compiled.issues)}`);
  const plan = compiled.plan;
  // The in-process side keeps a session like the runner's preview sessions (cache + state, same session id).
  const cache = new MemoryResultCache();
  const state = new MemorySessionStateStore();
  const direct = async (wav: Uint8Array): Promise<LiveTiming> => {
    const t0 = performance.now();
    let shownMs = NaN;
    const result = await execute(plan, {
      registry,
      inputs: { audio: { bytes: wav, mimeType: "audio/wav", filename: "live.wav" } },
      models,
      cache,
      state,
      sessionId: "bench-live-direct",
      onEvent: (event) => {
        if (event.type === "preview" && event.nodeId === "arousal") shownMs = performance.now() - t0;
      },
    });
    const finishedMs = performance.now() - t0;
    if (result.status !== "ok") throw new Error(`in-process live run ${result.status}: ${JSON.stringify(result.nodes)}`);
    return { shownMs, finishedMs, arousal: result.outputs.arousal as number };
  };

  const app = buildServer({ token: LIVE_TOKEN, models, registry, logLevel: "silent" });
  await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/preview`;
    const http: LiveTiming[] = [];
    const inProcess: LiveTiming[] = [];
    // Interleaved chunk by chunk, so drift in machine load hits both sides alike; the first
    // LIVE_WARMUP chunks (session loads, JIT) are not counted.
    for (let i = 0; i < count; i++) {
      const h = await postLiveChunk(url, chunks[i]!.body);
      const d = await direct(chunks[i]!.wav);
      if (Math.abs(h.arousal - d.arousal) > 1e-6) throw new Error(`chunk ${i}: arousal ${h.arousal} over HTTP but ${d.arousal} in-process: not the same work`);
      if (i >= LIVE_WARMUP) {
        http.push(h);
        inProcess.push(d);
      }
    }
    const shown = http.map((t) => t.shownMs);
    const finished = http.map((t) => t.finishedMs);
    const shownDirect = inProcess.map((t) => t.shownMs);
    const finishedDirect = inProcess.map((t) => t.finishedMs);
    const ms = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, p90 ${quantile(xs, 0.9).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    const bodyKb = chunks[LIVE_WARMUP]!.body.length / 1024;
    const common = [
      `${LIVE_CHUNKS} chunks (+${LIVE_WARMUP} warm-up) of ${LIVE_WINDOW_SEC} s ${source}, 16 kHz 16-bit mono WAV (${(chunks[0]!.wav.length / 1024).toFixed(0)} KB, JSON body ${bodyKb.toFixed(0)} KB with base64), windows ${LIVE_HOP_SEC} s apart, sent one after another with session id, real runner on 127.0.0.1 (fetch client in the same process)`,
      `target: the studio sends a window every ${LIVE_CHUNK_MS} ms and drops windows while one is in flight: under ${LIVE_CHUNK_MS} ms no window is dropped; <= ${LIVE_TARGET_MS} ms leaves half the interval for the unmeasured browser encode and proxy hop, so the gauge updates every second and trails speech by < 1.5 s`,
      `NOT included: the Chromium side (encodeWav of 8 s + FileReader base64, JSON body), the studio's /api/preview proxy hop, and network beyond loopback`,
      `arousal identical on both sides for every chunk (last ${http.at(-1)!.arousal.toFixed(2)}); ONNX sessions from one SessionPool with default thread settings, as main.ts`,
    ];
    return [
      {
        metric: `live mic: chunk sent -> arousal shown (preview event over SSE), p90 per ${LIVE_WINDOW_SEC} s window`,
        value: quantile(shown, 0.9),
        unit: "ms",
        target: LIVE_TARGET_MS,
        baseline: { label: "same plan via execute() in-process, p90 to the arousal preview event", value: quantile(shownDirect, 0.9), unit: "ms" },
        notes: [`HTTP/SSE: ${ms(shown)}`, `in-process: ${ms(shownDirect)}; median ratio ${(median(shown) / median(shownDirect)).toFixed(2)}x, median overhead ${(median(shown) - median(shownDirect)).toFixed(0)} ms`, ...common],
      },
      {
        metric: `live mic: chunk sent -> run-finished event, p90 per ${LIVE_WINDOW_SEC} s window`,
        value: quantile(finished, 0.9),
        unit: "ms",
        target: LIVE_TARGET_MS,
        baseline: { label: "same plan via execute() in-process, p90 to its result", value: quantile(finishedDirect, 0.9), unit: "ms" },
        notes: [
          `HTTP/SSE: ${ms(finished)}`, `in-process: ${ms(finishedDirect)}; median ratio ${(median(finished) / median(finishedDirect)).toFixed(2)}x, median overhead ${(median(finished) - median(finishedDirect)).toFixed(0)} ms`,
          "arousal is the last node before the output, so run-finished follows its preview event by well under a millisecond",
        ],
      },
    ];
  } finally {
    await app.close();
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

      // The live path gets its own pool with default thread settings, as apps/runner/src/main.ts builds it.
      const livePool = new SessionPool({ modelsDir });
      let live: BenchOutcome[];
      try {
        live = await liveLatency(decoded.samples, createModelService(livePool), source);
      } finally {
        await livePool.close();
      }

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
        ...live,
      ];
    } finally {
      await pool.close();
      await rm(modelsDir, { recursive: true, force: true });
    }
  },
};

import type { ModelService, SpeechSegment } from "@attune/graph";
import { skipWithoutTool } from "@attune/nodes-core/audio-input/external-tools";
import { makeTestContext } from "@attune/nodes-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audioModelService, espeak } from "../test-support";
import { vad } from "./index";
import { speechSegments } from "./segments";

let models: ModelService;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ models, close } = await audioModelService());
});
afterAll(async () => close());

const params = (p: Record<string, unknown> = {}) => vad.params.parse(p);
const ctx = () => ({ ...makeTestContext(), models });

describe("speechSegments (silero get_speech_timestamps rules)", () => {
  const opts = { threshold: 0.5, minSpeechMs: 250, minSilenceMs: 100, speechPadMs: 30 };
  const frames = (spec: [number, number][]) => spec.flatMap(([p, n]) => Array<number>(n).fill(p));
  // 512-sample frames at 16 kHz = 32 ms each.
  it("finds one padded segment with its mean probability", () => {
    const probs = frames([[0.1, 10], [0.9, 20], [0.1, 10]]);
    const segs = speechSegments(probs, 512, 16000, probs.length * 512, opts);
    expect(segs).toEqual([{ start: 0.29, end: 0.99, probability: expect.closeTo(0.9, 1) }]);
  });
  it("keeps a dip shorter than minSilenceMs inside the segment, and splits on a longer pause", () => {
    const short = frames([[0.9, 20], [0.1, 2], [0.9, 20], [0.1, 10]]);
    expect(speechSegments(short, 512, 16000, short.length * 512, opts)).toHaveLength(1);
    const long = frames([[0.9, 20], [0.1, 8], [0.9, 20], [0.1, 10]]);
    expect(speechSegments(long, 512, 16000, long.length * 512, opts)).toHaveLength(2);
  });
  it("uses hysteresis: probabilities between threshold - 0.15 and threshold do not end speech", () => {
    const probs = frames([[0.9, 10], [0.4, 30], [0.1, 10]]);
    const [seg] = speechSegments(probs, 512, 16000, probs.length * 512, opts);
    expect(seg!.end).toBeCloseTo((40 * 512) / 16000 + 0.03, 2);
  });
  it("drops bursts shorter than minSpeechMs", () => {
    const probs = frames([[0.1, 10], [0.9, 5], [0.1, 20]]);
    expect(speechSegments(probs, 512, 16000, probs.length * 512, opts)).toEqual([]);
    expect(speechSegments(probs, 512, 16000, probs.length * 512, { ...opts, minSpeechMs: 100 })).toHaveLength(1);
  });
});

describe("audio.vad on Silero v5", () => {
  it("finds no speech in silence or faint noise", async () => {
    const samples = new Float32Array(16000 * 3);
    let seed = 7;
    for (let i = 16000; i < samples.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      samples[i] = ((seed / 0x7fffffff) * 2 - 1) * 0.002;
    }
    const out = await vad.run({ audio: { sampleRate: 16000, samples } }, params(), ctx());
    expect(out.segments).toEqual([]);
    const preview = vad.preview!(out, params());
    expect(preview).toEqual({ kind: "segments", durationSec: 0, segments: [] });
  });

  it("carries the recurrent state from frame to frame", async () => {
    const seen: Float32Array[] = [];
    const returned: Float32Array[] = [];
    const spy: ModelService = {
      async run(id, feeds, signal) {
        seen.push(feeds.state!.data as Float32Array);
        const out = await models.run(id, feeds, signal);
        returned.push(out.stateN!.data as Float32Array);
        return out;
      },
    };
    const samples = new Float32Array(512 * 4).map((_, i) => 0.3 * Math.sin(i / 5));
    await vad.run({ audio: { sampleRate: 16000, samples } }, params(), { ...makeTestContext(), models: spy });
    expect(seen).toHaveLength(4);
    expect(Array.from(seen[0]!).every((v) => v === 0)).toBe(true);
    for (let f = 1; f < 4; f++) expect(Array.from(seen[f]!)).toEqual(Array.from(returned[f - 1]!));
  });

  it("refuses audio that is not 16 kHz and runs without models only with a clear error", async () => {
    await expect(vad.run({ audio: { sampleRate: 44100, samples: new Float32Array(100) } }, params(), ctx())).rejects.toThrow(/needs 16 kHz audio, got 44100 Hz/);
    await expect(vad.run({ audio: { sampleRate: 16000, samples: new Float32Array(100) } }, params(), makeTestContext())).rejects.toThrow(/needs the model service/);
    await expect(vad.run({ audio: "x" }, params(), ctx())).rejects.toThrow(/connect core.audio-input/);
  });

  it("stops when the run is cancelled", async () => {
    const c = ctx();
    c.abort.abort(new Error("cancelled by test"));
    await expect(vad.run({ audio: { sampleRate: 16000, samples: new Float32Array(16000) } }, params(), c)).rejects.toThrow(/cancelled by test/);
  });

  it.skipIf(skipWithoutTool("espeak-ng", "espeak-ng"))("finds espeak-ng speech between silences, and splits at a long pause", async () => {
    const speech = await espeak("Hello, I would like to speak to someone about my bill.", { pitch: 50, rate: 160, amplitude: 100 });
    const gap = new Float32Array(16000);
    const samples = new Float32Array(gap.length * 2 + speech.samples.length * 2 + 16000);
    samples.set(speech.samples, gap.length);
    samples.set(speech.samples, gap.length + speech.samples.length + 16000);
    const out = await vad.run({ audio: { sampleRate: 16000, samples } }, params(), ctx());
    const segments = out.segments as SpeechSegment[];
    const speechSec = speech.samples.length / 16000;
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(segments[0]!.start).toBeGreaterThan(0.8);
    expect(segments[0]!.start).toBeLessThan(1.3);
    expect(segments[segments.length - 1]!.end).toBeLessThan(samples.length / 16000 - 0.7);
    // Nothing is detected inside the one-second pause between the two sentences.
    const pauseStart = 1 + speechSec + 0.15;
    const pauseEnd = 1 + speechSec + 0.85;
    expect(segments.some((s) => s.start < pauseEnd && s.end > pauseStart)).toBe(false);
    for (const s of segments) expect(s.probability).toBeGreaterThan(0.5);
  });
});

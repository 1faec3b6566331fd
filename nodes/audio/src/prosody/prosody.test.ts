import type { AudioValue } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { syntheticVoice } from "../synthetic-voice";
import { computeProsody, type ProsodyValue } from "./features";
import { prosody } from "./index";

const params = (p: Record<string, unknown> = {}) => prosody.params.parse(p);
const RATE = 16000;

function tone(freq: number, seconds: number): Float32Array {
  return new Float32Array(Math.round(seconds * RATE)).map((_, i) => 0.3 * Math.sin((2 * Math.PI * freq * i) / RATE));
}

async function analyse(samples: Float32Array, inputs: Record<string, unknown> = {}, p: Record<string, unknown> = {}) {
  const audio: AudioValue = { sampleRate: RATE, samples };
  const out = await prosody.run({ audio, ...inputs }, params(p), makeTestContext());
  return { value: out.prosody as ProsodyValue, pitchSlope: out.pitchSlope as number, out };
}

describe("audio.prosody", () => {
  it.each([70, 110, 220, 330, 440, 580])("measures a %d Hz tone within 2%", async (hz) => {
    const { value } = await analyse(tone(hz, 1));
    expect(Math.abs(value.overall.f0MeanHz! - hz) / hz).toBeLessThan(0.02);
    expect(value.overall.f0Mean).toBeCloseTo(12 * Math.log2(hz / 27.5), 0);
    expect(value.overall.voicedRatio).toBeGreaterThan(0.9);
  });

  it("measures the F0 of a harmonic-rich voice-like signal (not its strongest harmonic)", async () => {
    const { value } = await analyse(syntheticVoice({ seconds: 1.5, f0Start: 150 }));
    expect(Math.abs(value.overall.f0MeanHz! - 150) / 150).toBeLessThan(0.02);
  });

  it("reads a rising sweep as a positive slope and a falling one as negative, in semitones per second", async () => {
    // 120 -> 240 Hz over 2 s is 12 semitones in 2 s = +6 st/s.
    const rising = await analyse(syntheticVoice({ seconds: 2, f0Start: 120, f0End: 240, syllableHz: 0 }));
    const falling = await analyse(syntheticVoice({ seconds: 2, f0Start: 240, f0End: 120, syllableHz: 0 }));
    expect(rising.pitchSlope).toBeCloseTo(6, 0);
    expect(falling.pitchSlope).toBeCloseTo(-6, 0);
    expect(rising.value.overall.f0Range).toBeGreaterThan(6);
  });

  it("reports silence as unvoiced pauses with null pitch features and slope 0", async () => {
    const { value, pitchSlope } = await analyse(new Float32Array(RATE));
    expect(value.overall.f0Mean).toBeNull();
    expect(value.overall.jitterLocal).toBeNull();
    expect(value.overall.voicedRatio).toBe(0);
    expect(value.overall.pauseRatio).toBe(1);
    expect(pitchSlope).toBe(0);
  });

  it("computes per-segment features and restricts the overall ones to the segments", async () => {
    // 1 s at 120 Hz, 1 s silence, 1 s at 240 Hz.
    const samples = new Float32Array(3 * RATE);
    samples.set(syntheticVoice({ seconds: 1, f0Start: 120 }), 0);
    samples.set(syntheticVoice({ seconds: 1, f0Start: 240 }), 2 * RATE);
    const segments = [
      { start: 0, end: 1, probability: 0.9 },
      { start: 2, end: 3, probability: 0.9 },
    ];
    const { value } = await analyse(samples, { segments });
    expect(value.perSegment).toHaveLength(2);
    expect(value.perSegment[0]!.f0MeanHz).toBeCloseTo(120, -1);
    expect(value.perSegment[1]!.f0MeanHz).toBeCloseTo(240, -1);
    expect(value.overall.pauseRatio).toBeLessThan(0.1);
    const whole = await analyse(samples);
    expect(whole.value.overall.pauseRatio).toBeGreaterThan(0.3);
  });

  it("slides windows over the clip and keeps contours and the preview within 400 points", async () => {
    const { value, out } = await analyse(syntheticVoice({ seconds: 10, f0Start: 100, f0End: 200 }), {}, { windowSec: 2, windowHopSec: 1 });
    expect(value.windows).toHaveLength(9);
    expect(value.windows[8]!.f0Mean!).toBeGreaterThan(value.windows[0]!.f0Mean!);
    expect(value.contour.f0Semitones).toHaveLength(400);
    const preview = prosody.preview!(out, params());
    expect(preview.kind).toBe("series");
    if (preview.kind === "series") {
      for (const s of preview.series) expect(s.values.length).toBeLessThanOrEqual(400);
      expect(preview.stats!.f0MeanHz).toBeGreaterThan(100);
    }
  });

  it("finds low jitter and shimmer in a steady tone and more in a perturbed pulse train", () => {
    const steady = computeProsody(syntheticVoice({ seconds: 1.5, f0Start: 150, syllableHz: 0 }), RATE, { windowSec: 2, windowHopSec: 1, maxContourPoints: 50 }).overall;
    // Pulses with +-4% random period and +-2 dB random amplitude.
    const x = new Float32Array(RATE * 1.5);
    let t = 100;
    let seed = 3;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    while (t < x.length - 200) {
      const amp = 0.3 * 10 ** ((rnd() * 2) / 20);
      for (let k = 0; k < 60; k++) x[t + k]! += amp * Math.exp(-k / 12) * Math.sin((2 * Math.PI * k) / 20);
      t += Math.round((RATE / 150) * (1 + 0.04 * rnd()));
    }
    const rough = computeProsody(x, RATE, { windowSec: 2, windowHopSec: 1, maxContourPoints: 50 }).overall;
    expect(steady.jitterLocal!).toBeLessThan(0.005);
    expect(steady.shimmerLocalDb!).toBeLessThan(0.2);
    expect(rough.jitterLocal!).toBeGreaterThan(steady.jitterLocal! * 3);
    expect(rough.shimmerLocalDb!).toBeGreaterThan(0.5);
  });

  it("counts faster syllables as a higher speaking rate", () => {
    const rate = (syllableHz: number) =>
      computeProsody(syntheticVoice({ seconds: 3, f0Start: 130, syllableHz }), RATE, { windowSec: 2, windowHopSec: 1, maxContourPoints: 50 }).overall.speakingRate!;
    expect(rate(3)).toBeCloseTo(3, 0);
    expect(rate(6)).toBeGreaterThan(rate(3) * 1.6);
  });

  it("does not move with recording gain from -24 to 0 dB, except loudnessMean, which moves one for one", () => {
    // A loud second (220 Hz) then a soft one (150 Hz, 20 dB down): at -24 dB the soft second sits
    // near -60 dBFS, where an absolute silence threshold would call it a pause.
    const samples = new Float32Array(2 * RATE);
    samples.set(syntheticVoice({ seconds: 1, f0Start: 220, amplitude: 0.5 }), 0);
    samples.set(syntheticVoice({ seconds: 1, f0Start: 150, amplitude: 0.05 }), RATE);
    const opts = { windowSec: 2, windowHopSec: 1, maxContourPoints: 50 };
    const at = (db: number) => computeProsody(samples.map((v) => v * 10 ** (db / 20)), RATE, opts).overall;
    const ref = at(0);
    expect(ref.voicedRatio).toBeGreaterThan(0.7);
    for (const db of [-6, -12, -18, -24]) {
      const o = at(db);
      expect(o.loudnessMean!).toBeCloseTo(ref.loudnessMean! + db, 2);
      for (const key of Object.keys(ref) as (keyof typeof ref)[]) {
        if (key === "loudnessMean") continue;
        const [a, b] = [ref[key], o[key]];
        if (a === null || b === null) expect(b).toBe(a);
        else expect(Math.abs(a - b), `${key} at ${db} dB`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(a)));
      }
    }
  });
});

import { describe, expect, it } from "vitest";
import { FrameGate } from "./frame-gate";
import { windowStats } from "./segment-features";
import { encodeWav, resampleLinear } from "./wav";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("FrameGate", () => {
  it("drops frames offered while one is in flight instead of queueing them", async () => {
    const gate = new FrameGate();
    const sent: number[] = [];
    const runs: ReturnType<typeof deferred>[] = [];
    let captured = 0;
    const offer = (frame: number) =>
      gate.offer(
        () => {
          captured += 1;
          return frame;
        },
        (f) => {
          sent.push(f);
          const run = deferred();
          runs.push(run);
          return run.promise;
        },
      );

    expect(offer(1)).toBe(true);
    await tick();
    expect(offer(2)).toBe(false);
    expect(offer(3)).toBe(false);
    // Dropped frames are never even captured (no encoding work for them).
    expect(captured).toBe(1);
    runs[0]!.resolve();
    await tick();
    expect(offer(4)).toBe(true);
    await tick();
    runs[1]!.resolve();
    await tick();
    expect(sent).toEqual([1, 4]);
    expect(gate.stats()).toEqual({ sent: 2, dropped: 2 });
  });

  it("frees the gate when a frame fails or nothing was captured", async () => {
    const gate = new FrameGate();
    gate.offer(() => null, async () => undefined);
    await tick();
    expect(gate.inFlight).toBe(false);
    gate.offer(() => 1, async () => {
      throw new Error("runner down");
    });
    await tick();
    await tick();
    expect(gate.inFlight).toBe(false);
    expect(gate.offer(() => 2, async () => undefined)).toBe(true);
  });

  it("measures completed runs per second", async () => {
    let now = 0;
    const gate = new FrameGate(() => now);
    for (let i = 0; i < 6; i++) {
      now = i * 200;
      gate.offer(() => i, async () => undefined);
      await tick();
      await tick();
    }
    now = 1000;
    expect(gate.fps()).toBeCloseTo(6, 0);
  });
});

describe("browser audio helpers", () => {
  it("encodes a valid 16-bit WAV header and clamps samples", async () => {
    const blob = encodeWav(Float32Array.from([0, 1, -1, 2]), 16_000);
    const bytes = new DataView(await blob.arrayBuffer());
    expect(blob.size).toBe(44 + 8);
    expect(bytes.getUint32(24, true)).toBe(16_000);
    expect(bytes.getInt16(46, true)).toBe(32767);
    expect(bytes.getInt16(48, true)).toBe(-32768);
    expect(bytes.getInt16(50, true)).toBe(32767);
  });

  it("resamples 48 kHz to 16 kHz keeping a tone's frequency", () => {
    const input = new Float32Array(48_000);
    for (let i = 0; i < input.length; i++) input[i] = Math.sin((2 * Math.PI * 200 * i) / 48_000);
    const out = resampleLinear(input, 48_000, 16_000);
    expect(out.length).toBe(16_000);
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (out[i - 1]! < 0 && out[i]! >= 0) crossings++;
    expect(crossings).toBeGreaterThanOrEqual(199);
    expect(crossings).toBeLessThanOrEqual(201);
  });

  it("computes a segment's mean and slope from a contour, skipping unvoiced frames", () => {
    // 0..2 s, 21 points; rising 10 units/s, unvoiced in the middle.
    const values = Array.from({ length: 21 }, (_, i) => (i === 10 ? null : 100 + i * 0.1 * 10));
    const stats = windowStats(values, 2, 0.5, 1.5)!;
    expect(stats.slope).toBeCloseTo(10, 5);
    expect(stats.min).toBeCloseTo(105);
    expect(stats.max).toBeCloseTo(114);
  });
});

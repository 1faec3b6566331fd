import { readFileSync } from "node:fs";
import { it, expect } from "vitest";
import { decodeAudio } from "/work/main/nodes/core/src/audio-input/decode";
it("fuzz", async () => {
  const dir = "/tmp/mp3cand/";
  const srcs = ["t44s60.mp3", "l_vbr.mp3", "t8m.mp3", "t22s.mp3", "l_id3.mp3", "lame16.mp3"].map((f) => new Uint8Array(readFileSync(dir + f)));
  let seed = 12345; const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const counts: Record<string, number> = {};
  for (let k = 0; k < 4000; k++) {
    const s = srcs[k % srcs.length]!;
    const a = k % 4 === 0 ? 0 : Math.floor(rnd() * s.length * 0.5), b = a + Math.floor(rnd() * (s.length - a));
    const x = s.slice(a, b);
    const mode = k % 3;
    if (mode >= 1) for (let j = 0; j < 1 + rnd() * 50; j++) x[Math.floor(rnd() * x.length)] = Math.floor(rnd() * 256);
    if (mode === 2) for (let j = Math.floor(rnd() * x.length); j < x.length && j < 5000; j++) x[j] = Math.floor(rnd() * 256);
    try { await decodeAudio(x, { maxSeconds: 600 }); counts.ok = (counts.ok ?? 0) + 1; }
    catch (e: any) { const key = `${e.code}: ${String(e.message).replace(/\d+/g, "N").slice(0, 90)}`; counts[key] = (counts[key] ?? 0) + 1; }
  }
  console.log(counts);
}, 120_000);

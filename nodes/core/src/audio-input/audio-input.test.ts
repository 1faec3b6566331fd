import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AudioValue } from "@attune/graph";
import { describe, expect, it } from "vitest";
import { makeTestContext } from "../testing";
import { runTool, skipWithoutTool } from "./external-tools";
import { audioInput, decodeAudio, waveformPeaks } from "./index";
import { resample } from "./resample";
import { sniffContainer } from "./sniff";
import { encodeWav16 } from "./wav";

const params = (p: Record<string, unknown> = {}) => audioInput.params.parse(p);

async function decode(bytes: Uint8Array, p: Record<string, unknown> = {}): Promise<AudioValue> {
  const out = await audioInput.run({}, params(p), makeTestContext({ runInputs: { audio: { bytes } } }));
  return out.audio as AudioValue;
}

async function failure(bytes: unknown, p: Record<string, unknown> = {}): Promise<{ code?: string; message: string }> {
  try {
    await audioInput.run({}, params(p), makeTestContext({ runInputs: { audio: bytes } }));
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected the node to fail");
}

function tone(freq: number, seconds: number, rate: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Frequency from positive-going zero crossings over the middle of the clip (codec edges trimmed). */
function zeroCrossingHz(audio: AudioValue): number {
  const s = audio.samples;
  const lo = Math.floor(s.length * 0.2);
  const hi = Math.floor(s.length * 0.8);
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = lo + 1; i < hi; i++) {
    if (s[i - 1]! < 0 && s[i]! >= 0) {
      const t = i - 1 + s[i - 1]! / (s[i - 1]! - s[i]!);
      if (first < 0) first = t;
      else count++;
      last = t;
    }
  }
  return (count * audio.sampleRate) / (last - first);
}

/** A WAV with any sample encoding, written by hand so the reader is tested against the spec. */
function wav(samples: Float32Array, rate: number, channels: number, bits: number, float: boolean, extensible = false): Uint8Array {
  const bytesPer = bits / 8;
  const frames = samples.length;
  const fmtSize = extensible ? 40 : 16;
  const data = frames * channels * bytesPer;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + 4 + 8 + data);
  const v = new DataView(out.buffer);
  const put = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  put(0, "RIFF");
  v.setUint32(4, out.length - 8, true);
  put(8, "WAVE");
  put(12, "fmt ");
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, extensible ? 0xfffe : float ? 3 : 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * channels * bytesPer, true);
  v.setUint16(32, channels * bytesPer, true);
  v.setUint16(34, bits, true);
  if (extensible) {
    v.setUint16(36, 22, true);
    v.setUint16(38, bits, true);
    v.setUint32(40, 0, true);
    v.setUint16(44, float ? 3 : 1, true);
  }
  // An unknown chunk between fmt and data, as many editors write ("LIST", "fact").
  let at = 20 + fmtSize;
  put(at, "junk");
  v.setUint32(at + 4, 4, true);
  at += 12;
  put(at, "data");
  v.setUint32(at + 4, data, true);
  at += 8;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++, at += bytesPer) {
      const x = samples[i]!;
      if (float) bits === 32 ? v.setFloat32(at, x, true) : v.setFloat64(at, x, true);
      else if (bits === 8) v.setUint8(at, Math.round(x * 127 + 128));
      else if (bits === 16) v.setInt16(at, Math.round(x * 32767), true);
      else if (bits === 24) {
        const n = Math.round(x * 8388607);
        v.setUint8(at, n & 0xff);
        v.setUint8(at + 1, (n >> 8) & 0xff);
        v.setInt8(at + 2, n >> 16);
      } else v.setInt32(at, Math.round(x * 2147483647), true);
    }
  }
  return out;
}

describe("core.audio-input: WAV", () => {
  it.each([
    { bits: 8, float: false, channels: 1, rate: 8000 },
    { bits: 16, float: false, channels: 2, rate: 44100 },
    { bits: 24, float: false, channels: 1, rate: 48000 },
    { bits: 32, float: false, channels: 6, rate: 16000 },
    { bits: 32, float: true, channels: 2, rate: 22050 },
    { bits: 64, float: true, channels: 1, rate: 32000 },
    { bits: 24, float: false, channels: 2, rate: 96000, extensible: true },
  ])("decodes $bits-bit ${float ? 'float' : 'PCM'} x$channels at $rate Hz to 16 kHz mono with the right pitch and length", async (c) => {
    const bytes = wav(tone(440, 1, c.rate), c.rate, c.channels, c.bits, c.float, c.extensible);
    const audio = await decode(bytes);
    expect(audio.sampleRate).toBe(16000);
    expect(audio.samples.length).toBe(16000);
    expect(zeroCrossingHz(audio)).toBeCloseTo(440, 0);
    // Downmixing averages identical channels, so the level is kept (peak 0.5).
    const peak = Math.max(...audio.samples.subarray(2000, 14000).map(Math.abs));
    expect(peak).toBeGreaterThan(0.48);
    expect(peak).toBeLessThan(0.52);
  });

  it("averages channels when downmixing (opposite-phase stereo cancels)", async () => {
    const rate = 16000;
    const left = tone(300, 0.5, rate);
    const inter = new Float32Array(left.length * 2);
    left.forEach((x, i) => {
      inter[2 * i] = x;
      inter[2 * i + 1] = -x;
    });
    const audio = await decode(encodeWav16(inter, rate, 2));
    expect(Math.max(...audio.samples.map(Math.abs))).toBeLessThan(1e-3);
  });

  it("removes content above 8 kHz when resampling from 48 kHz instead of aliasing it", () => {
    // 12 kHz at 48 kHz would alias to 4 kHz at 16 kHz without the low-pass.
    const out = resample(tone(12000, 0.5, 48000), 48000, 16000);
    const rms = Math.sqrt(out.subarray(500, 7500).reduce((s, x) => s + x * x, 0) / 7000);
    expect(rms).toBeLessThan(0.005);
    const kept = resample(tone(3000, 0.5, 48000), 48000, 16000);
    const keptRms = Math.sqrt(kept.subarray(500, 7500).reduce((s, x) => s + x * x, 0) / 7000);
    expect(keptRms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it("accepts a bare Uint8Array as well as MediaBytes, and previews at most 400 peaks", async () => {
    const bytes = encodeWav16(tone(200, 3, 16000), 16000);
    const out = await audioInput.run({}, params(), makeTestContext({ runInputs: { audio: bytes } }));
    const preview = audioInput.preview!(out, params());
    expect(preview.kind).toBe("audio");
    if (preview.kind === "audio") {
      expect(preview.durationSec).toBeCloseTo(3, 3);
      expect(preview.peaks).toHaveLength(400);
      expect(Math.max(...preview.peaks)).toBeCloseTo(0.5, 1);
    }
    expect(waveformPeaks(new Float32Array(10))).toHaveLength(10);
  });
});

describe("core.audio-input: compressed containers", () => {
  const source = tone(440, 2, 44100);
  const sourceWav = encodeWav16(source, 44100);
  const skipSox = skipWithoutTool("sox", "sox libsox-fmt-all");
  const skipOpus = skipWithoutTool("opusenc", "opus-tools");
  const skipLame = skipWithoutTool("lame", "lame");

  it.skipIf(skipSox).each([
    { name: "MP3", type: "mp3", container: "mp3" },
    { name: "OGG/Vorbis", type: "vorbis", container: "ogg" },
    { name: "FLAC", type: "flac", container: "flac" },
  ])("decodes $name made by sox", async ({ type, container }) => {
    const bytes = runTool("sox", ["-t", "wav", "-", "-t", type, "-"], sourceWav);
    expect(sniffContainer(bytes)).toBe(container);
    const audio = await decode(bytes);
    expect(audio.sampleRate).toBe(16000);
    // MP3 encoders add up to ~50 ms of padding; the others are sample-exact.
    expect(Math.abs(audio.samples.length / 16000 - 2)).toBeLessThan(0.06);
    expect(Math.abs(zeroCrossingHz(audio) - 440) / 440).toBeLessThan(0.005);
  });

  it.skipIf(skipOpus)("decodes OGG/Opus made by opusenc", async () => {
    const bytes = runTool("opusenc", ["--quiet", "-", "-"], sourceWav);
    const audio = await decode(bytes);
    expect(Math.abs(audio.samples.length / 16000 - 2)).toBeLessThan(0.03);
    expect(Math.abs(zeroCrossingHz(audio) - 440) / 440).toBeLessThan(0.005);
  });

  it.skipIf(skipOpus)("decodes a browser-style WebM/Opus recording (unknown-size segment and clusters)", async () => {
    const ogg = runTool("opusenc", ["--quiet", "-", "-"], encodeWav16(tone(440, 2, 48000), 48000));
    const bytes = oggOpusToWebm(ogg);
    expect(sniffContainer(bytes)).toBe("webm");
    const audio = await decode(bytes, { name: "audio" });
    expect(Math.abs(audio.samples.length / 16000 - 2)).toBeLessThan(0.03);
    expect(Math.abs(zeroCrossingHz(audio) - 440) / 440).toBeLessThan(0.005);
  });

  it.skipIf(skipSox)("refuses a FLAC whose header states more than maxSeconds, before decoding", async () => {
    // Written to a file, not a pipe: sox seeks back to record the total sample count in STREAMINFO.
    const dir = mkdtempSync(join(tmpdir(), "attune-flac-"));
    const file = join(dir, "long.flac");
    runTool("sox", ["-n", "-r", "8000", file, "synth", "12", "sine", "300"]);
    const bytes = new Uint8Array(readFileSync(file));
    rmSync(dir, { recursive: true, force: true });
    const err = await failure({ bytes }, { maxSeconds: 10 });
    expect(err.code).toBe("MEDIA_TOO_LARGE");
    expect(err.message).toMatch(/12\.0 s long \(from the file header\); this input allows at most 10 s/);
  });

  it.skipIf(skipSox)("refuses an MP3 longer than maxSeconds, before decoding, from its frame headers", async () => {
    // sox writes no Xing header: the length comes from counting the (CBR) frames.
    const bytes = runTool("sox", ["-n", "-r", "8000", "-t", "mp3", "-", "synth", "12", "sine", "300"]);
    const err = await failure({ bytes }, { maxSeconds: 10 });
    expect(err.code).toBe("MEDIA_TOO_LARGE");
    expect(err.message).toMatch(/12\.\d s long \(from the file header\); this input allows at most 10 s/);
  });

  it.skipIf(skipSox).each([8000, 11025, 16000, 22050, 24000, 32000, 48000])("decodes a %i Hz MP3 (MPEG-1, 2 and 2.5 layer III)", async (rate) => {
    const bytes = runTool("sox", ["-n", "-r", String(rate), "-c", "2", "-t", "mp3", "-", "synth", "2", "sine", "300"]);
    const decoded = await decodeAudio(bytes, { maxSeconds: 60 });
    expect(decoded).toMatchObject({ container: "mp3", codec: "MP3", sampleRate: rate, channels: 2 });
    // Without a LAME tag the encoder delay and padding stay in: under three frames of samples.
    expect(Math.abs(decoded.mono.length / rate - 2)).toBeLessThan((3 * (rate >= 32000 ? 1152 : 576)) / rate);
    const audio = await decode(bytes);
    expect(Math.abs(zeroCrossingHz(audio) - 300) / 300).toBeLessThan(0.005);
  });

  it.skipIf(skipSox)("decodes an MP3 cut out of a longer one (starting and ending mid-stream) and one with trailing junk", async () => {
    const full = runTool("sox", ["-t", "wav", "-", "-t", "mp3", "-"], encodeWav16(tone(440, 6, 44100), 44100));
    // Start on a frame header a third of the way in (its bit reservoir lies in the part cut off) and
    // end inside a frame: minimp3 alone loops forever on this.
    let at = Math.floor(full.length / 3);
    while (!(full[at] === 0xff && (full[at + 1]! & 0xfe) === 0xfa)) at++;
    const cut = full.slice(at, Math.floor((full.length * 2) / 3) + 7);
    expect(sniffContainer(cut)).toBe("mp3");
    const audio = await decode(cut);
    expect(Math.abs(audio.samples.length / 16000 - 2)).toBeLessThan(0.1);
    expect(Math.abs(zeroCrossingHz(audio) - 440) / 440).toBeLessThan(0.005);
    const junk = new Uint8Array(full.length + 3000);
    junk.set(full);
    for (let i = full.length; i < junk.length; i++) junk[i] = (i * 7919) & 0xff;
    const whole = await decode(junk);
    expect(Math.abs(whole.samples.length / 16000 - 6)).toBeLessThan(0.06);
  });

  it.skipIf(skipSox)("reports a corrupt, cut or layer II MPEG file as INVALID_MEDIA", async () => {
    const mp3 = runTool("sox", ["-t", "wav", "-", "-t", "mp3", "-"], sourceWav);
    const truncated = mp3.slice(0, 100);
    expect(await failure({ bytes: truncated })).toMatchObject({ code: "INVALID_MEDIA", message: expect.stringMatching(/no complete audio frames/) });
    const mp2 = runTool("sox", ["-t", "wav", "-", "-t", "mp2", "-"], sourceWav);
    expect(await failure({ bytes: mp2 })).toMatchObject({ code: "INVALID_MEDIA", message: expect.stringMatching(/layer I\/II .* not supported/) });
  });

  it.skipIf(skipLame)("decodes a LAME MP3 with ID3v2 and ID3v1 tags gapless, sample for sample", async () => {
    // A chirp, so a misalignment of even one sample shows; written to a file so lame can go back
    // and fill in the Xing/LAME frame holding the encoder delay and padding.
    const rate = 44100;
    const chirp = new Float32Array(2 * rate);
    for (let i = 0; i < chirp.length; i++) chirp[i] = 0.5 * Math.sin(2 * Math.PI * (200 * (i / rate) + 400 * (i / rate) ** 2));
    const dir = mkdtempSync(join(tmpdir(), "attune-mp3-"));
    const wavFile = join(dir, "in.wav");
    const mp3File = join(dir, "out.mp3");
    writeFileSync(wavFile, encodeWav16(chirp, rate));
    runTool("lame", ["--quiet", "-V", "2", "--add-id3v2", "--tt", "Attune test", "--ta", "Attune", wavFile, mp3File]);
    const bytes = new Uint8Array(readFileSync(mp3File));
    rmSync(dir, { recursive: true, force: true });
    expect(new TextDecoder().decode(bytes.subarray(0, 3))).toBe("ID3");
    expect(new TextDecoder().decode(bytes.subarray(bytes.length - 128, bytes.length - 125))).toBe("TAG");
    const decoded = await decodeAudio(bytes, { maxSeconds: 60 });
    expect(decoded.sampleRate).toBe(rate);
    expect(decoded.mono.length).toBe(chirp.length);
    let bestLag = 0;
    let best = -Infinity;
    for (let lag = -40; lag <= 40; lag++) {
      let sum = 0;
      for (let i = 5000; i < chirp.length - 5000; i++) sum += decoded.mono[i + lag]! * chirp[i]!;
      if (sum > best) [best, bestLag] = [sum, lag];
    }
    expect(bestLag).toBe(0);
  });

  it.skipIf(skipSox)("reports a corrupt FLAC and Ogg body as INVALID_MEDIA", async () => {
    const flac = runTool("sox", ["-t", "wav", "-", "-t", "flac", "-"], sourceWav);
    const truncated = flac.slice(0, 30);
    expect((await failure({ bytes: truncated })).code).toBe("INVALID_MEDIA");
    const ogg = runTool("sox", ["-t", "wav", "-", "-t", "vorbis", "-"], sourceWav);
    const garbled = ogg.slice();
    for (let i = 200; i < garbled.length; i++) garbled[i] = (i * 7919) & 0xff;
    expect((await failure({ bytes: garbled })).code).toBe("INVALID_MEDIA");
  });
});

describe("core.audio-input: bad input", () => {
  it.each([
    { what: "empty bytes", bytes: new Uint8Array(0), message: /is empty \(0 bytes\)/ },
    { what: "random bytes", bytes: Uint8Array.from({ length: 2000 }, (_, i) => (i * 37 + 11) & 0xff), message: /unsupported audio: .*unrecognised format/ },
    { what: "a PNG", bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]), message: /a PNG image/ },
    { what: "an M4A", bytes: Uint8Array.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20]), message: /AAC is not supported/ },
    { what: "a WAV cut inside its header", bytes: encodeWav16(tone(440, 0.1, 8000), 8000).slice(0, 30), message: /WAV/ },
    { what: "a WAV with no samples", bytes: encodeWav16(new Float32Array(0), 8000), message: /holds no samples/ },
    { what: "an A-law WAV", bytes: (() => { const b = encodeWav16(tone(440, 0.1, 8000), 8000); b[20] = 6; return b; })(), message: /sample format 6 is not supported/ },
    { what: "a WebM header with no tracks", bytes: Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d]), message: /no audio track/ },
  ])("refuses $what with INVALID_MEDIA", async ({ bytes, message }) => {
    const err = await failure({ bytes, mimeType: "audio/wav" });
    expect(err.code).toBe("INVALID_MEDIA");
    expect(err.message).toMatch(message);
  });

  it("refuses a missing or non-bytes run input", async () => {
    expect((await failure(undefined)).message).toBe("run input 'audio' is missing");
    expect((await failure("base64?")).message).toMatch(/must be an audio file \(bytes\), got string/);
  });

  it("refuses files over maxBytes before decoding and WAVs over maxSeconds from the header", async () => {
    const bytes = encodeWav16(tone(440, 3, 16000), 16000);
    const big = await failure({ bytes }, { maxBytes: 1000 });
    expect(big.code).toBe("MEDIA_TOO_LARGE");
    expect(big.message).toBe(`run input 'audio' is ${bytes.length} bytes; this input allows at most 1000`);
    const long = await failure({ bytes }, { maxSeconds: 2.5 });
    expect(long.code).toBe("MEDIA_TOO_LARGE");
    expect(long.message).toMatch(/3\.0 s long \(from the file header\)/);
    await expect(decode(bytes, { maxSeconds: 3 })).resolves.toBeDefined();
  });

  it("has the documented defaults", () => {
    expect(params()).toEqual({ name: "audio", maxBytes: 25 * 1024 * 1024, maxSeconds: 600 });
  });
});

/** Ogg pages -> packets (RFC 3533): lacing values of 255 continue a packet. */
function oggPackets(ogg: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let pending: number[] = [];
  let pos = 0;
  while (pos + 27 <= ogg.length) {
    const nseg = ogg[pos + 26]!;
    let body = pos + 27 + nseg;
    for (let s = 0; s < nseg; s++) {
      const len = ogg[pos + 27 + s]!;
      for (let i = 0; i < len; i++) pending.push(ogg[body + i]!);
      body += len;
      if (len < 255) {
        packets.push(Uint8Array.from(pending));
        pending = [];
      }
    }
    pos = body;
  }
  return packets;
}

/** Wraps Ogg Opus packets in WebM the way MediaRecorder writes it (unknown sizes, no Duration). */
function oggOpusToWebm(ogg: Uint8Array): Uint8Array {
  const [head, , ...frames] = oggPackets(ogg);
  const idBytes = (id: number) => {
    const out: number[] = [];
    for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
    return out;
  };
  const size = (n: number) => [0x01, 0, 0, Math.floor(n / 2 ** 32) & 0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const UNKNOWN = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
  const el = (id: number, payload: number[] | Uint8Array) => [...idBytes(id), ...size(payload.length), ...payload];
  const uint = (id: number, v: number) => el(id, [v]);
  const f64 = (id: number, v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    return el(id, b);
  };
  const str = (id: number, s: string) => el(id, [...new TextEncoder().encode(s)]);
  const out: number[] = [...el(0x1a45dfa3, [...str(0x4282, "webm")])];
  out.push(...idBytes(0x18538067), ...UNKNOWN);
  out.push(...el(0x1549a966, [...el(0x2ad7b1, [0x0f, 0x42, 0x40])]));
  const audio = el(0xe1, [...f64(0xb5, 48000), ...uint(0x9f, head![9]!)]);
  out.push(...el(0x1654ae6b, [...el(0xae, [...uint(0xd7, 1), ...uint(0x83, 2), ...str(0x86, "A_OPUS"), ...el(0x63a2, head!), ...audio])]));
  for (let c = 0; c < frames.length; c += 25) {
    out.push(...idBytes(0x1f43b675), ...UNKNOWN, ...uint(0xe7, 0));
    frames.slice(c, c + 25).forEach((frame, k) => out.push(...el(0xa3, [0x81, 0, k * 20, 0x80, ...frame])));
  }
  return Uint8Array.from(out);
}

/**
 * MP3 (MPEG-1/2/2.5 layer III) decoding with minimp3 (CC0) compiled to WebAssembly, as shipped in
 * the `minimp3-wasm` package (Apache-2.0). Only the package's .wasm file is used; the binding below
 * replaces its JS wrapper, which fetches the .wasm over HTTP and so cannot run offline in Node.
 *
 * The frames are walked here in JS before minimp3 sees them, for four reasons:
 * - the exact duration is known before decoding (frames x samples per frame), so a long file is
 *   refused without spending CPU on it, CBR files without a Xing header included;
 * - the input handed to minimp3 ends exactly where the last complete frame ends. Its decode loop
 *   never terminates on a stream cut mid-frame whose first frames lack their bit reservoir (any
 *   recording cut out of a longer one), and it drops the last frame before a trailing ID3v1 tag;
 * - the Xing/Info frame is removed and the LAME tag's encoder delay and padding are trimmed, so a
 *   LAME-encoded file decodes to the encoder's input sample for sample (gapless, as mpg123 does);
 * - layer I/II and free-format streams, which this minimp3 build does not decode, get a clear error.
 */
import { createRequire } from "node:module";
import { invalidMedia } from "./media-error";

export interface Mp3Pcm {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

interface FrameHeader {
  /** Bytes from this header to the next one. */
  size: number;
  sampleRate: number;
  samplesPerFrame: number;
  mpeg1: boolean;
  mono: boolean;
  /** Version, layer and sample rate bits: minimp3 (and the spec) require them constant in a stream. */
  key: number;
}

export interface Mp3Layout {
  /** Where the first audio frame starts (after any ID3v2 tag and Xing/Info frame). */
  audioStart: number;
  /** Where the last complete frame ends; trailing bytes (ID3v1, junk, a cut frame) are dropped. */
  audioEnd: number;
  frames: number;
  sampleRate: number;
  samplesPerFrame: number;
  /** From the LAME tag, when the file has one: samples to drop at the start and at the end. */
  gapless?: { delay: number; padding: number };
}

const BITRATE_KBPS = {
  mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = [44100, 48000, 32000];
/** minimp3's (and mpg123's) synthesis delay, which LAME's delay/padding figures assume. */
const DECODER_DELAY = 529;

type HeaderResult = FrameHeader | "layer1or2" | "free-format" | undefined;

function readHeader(bytes: Uint8Array, at: number): HeaderResult {
  if (at + 4 > bytes.length || bytes[at] !== 0xff) return undefined;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  const b3 = bytes[at + 3]!;
  if ((b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 = reserved
  const layer = (b1 >> 1) & 3; // 1 = layer III, 2 = II, 3 = I, 0 = reserved
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  if (layer !== 1) return "layer1or2";
  if (bitrateIndex === 0) return "free-format";
  const mpeg1 = version === 3;
  const sampleRate = SAMPLE_RATES[rateIndex]! >> (mpeg1 ? 0 : version === 2 ? 1 : 2);
  const samplesPerFrame = mpeg1 ? 1152 : 576;
  const kbps = (mpeg1 ? BITRATE_KBPS.mpeg1 : BITRATE_KBPS.mpeg2)[bitrateIndex]!;
  const size = Math.floor((samplesPerFrame / 8) * kbps * 1000 / sampleRate) + ((b2 >> 1) & 1);
  return { size, sampleRate, samplesPerFrame, mpeg1, mono: b3 >> 6 === 3, key: ((b1 & 0xfe) << 8) | (b2 & 0x0c) };
}

/** Xing/Info frame: its frame count, and the LAME tag's encoder delay and padding when present. */
function readXing(bytes: Uint8Array, at: number, header: FrameHeader): { frames?: number; gapless?: { delay: number; padding: number } } | undefined {
  const sideInfo = header.mpeg1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17;
  const x = at + 4 + sideInfo;
  if (x + 8 > at + header.size) return undefined;
  const tag = String.fromCharCode(bytes[x]!, bytes[x + 1]!, bytes[x + 2]!, bytes[x + 3]!);
  if (tag !== "Xing" && tag !== "Info") return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint32(x + 4);
  let o = x + 8;
  const frames = flags & 1 ? view.getUint32(o) : undefined;
  o += (flags & 1 ? 4 : 0) + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0);
  // LAME tag: 9-byte encoder string ("LAME3.100", "Lavc60.31" from ffmpeg, ...), then 12 more
  // bytes, then 12 bits of encoder delay and 12 bits of padding.
  if (o + 24 > at + header.size || !/^(LAME|Lavc|Lavf|L3\.9|GOGO)/.test(String.fromCharCode(...bytes.subarray(o, o + 4)))) return { frames };
  const delay = (bytes[o + 21]! << 4) | (bytes[o + 22]! >> 4);
  const padding = ((bytes[o + 22]! & 0x0f) << 8) | bytes[o + 23]!;
  return { frames, gapless: { delay, padding } };
}

/**
 * Walks the frame headers from `start` (where the sniffer found the first frame). Bytes between
 * frames that do not chain are skipped by scanning for the next header of the same stream.
 */
export function mp3Layout(bytes: Uint8Array, start: number): Mp3Layout {
  const first = readHeader(bytes, start);
  if (first === "layer1or2") throw invalidMedia("MPEG layer I/II audio (MP1/MP2) is not supported; only MP3 (MPEG layer III) is");
  if (first === "free-format") throw invalidMedia("free-format MP3 (no bitrate in the frame header) is not supported");
  if (!first) throw invalidMedia("MP3 file has no valid frame header where its audio should begin");
  let audioStart = start;
  let gapless: Mp3Layout["gapless"];
  const xing = readXing(bytes, start, first);
  if (xing) {
    audioStart = start + first.size;
    gapless = xing.gapless;
  }
  let pos = audioStart;
  let audioEnd = audioStart;
  let frames = 0;
  while (pos + 4 <= bytes.length) {
    const h = readHeader(bytes, pos);
    // A frame cut off by the end of the file is dropped; so is a header inside junk unless the
    // next header chains to it (or it ends exactly at the end of the file).
    if (h && typeof h === "object" && h.key === first.key && pos + h.size <= bytes.length) {
      const next = pos + h.size;
      const chained = frames === 0 || pos === audioEnd || next === bytes.length || next + 4 > bytes.length;
      const nextHeader = chained ? undefined : readHeader(bytes, next);
      if (chained || (nextHeader && typeof nextHeader === "object" && nextHeader.key === first.key)) {
        frames++;
        audioEnd = next;
        pos = next;
        continue;
      }
    }
    pos++;
  }
  if (frames === 0) throw invalidMedia("MP3 file holds no complete audio frames; it is corrupt, empty or cut short");
  return { audioStart, audioEnd, frames, sampleRate: first.sampleRate, samplesPerFrame: first.samplesPerFrame, gapless };
}

interface Minimp3Exports {
  memory: WebAssembly.Memory;
  decoder_init(): void;
  decoder_set_mp3_data_size(size: number): void;
  decoder_mp3_data_offset(): number;
  decoder_decode(seconds: number): void;
  decoder_pcm_data_offset(): number;
  decoder_pcm_data_size(): number;
  decode_results_sampling_rate(): number;
  decode_results_num_channels(): number;
  decode_results_num_samples(): number;
}

let compiled: Promise<WebAssembly.Module> | undefined;

function minimp3Module(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const { readFile } = await import("node:fs/promises");
    const path = createRequire(import.meta.url).resolve("minimp3-wasm/dist/decoder.opt.wasm");
    return WebAssembly.compile(await readFile(path));
  })();
  compiled.catch(() => (compiled = undefined));
  return compiled;
}

/** Decodes an MP3 file (ID3v2 tag skipped by the caller: `start` is where the first frame is). */
export async function decodeMp3(bytes: Uint8Array, layout: Mp3Layout): Promise<Mp3Pcm> {
  const data = bytes.subarray(layout.audioStart, layout.audioEnd);
  // A fresh instance per file: the decoder keeps its state in globals and its memory only grows.
  const wasm = (await WebAssembly.instantiate(await minimp3Module(), {})).exports as unknown as Minimp3Exports;
  let interleaved: Int16Array;
  let channels: number;
  let sampleRate: number;
  try {
    wasm.decoder_init();
    wasm.decoder_set_mp3_data_size(data.length);
    const dataAt = wasm.decoder_mp3_data_offset();
    if (dataAt + data.length > wasm.memory.buffer.byteLength) throw new Error("could not allocate memory for the file");
    new Uint8Array(wasm.memory.buffer, dataAt, data.length).set(data);
    wasm.decoder_decode(-1); // a negative duration decodes to the end
    const count = wasm.decode_results_num_samples();
    channels = wasm.decode_results_num_channels();
    sampleRate = wasm.decode_results_sampling_rate();
    const pcmAt = wasm.decoder_pcm_data_offset();
    if (pcmAt + count * 2 > wasm.memory.buffer.byteLength) throw new Error("could not allocate memory for the decoded audio");
    interleaved = new Int16Array(wasm.memory.buffer, pcmAt, count);
  } catch (error) {
    throw invalidMedia(`the MP3 stream could not be decoded (${error instanceof Error ? error.message : String(error)})`);
  }
  if (channels < 1 || interleaved.length === 0) return { channelData: [], samplesDecoded: 0, sampleRate, errors: [] };
  let begin = 0;
  let total = interleaved.length / channels;
  if (layout.gapless) {
    begin = Math.min(total, layout.gapless.delay + DECODER_DELAY);
    total = Math.max(begin, total - Math.max(0, layout.gapless.padding - DECODER_DELAY));
  }
  const samples = total - begin;
  const channelData = Array.from({ length: channels }, () => new Float32Array(samples));
  for (let c = 0; c < channels; c++) {
    const out = channelData[c]!;
    for (let i = 0, j = begin * channels + c; i < samples; i++, j += channels) out[i] = interleaved[j]! / 32768;
  }
  return { channelData, samplesDecoded: samples, sampleRate, errors: [] };
}

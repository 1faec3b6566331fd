/**
 * A WAV (RIFF/WAVE) reader written here rather than pulled in: it is small, and owning it lets the
 * duration limit be checked from the header before a single sample is converted.
 * Supports PCM integer 8 (unsigned), 16, 24 and 32 bit, IEEE float 32 and 64 bit, plain and
 * WAVE_FORMAT_EXTENSIBLE headers, any channel count. Channels are averaged into mono as they are
 * read, so a long multichannel file never exists as float32 per channel.
 */
import { invalidMedia } from "./media-error";

export interface WavHeader {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  float: boolean;
  /** Byte offset and length of the sample data (clamped to what the file really holds). */
  dataOffset: number;
  dataBytes: number;
  /** Sample frames (one sample per channel). */
  frames: number;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

export function parseWavHeader(bytes: Uint8Array): WavHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (bytes.length < 12) throw invalidMedia(`WAV file is truncated (${bytes.length} bytes, no RIFF header)`);
  let fmt: Omit<WavHeader, "dataOffset" | "dataBytes" | "frames"> | undefined;
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = tag(pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > bytes.length) throw invalidMedia("WAV 'fmt ' chunk is truncated");
      let format = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (format === FORMAT_EXTENSIBLE) {
        // The real format is the first two bytes of the SubFormat GUID, at offset 24 of the chunk.
        if (size < 40 || body + 26 > bytes.length) throw invalidMedia("WAV extensible 'fmt ' chunk is truncated");
        format = view.getUint16(body + 24, true);
      }
      if (format !== FORMAT_PCM && format !== FORMAT_FLOAT) {
        throw invalidMedia(`WAV sample format ${format} is not supported (only PCM integer and IEEE float; e.g. not A-law, mu-law or ADPCM)`);
      }
      const float = format === FORMAT_FLOAT;
      const okBits = float ? [32, 64] : [8, 16, 24, 32];
      if (!okBits.includes(bitsPerSample)) throw invalidMedia(`WAV ${float ? "float" : "PCM"} with ${bitsPerSample} bits per sample is not supported`);
      if (channels < 1) throw invalidMedia("WAV header declares 0 channels");
      if (sampleRate < 1000 || sampleRate > 384_000) throw invalidMedia(`WAV sample rate ${sampleRate} Hz is out of range (1,000-384,000)`);
      fmt = { sampleRate, channels, bitsPerSample, float };
    } else if (id === "data") {
      if (!fmt) throw invalidMedia("WAV 'data' chunk comes before its 'fmt ' chunk");
      const frameBytes = (fmt.bitsPerSample / 8) * fmt.channels;
      // Recorders that were interrupted leave a size of 0 or 0xFFFFFFFF: trust the file's length.
      const available = bytes.length - body;
      const declared = size === 0 || size === 0xffffffff ? available : size;
      const dataBytes = Math.floor(Math.min(declared, available) / frameBytes) * frameBytes;
      return { ...fmt, dataOffset: body, dataBytes, frames: dataBytes / frameBytes };
    }
    pos = body + size + (size & 1);
  }
  throw invalidMedia(fmt ? "WAV file has no 'data' chunk" : "WAV file has no 'fmt ' chunk");
}

/** Decodes the data chunk straight to mono float32 in [-1, 1]. */
export function decodeWavMono(bytes: Uint8Array, header: WavHeader): Float32Array {
  const { channels, bitsPerSample, float, dataOffset, frames } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, header.dataBytes);
  const out = new Float32Array(frames);
  const step = bitsPerSample / 8;
  const read: (at: number) => number = float
    ? bitsPerSample === 32
      ? (at) => view.getFloat32(at, true)
      : (at) => view.getFloat64(at, true)
    : bitsPerSample === 8
      ? (at) => (view.getUint8(at) - 128) / 128
      : bitsPerSample === 16
        ? (at) => view.getInt16(at, true) / 32768
        : bitsPerSample === 24
          ? (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608)
          : (at) => view.getInt32(at, true) / 2147483648;
  const scale = 1 / channels;
  let at = 0;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += step) sum += read(at);
    const v = sum * scale;
    // Float files may hold NaN or values far beyond full scale; clamp so downstream maths stays sane.
    out[i] = v > 1 ? 1 : v < -1 ? -1 : v === v ? v : 0;
  }
  return out;
}

/**
 * Encodes mono float samples as a 16-bit PCM WAV file. Used for node examples and tests (and by
 * anyone who needs to hand audio back to a client), so it lives beside the reader it mirrors.
 */
export function encodeWav16(samples: Float32Array, sampleRate: number, channels = 1): Uint8Array {
  const frames = Math.floor(samples.length / channels);
  const dataBytes = frames * channels * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  put(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  put(8, "WAVE");
  put(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  put(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < frames * channels; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, Math.round(v * 32767), true);
  }
  return out;
}

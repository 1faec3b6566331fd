/**
 * Bytes -> mono float32 at the file's own rate. The container is sniffed from magic bytes; each
 * codec goes to a maintained WebAssembly decoder from the wasm-audio-decoders family (MIT wrappers
 * around libFLAC and libvorbis/libopus, BSD); MP3 goes to minimp3 (CC0) compiled to WebAssembly (see
 * mp3.ts). All are loaded lazily so a WAV-only pipeline never compiles them. Where the header states
 * the duration, the limit is checked before decoding, so a 3-hour file is refused without spending
 * CPU on it.
 */
import { MediaError, invalidMedia } from "./media-error";
import { decodeMp3, mp3Layout } from "./mp3";
import { type AudioContainer, describeUnknown, id3v2Size, sniffContainer } from "./sniff";
import { decodeWavMono, parseWavHeader } from "./wav";
import { demuxWebm, parseOpusHead } from "./webm";

export interface DecodedAudio {
  container: AudioContainer;
  codec: string;
  sampleRate: number;
  /** Channels in the file before downmixing. */
  channels: number;
  mono: Float32Array;
}

export interface DecodeLimits {
  maxSeconds: number;
}

interface WasmResult {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

function tooLong(seconds: number, limits: DecodeLimits, how: string): MediaError {
  return new MediaError("MEDIA_TOO_LARGE", `audio is ${seconds.toFixed(1)} s long (${how}); this input allows at most ${limits.maxSeconds} s`);
}

function checkDeclared(seconds: number | undefined, limits: DecodeLimits): void {
  if (seconds !== undefined && Number.isFinite(seconds) && seconds > limits.maxSeconds) throw tooLong(seconds, limits, "from the file header");
}

function downmix(channelData: Float32Array[], samples: number): Float32Array {
  if (channelData.length === 1) return channelData[0]!.slice(0, samples);
  const out = new Float32Array(samples);
  const scale = 1 / channelData.length;
  for (const ch of channelData) for (let i = 0; i < samples; i++) out[i]! += ch[i]! * scale;
  return out;
}

function fromWasm(result: WasmResult, container: AudioContainer, codec: string): DecodedAudio {
  if (result.samplesDecoded === 0 || result.channelData.length === 0) {
    const why = result.errors[0]?.message;
    throw invalidMedia(`the ${codec} stream could not be decoded (no audio frames${why ? `: ${why}` : ""}); the file is corrupt or empty`);
  }
  return { container, codec, sampleRate: result.sampleRate, channels: result.channelData.length, mono: downmix(result.channelData, result.samplesDecoded) };
}

/** FLAC STREAMINFO: total samples / sample rate, when the encoder recorded the total. */
function flacDeclaredSeconds(bytes: Uint8Array): number | undefined {
  const at = id3v2Size(bytes) + 8;
  if (bytes.length < at + 18) return undefined;
  const rate = (bytes[at + 10]! << 12) | (bytes[at + 11]! << 4) | (bytes[at + 12]! >> 4);
  const total = (bytes[at + 13]! & 0x0f) * 2 ** 32 + ((bytes[at + 14]! << 24) >>> 0) + (bytes[at + 15]! << 16) + (bytes[at + 16]! << 8) + bytes[at + 17]!;
  return rate > 0 && total > 0 ? total / rate : undefined;
}

/** Ogg: granule position of the last page over the codec's granule rate (48 kHz for Opus). */
function oggInfo(bytes: Uint8Array): { codec: "vorbis" | "opus" | "unknown"; declaredSeconds?: number } {
  const segments = bytes[26] ?? 0;
  const packet = 27 + segments;
  const tag = new TextDecoder().decode(bytes.subarray(packet, packet + 8));
  const codec = tag === "OpusHead" ? "opus" : tag.startsWith("\x01vorbis") ? "vorbis" : "unknown";
  let granuleRate = 48_000;
  if (codec === "vorbis" && bytes.length >= packet + 16) {
    granuleRate = new DataView(bytes.buffer, bytes.byteOffset + packet + 12, 4).getUint32(0, true);
  }
  for (let i = bytes.length - 27; i >= Math.max(0, bytes.length - 65_536); i--) {
    if (bytes[i] === 0x4f && bytes[i + 1] === 0x67 && bytes[i + 2] === 0x67 && bytes[i + 3] === 0x53) {
      const granule = Number(new DataView(bytes.buffer, bytes.byteOffset + i + 6, 8).getBigInt64(0, true));
      return { codec, declaredSeconds: granule > 0 && granuleRate > 0 ? granule / granuleRate : undefined };
    }
  }
  return { codec };
}

export async function decodeAudio(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedAudio> {
  const container = sniffContainer(bytes);
  if (!container) throw invalidMedia(`unsupported audio: the bytes look like ${describeUnknown(bytes)}`);
  switch (container) {
    case "wav": {
      const header = parseWavHeader(bytes);
      checkDeclared(header.frames / header.sampleRate, limits);
      if (header.frames === 0) throw invalidMedia("WAV file holds no samples");
      return { container, codec: header.float ? "pcm-float" : "pcm", sampleRate: header.sampleRate, channels: header.channels, mono: decodeWavMono(bytes, header) };
    }
    case "flac": {
      checkDeclared(flacDeclaredSeconds(bytes), limits);
      const { FLACDecoder } = await import("@wasm-audio-decoders/flac");
      const decoder = new FLACDecoder();
      try {
        await decoder.ready;
        return fromWasm(await decoder.decodeFile(bytes), container, "FLAC");
      } finally {
        decoder.free();
      }
    }
    case "ogg": {
      const info = oggInfo(bytes);
      checkDeclared(info.declaredSeconds, limits);
      if (info.codec === "opus") {
        const { OggOpusDecoder } = await import("ogg-opus-decoder");
        const decoder = new OggOpusDecoder();
        try {
          await decoder.ready;
          return fromWasm(await decoder.decodeFile(bytes), container, "Opus");
        } finally {
          decoder.free();
        }
      }
      if (info.codec === "vorbis") {
        const { OggVorbisDecoder } = await import("@wasm-audio-decoders/ogg-vorbis");
        const decoder = new OggVorbisDecoder();
        try {
          await decoder.ready;
          return fromWasm(await decoder.decodeFile(bytes), container, "Vorbis");
        } finally {
          decoder.free();
        }
      }
      throw invalidMedia("Ogg file carries neither Vorbis nor Opus audio (or its first page is corrupt)");
    }
    case "mp3": {
      // The frame headers give the exact length (CBR files without a Xing header included).
      const layout = mp3Layout(bytes, id3v2Size(bytes));
      checkDeclared((layout.frames * layout.samplesPerFrame) / layout.sampleRate, limits);
      return fromWasm(await decodeMp3(bytes, layout), container, "MP3");
    }
    case "webm": {
      const demuxed = demuxWebm(bytes);
      checkDeclared(demuxed.durationSec, limits);
      if (demuxed.track.codecId !== "A_OPUS") {
        throw invalidMedia(`WebM audio codec ${demuxed.track.codecId} is not supported (browsers record A_OPUS, which is)`);
      }
      if (!demuxed.track.codecPrivate) throw invalidMedia("WebM Opus track lacks its OpusHead (CodecPrivate)");
      const head = parseOpusHead(demuxed.track.codecPrivate);
      // Opus frames are 2.5-60 ms; 20 ms is what browsers use, so frames * 20 ms estimates length.
      checkDeclared(demuxed.frames.length * 0.02, limits);
      if (demuxed.frames.length === 0) throw invalidMedia("WebM file holds no audio frames");
      const { OpusDecoder } = await import("opus-decoder");
      const decoder = new OpusDecoder({
        channels: head.channels,
        preSkip: head.preSkip,
        ...(head.mappingFamily !== 0 ? { streamCount: head.streamCount, coupledStreamCount: head.coupledStreamCount, channelMappingTable: head.mapping } : {}),
      });
      try {
        await decoder.ready;
        return fromWasm(decoder.decodeFrames(demuxed.frames), container, "Opus");
      } finally {
        decoder.free();
      }
    }
  }
}

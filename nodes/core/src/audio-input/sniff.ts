/**
 * Container detection from magic bytes. The client's mimeType and filename are only claims (a
 * browser labels an Opus recording "audio/webm" or "video/webm", people rename files), so the bytes
 * decide which decoder runs.
 */
export type AudioContainer = "wav" | "mp3" | "ogg" | "flac" | "webm";

const ascii = (bytes: Uint8Array, offset: number, text: string): boolean => {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** Skips an ID3v2 tag (MP3 files often start with one) and returns where the audio begins. */
export function id3v2Size(bytes: Uint8Array): number {
  if (!ascii(bytes, 0, "ID3") || bytes.length < 10) return 0;
  // Synchsafe size: 7 bits per byte; plus 10 header bytes and 10 more with the footer flag.
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  return 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
}

function looksLikeMpegFrame(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.length) return false;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  // 11 sync bits, a defined MPEG version and layer, a bitrate index that is neither free nor bad,
  // and a defined sample rate index.
  return bytes[at] === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x18) !== 0x08 && (b1 & 0x06) !== 0 && (b2 & 0xf0) !== 0xf0 && (b2 & 0x0c) !== 0x0c;
}

export function sniffContainer(bytes: Uint8Array): AudioContainer | undefined {
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE")) return "wav";
  if (ascii(bytes, 0, "RF64") && ascii(bytes, 8, "WAVE")) return "wav";
  if (ascii(bytes, 0, "OggS")) return "ogg";
  if (ascii(bytes, 0, "fLaC")) return "flac";
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return "webm";
  const start = id3v2Size(bytes);
  if (start > 0 && ascii(bytes, start, "fLaC")) return "flac";
  if (looksLikeMpegFrame(bytes, start)) return "mp3";
  return undefined;
}

/** A short human description of bytes we could not identify, for the error message. */
export function describeUnknown(bytes: Uint8Array): string {
  if (ascii(bytes, 4, "ftyp")) return "an MP4/M4A container (AAC is not supported; send WAV, MP3, OGG, FLAC or WebM/Opus)";
  if (ascii(bytes, 0, "FORM")) return "an AIFF file (not supported)";
  if (ascii(bytes, 0, "%PDF")) return "a PDF document";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "a JPEG image";
  if (ascii(bytes, 1, "PNG")) return "a PNG image";
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `an unrecognised format (first bytes ${head})`;
}

/**
 * A minimal WebM/Matroska demuxer for what browsers record with MediaRecorder: one Opus audio
 * track in SimpleBlocks (or BlockGroups), usually with "unknown size" Segment and Cluster elements
 * because the recorder cannot seek back to patch sizes. It walks the EBML tree linearly, stepping
 * into the few master elements that matter and over everything else, which handles unknown sizes
 * without special cases. Decoding of the Opus frames is done by opus-decoder (libopus, BSD).
 */
import { invalidMedia } from "./media-error";

const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  Cluster: 0x1f43b675,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
} as const;

/** Master elements we descend into; everything else is skipped by its size. */
const MASTERS = new Set<number>([ID.Segment, ID.Info, ID.Tracks, ID.TrackEntry, ID.Audio, ID.Cluster, ID.BlockGroup]);

export interface WebmAudioTrack {
  number: number;
  codecId: string;
  codecPrivate?: Uint8Array;
  sampleRate?: number;
  channels?: number;
}

export interface WebmDemuxed {
  docType: string;
  /** From Segment/Info when the writer recorded it (MediaRecorder often does not). */
  durationSec?: number;
  track: WebmAudioTrack;
  /** Raw codec frames of the audio track, in file order. */
  frames: Uint8Array[];
}

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

function readVint(bytes: Uint8Array, at: number, keepMarker: boolean): Vint {
  const first = bytes[at];
  if (first === undefined || first === 0) throw invalidMedia(`WebM: invalid EBML variable-length integer at byte ${at}`);
  let length = 1;
  while (!(first & (0x80 >> (length - 1)))) length++;
  if (at + length > bytes.length) throw invalidMedia("WebM file is truncated inside an element header");
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let i = 1; i < length; i++) {
    const b = bytes[at + i]!;
    value = value * 256 + b;
    if (b !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + bytes[at + i]!;
  return v;
}

function readFloat(bytes: Uint8Array, at: number, size: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, size);
  return size === 4 ? view.getFloat32(0) : size === 8 ? view.getFloat64(0) : NaN;
}

export function demuxWebm(bytes: Uint8Array): WebmDemuxed {
  let docType = "";
  let timecodeScale = 1_000_000;
  let durationTicks: number | undefined;
  const tracks: WebmAudioTrack[] = [];
  let current: Partial<WebmAudioTrack> & { type?: number } | undefined;
  const blocks: { track: number; data: Uint8Array }[] = [];

  let pos = 0;
  while (pos < bytes.length) {
    // Trailing zero padding after the last cluster is common in files cut by recorders.
    if (bytes[pos] === 0) break;
    const id = readVint(bytes, pos, true);
    const size = readVint(bytes, pos + id.length, false);
    const body = pos + id.length + size.length;
    if (MASTERS.has(id.value) || id.value === ID.EBML) {
      if (id.value === ID.TrackEntry) {
        if (current) tracks.push(current as WebmAudioTrack & { type?: number });
        current = {};
      }
      if (id.value === ID.EBML) {
        const end = Math.min(bytes.length, body + size.value);
        // Read DocType from the header's children, then continue after the header.
        let p = body;
        while (p < end) {
          const cid = readVint(bytes, p, true);
          const csize = readVint(bytes, p + cid.length, false);
          const cbody = p + cid.length + csize.length;
          if (cid.value === ID.DocType) docType = new TextDecoder().decode(bytes.subarray(cbody, cbody + csize.value));
          p = cbody + csize.value;
        }
        pos = end;
        continue;
      }
      pos = body;
      continue;
    }
    if (size.unknown) throw invalidMedia(`WebM: element 0x${id.value.toString(16)} has an unknown size where one is required`);
    const end = body + size.value;
    if (end > bytes.length) {
      // A recording cut mid-block: keep what was complete rather than failing the whole file.
      if (id.value === ID.SimpleBlock || id.value === ID.Block) break;
      throw invalidMedia("WebM file is truncated");
    }
    switch (id.value) {
      case ID.TimecodeScale: timecodeScale = readUint(bytes, body, size.value); break;
      case ID.Duration: durationTicks = readFloat(bytes, body, size.value); break;
      case ID.TrackNumber: if (current) current.number = readUint(bytes, body, size.value); break;
      case ID.TrackType: if (current) current.type = readUint(bytes, body, size.value); break;
      case ID.CodecID: if (current) current.codecId = new TextDecoder().decode(bytes.subarray(body, end)).replace(/\0+$/, ""); break;
      case ID.CodecPrivate: if (current) current.codecPrivate = bytes.subarray(body, end); break;
      case ID.SamplingFrequency: if (current) current.sampleRate = readFloat(bytes, body, size.value); break;
      case ID.Channels: if (current) current.channels = readUint(bytes, body, size.value); break;
      case ID.SimpleBlock:
      case ID.Block: {
        const track = readVint(bytes, body, false);
        const flags = bytes[body + track.length + 2]!;
        if (flags & 0x06) throw invalidMedia("WebM: laced blocks are not supported (browser recordings do not use lacing)");
        blocks.push({ track: track.value, data: bytes.subarray(body + track.length + 3, end) });
        break;
      }
      default: break;
    }
    pos = end;
  }
  if (current) tracks.push(current as WebmAudioTrack);
  if (!docType) throw invalidMedia("WebM/Matroska file has no EBML DocType");
  if (docType !== "webm" && docType !== "matroska") throw invalidMedia(`EBML DocType '${docType}' is not WebM or Matroska`);
  // TrackType 2 = audio; some writers omit it, so fall back to any track with an audio codec id.
  const track = (tracks as (WebmAudioTrack & { type?: number })[]).find((t) => t.type === 2 || t.codecId?.startsWith("A_"));
  if (!track || track.number === undefined || !track.codecId) throw invalidMedia("WebM file has no audio track");
  const frames = blocks.filter((b) => b.track === track.number).map((b) => b.data);
  const durationSec = durationTicks !== undefined && Number.isFinite(durationTicks) && durationTicks > 0 ? (durationTicks * timecodeScale) / 1e9 : undefined;
  return { docType, durationSec, track, frames };
}

/** Fields of the OpusHead structure (RFC 7845 section 5.1) that the decoder needs. */
export function parseOpusHead(head: Uint8Array): { channels: number; preSkip: number; mappingFamily: number; streamCount?: number; coupledStreamCount?: number; mapping?: number[] } {
  const magic = new TextDecoder().decode(head.subarray(0, 8));
  if (magic !== "OpusHead" || head.length < 19) throw invalidMedia("WebM Opus track has no valid OpusHead in CodecPrivate");
  const channels = head[9]!;
  const preSkip = head[10]! | (head[11]! << 8);
  const mappingFamily = head[18]!;
  if (mappingFamily === 0) return { channels, preSkip, mappingFamily };
  if (head.length < 21 + channels) throw invalidMedia("WebM OpusHead channel mapping is truncated");
  return { channels, preSkip, mappingFamily, streamCount: head[19]!, coupledStreamCount: head[20]!, mapping: Array.from(head.subarray(21, 21 + channels)) };
}

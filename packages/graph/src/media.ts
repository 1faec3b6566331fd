/**
 * Media values that flow between nodes. They stay in the runner: previews carry small summaries
 * (a thumbnail, boxes, a contour), never these buffers.
 */

/** A decoded image: 8-bit RGB, row-major, EXIF orientation already applied. */
export interface ImageValue {
  width: number;
  height: number;
  channels: 3;
  data: Uint8Array;
}

/** Decoded audio: mono float32 samples in [-1, 1] at `sampleRate` (16 kHz after core.audio-input). */
export interface AudioValue {
  sampleRate: number;
  samples: Float32Array;
}

/**
 * What a pipeline run receives for an image or audio input: the file's bytes as sent by the client
 * (multipart upload, base64 in JSON, or a webcam/microphone frame), decoded by the input node.
 */
export interface MediaBytes {
  bytes: Uint8Array;
  /** The client's claim; input nodes sniff the real format from the bytes. */
  mimeType?: string;
  filename?: string;
}

export function isMediaBytes(value: unknown): value is MediaBytes {
  return typeof value === "object" && value !== null && (value as MediaBytes).bytes instanceof Uint8Array;
}

/** A face found in an image, in the original image's pixel coordinates. */
export interface FaceDetection {
  box: { x: number; y: number; width: number; height: number };
  /** Named landmarks (BlazeFace: rightEye, leftEye, nose, mouth, rightEar, leftEar). */
  landmarks: Record<string, { x: number; y: number }>;
  score: number;
}

/** A span of speech found by voice activity detection, in seconds from the start of the clip. */
export interface SpeechSegment {
  start: number;
  end: number;
  probability: number;
}

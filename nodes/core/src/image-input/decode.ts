/**
 * Safe image decoding shared by core.image-input and offline tools (the expression-model evaluation):
 * the byte limit, the real format and the header's pixel count are checked before any pixel is
 * decoded, so a decompression bomb costs a header read.
 */
import type { ImageValue } from "@attune/graph";
import sharp from "sharp";

/** The runner maps these codes to HTTP statuses (422 and 413). */
export type MediaErrorCode = "INVALID_MEDIA" | "MEDIA_TOO_LARGE";

export class MediaError extends Error {
  constructor(
    message: string,
    readonly code: MediaErrorCode,
  ) {
    super(message);
    this.name = "MediaError";
  }
}

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export type ImageFormat = "png" | "jpeg" | "webp";

/** Formats recognised only to name them in the refusal; sharp could decode some, but we promise three. */
const KNOWN_UNSUPPORTED: { name: string; test: (b: Uint8Array) => boolean }[] = [
  { name: "GIF", test: (b) => ascii(b, 0, 4) === "GIF8" },
  { name: "BMP", test: (b) => ascii(b, 0, 2) === "BM" },
  { name: "TIFF", test: (b) => ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*" },
  { name: "AVIF/HEIF", test: (b) => ascii(b, 4, 8) === "ftyp" },
  { name: "SVG", test: (b) => /^\s*(<\?xml|<svg)/i.test(ascii(b, 0, 64)) },
  { name: "PDF", test: (b) => ascii(b, 0, 5) === "%PDF-" },
];

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
}

/** The real format from the magic bytes; the client's mimeType and filename are only claims. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 8) === "PNG\r\n\x1a\n") return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "webp";
  return undefined;
}

function formatName(bytes: Uint8Array): string | undefined {
  return KNOWN_UNSUPPORTED.find((f) => f.test(bytes))?.name;
}

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(n < 1024 * 1024 ? 2 : 1)} MB`;
const mp = (n: number) => `${(n / 1_000_000).toFixed(n < 1_000_000 ? 2 : 1)} MP`;

/**
 * Decodes an image safely: byte limit, magic-byte sniffing and the header's pixel count are checked
 * before any pixel is decoded, and libvips enforces the pixel limit again while decoding.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits, label = "the image"): Promise<ImageValue> {
  if (bytes.length === 0) throw new MediaError(`${label} is empty (0 bytes)`, "INVALID_MEDIA");
  if (bytes.length > limits.maxBytes) {
    throw new MediaError(`${label} is ${mb(bytes.length)}; this input allows at most ${mb(limits.maxBytes)}`, "MEDIA_TOO_LARGE");
  }
  const format = sniffImageFormat(bytes);
  if (!format) {
    const known = formatName(bytes);
    throw new MediaError(
      known
        ? `${label} is a ${known} file, which is not supported: send PNG, JPEG or WebP`
        : `${label} is not a PNG, JPEG or WebP image (unrecognised file signature)`,
      "INVALID_MEDIA",
    );
  }
  const upper = format.toUpperCase();
  // A PNG's size sits at a fixed place in its first chunk: check it even when the rest is too
  // broken (or too short) for the decoder to read the header.
  if (format === "png" && bytes.length >= 24 && ascii(bytes, 12, 16) === "IHDR") {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    checkPixels(view.getUint32(16), view.getUint32(20), limits, label);
  }
  let width: number | undefined;
  let height: number | undefined;
  try {
    // metadata() parses the header only; nothing is decoded yet.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    width = meta.width;
    height = meta.height;
  } catch (error) {
    throw new MediaError(`${label} is a corrupt ${upper} file: its header cannot be read (${reason(error)})`, "INVALID_MEDIA");
  }
  if (!width || !height) throw new MediaError(`${label} is a corrupt ${upper} file: its header gives no size`, "INVALID_MEDIA");
  checkPixels(width, height, limits, label);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "warning" })
      .rotate() // applies EXIF orientation, so faces are upright for the detector
      .flatten({ background: "#ffffff" }) // transparent areas as on a white page
      .toColourspace("srgb")
      .removeAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new MediaError(`${label} is a corrupt or truncated ${upper} file: ${reason(error)}`, "INVALID_MEDIA");
  }
}

function checkPixels(width: number, height: number, limits: ImageLimits, label: string): void {
  if (width * height > limits.maxPixels) {
    throw new MediaError(
      `${label} is ${width}x${height} pixels (${mp(width * height)}); this input allows at most ${mp(limits.maxPixels)}`,
      "MEDIA_TOO_LARGE",
    );
  }
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // libvips messages span lines and repeat the loader name; the first line says what broke.
  return message.split("\n")[0]!.replace(/^Input buffer (has|contains) /i, "").trim();
}

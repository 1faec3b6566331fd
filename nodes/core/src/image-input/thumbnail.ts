/**
 * Preview thumbnails for image values. A node's `preview()` is synchronous and sees only its
 * outputs, while JPEG encoding is asynchronous (sharp) and face lists carry no image. So the node
 * that has the pixels makes the thumbnail during `run` and attaches it to the value it outputs
 * under a registered symbol: non-enumerable, so it never reaches JSON, hashes, equality checks or
 * structured clones, and a consumer that finds it missing simply previews without a picture.
 */
import type { ImageValue } from "@attune/graph";
import sharp from "sharp";

/** The original image's size and a small JPEG data URL of it. */
export interface ImagePreview {
  width: number;
  height: number;
  thumbnail: string;
}

const PREVIEW = Symbol.for("attune.preview.image");

/** Long side of preview thumbnails, per the PreviewSummary contract. */
export const THUMBNAIL_MAX_SIDE = 256;

/** A JPEG data URL of `image` scaled to fit THUMBNAIL_MAX_SIDE (never enlarged). */
export async function makeImagePreview(image: ImageValue): Promise<ImagePreview> {
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 70 })
    .toBuffer();
  return { width: image.width, height: image.height, thumbnail: `data:image/jpeg;base64,${jpeg.toString("base64")}` };
}

/** Attaches a preview to a value this node created (never to an input: nodes do not mutate inputs). */
export function attachImagePreview<T extends object>(value: T, preview: ImagePreview): T {
  Object.defineProperty(value, PREVIEW, { value: preview, enumerable: false });
  return value;
}

/** The preview attached to a value, if any. */
export function imagePreviewOf(value: unknown): ImagePreview | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as { [PREVIEW]?: ImagePreview })[PREVIEW];
}

/** The attached preview of `image`, or a new one when it came without (e.g. from a cache clone). */
export async function ensureImagePreview(image: ImageValue): Promise<ImagePreview> {
  return imagePreviewOf(image) ?? (await makeImagePreview(image));
}

import type { FaceDetection, PreviewFace, PreviewSummary } from "@attune/graph";
import { imagePreviewOf } from "@attune/nodes-core/image-thumbnail";

/**
 * A "faces" preview: boxes (and top emotions) over the thumbnail attached during run. Without one
 * (a value that lost it in a clone) the boxes still show, on a canvas as large as they reach.
 */
export function facesPreview(faces: readonly FaceDetection[], top?: (index: number) => PreviewFace["top"]): PreviewSummary {
  const image = imagePreviewOf(faces);
  const width = image?.width ?? Math.max(1, ...faces.map((f) => f.box.x + f.box.width));
  const height = image?.height ?? Math.max(1, ...faces.map((f) => f.box.y + f.box.height));
  return {
    kind: "faces",
    width,
    height,
    ...(image ? { thumbnail: image.thumbnail } : {}),
    faces: faces.map((f, i) => {
      const emotions = top?.(i);
      return { box: { ...f.box }, score: f.score, ...(emotions ? { top: emotions } : {}) };
    }),
  };
}

/** A small synthetic image for node examples: a smooth gradient with no face in it. */
export function exampleImage(width = 64, height = 48): { width: number; height: number; channels: 3; data: Uint8Array } {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = (x * 255) / width;
      data[o + 1] = (y * 255) / height;
      data[o + 2] = 128;
    }
  return { width, height, channels: 3, data };
}

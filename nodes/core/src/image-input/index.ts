import { defineNode, type ImageValue, type PreviewSummary } from "@attune/graph";
import { runImageInput } from "./run";
import { imageInputSpec } from "./spec";
import { imagePreviewOf } from "./thumbnail";

/** A 32x24 orange PNG: small enough to inline, real enough to go through the whole decoder. */
const EXAMPLE_PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAACAAAAAYCAIAAAAUMWhjAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAJElEQVRIx2M4UWFDU8QwasGoBaMWjFowasGoBaMWjFowNCwAAEz2dD0yEuH2AAAAAElFTkSuQmCC",
    "base64",
  ),
);

export const imageInput = defineNode(imageInputSpec, {
  run: runImageInput,
  preview(outputs): PreviewSummary {
    const image = outputs.image as ImageValue;
    const preview = imagePreviewOf(image);
    // Without an attached thumbnail (a value that lost it in a clone) the size still says what arrived.
    if (!preview) return { kind: "json", json: JSON.stringify({ width: image.width, height: image.height }), truncated: false };
    return { kind: "image", width: preview.width, height: preview.height, thumbnail: preview.thumbnail };
  },
  example: { inputs: {}, runInputs: { image: { bytes: EXAMPLE_PNG, mimeType: "image/png", filename: "example.png" } } },
});

import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";
import { fieldNameSchema } from "../shared";

export const imageInputParams = z.object({
  /** The run input this node reads: the image's bytes (an upload, base64 in JSON, a webcam frame). */
  name: fieldNameSchema.default("image"),
  /** Larger files are refused before any decoding. */
  maxBytes: z.number().int().positive().max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Width x height read from the header; larger images are refused before decoding (decompression bombs). */
  maxPixels: z.number().int().positive().max(268_402_689).default(40_000_000),
});

export type ImageInputParams = z.infer<typeof imageInputParams>;

export const imageInputSpec = defineNodeSpec({
  type: "core.image-input",
  version: 1,
  family: "core",
  title: "Image input",
  description:
    "A PNG, JPEG or WebP image of the pipeline's input, decoded to RGB with its EXIF orientation applied. " +
    "Corrupt, unsupported or oversized files are refused with a message naming the problem.",
  inputs: [],
  outputs: [{ id: "image", label: "Image", type: "image" }],
  params: imageInputParams,
  role: "input",
  keywords: ["image", "photo", "picture", "upload", "webcam", "camera", "input", "jpeg", "png", "webp"],
});

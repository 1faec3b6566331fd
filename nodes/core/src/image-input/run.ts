import { isMediaBytes, type PortValues, type RunContext } from "@attune/graph";
import { describeType } from "../shared";
import { decodeImage, MediaError } from "./decode";
import type { ImageInputParams } from "./spec";
import { attachImagePreview, makeImagePreview } from "./thumbnail";

/** What the run gave for this input, as bytes (plus the client's claims for messages). */
function readBytes(value: unknown, name: string): { bytes: Uint8Array; label: string } {
  if (isMediaBytes(value)) return { bytes: value.bytes, label: value.filename ? `'${value.filename}'` : `run input '${name}'` };
  if (value instanceof Uint8Array) return { bytes: value, label: `run input '${name}'` };
  if (value === undefined) {
    throw new MediaError(`run input '${name}' is missing: send the image's bytes (PNG, JPEG or WebP)`, "INVALID_MEDIA");
  }
  throw new MediaError(`run input '${name}' must be image bytes, got ${describeType(value)}`, "INVALID_MEDIA");
}

export async function runImageInput(_inputs: PortValues, params: ImageInputParams, ctx: RunContext): Promise<PortValues> {
  ctx.signal.throwIfAborted();
  const { bytes, label } = readBytes(ctx.runInputs[params.name], params.name);
  const image = await decodeImage(bytes, params, label);
  ctx.signal.throwIfAborted();
  return { image: attachImagePreview(image, await makeImagePreview(image)) };
}

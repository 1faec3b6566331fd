import type { FaceDetection, ImageValue, PortValues, RunContext } from "@attune/graph";
import { attachImagePreview, ensureImagePreview } from "@attune/nodes-core/image-thumbnail";
import { requireImage, requireModels } from "../shared/inputs";
import { BLAZEFACE_MODEL_ID, blazefaceInput, decodeBlazeface } from "./blazeface";
import type { FaceDetectParams } from "./spec";

/** Detection without the preview thumbnail: what the benchmark and evaluation call. */
export async function detectFaces(image: ImageValue, params: FaceDetectParams, ctx: Pick<RunContext, "models" | "signal">): Promise<FaceDetection[]> {
  const models = requireModels(ctx, "vision.face-detect", BLAZEFACE_MODEL_ID);
  const { feeds, box } = blazefaceInput(image);
  const outputs = await models.run(BLAZEFACE_MODEL_ID, feeds, ctx.signal);
  ctx.signal.throwIfAborted();
  return decodeBlazeface(outputs, box, image, params);
}

export async function runFaceDetect(inputs: PortValues, params: FaceDetectParams, ctx: RunContext): Promise<PortValues> {
  ctx.signal.throwIfAborted();
  const image = requireImage(inputs.image, "image");
  const faces = await detectFaces(image, params, ctx);
  // The preview draws boxes over the picture; reuse the input's thumbnail when it carries one.
  attachImagePreview(faces, await ensureImagePreview(image));
  return { faces, count: faces.length };
}

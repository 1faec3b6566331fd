import type { ImageValue, ModelService, RunContext } from "@attune/graph";

/** Checks an image port value, since a hand-built plan can wire anything into it. */
export function requireImage(value: unknown, port: string): ImageValue {
  const v = value as Partial<ImageValue> | null | undefined;
  if (
    !v ||
    typeof v !== "object" ||
    !(v.data instanceof Uint8Array) ||
    !Number.isInteger(v.width) ||
    !Number.isInteger(v.height) ||
    v.width! <= 0 ||
    v.height! <= 0 ||
    v.data.length !== v.width! * v.height! * 3
  ) {
    throw new Error(`input '${port}' must be an RGB image (width x height x 3 bytes), e.g. from core.image-input`);
  }
  return v as ImageValue;
}

export function requireModels(ctx: Pick<RunContext, "models">, nodeType: string, modelId: string): ModelService {
  if (!ctx.models) {
    throw new Error(
      `${nodeType} needs the model service to run model '${modelId}', but this run context has none ` +
        "(run it in the runner, or pass ctx.models in tests)",
    );
  }
  return ctx.models;
}

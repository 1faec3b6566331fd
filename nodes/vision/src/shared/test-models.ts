/**
 * Test support: a real ModelService over the vision models, prepared once into a temp folder that
 * test files share (prepareModels skips models that are already up to date and writes atomically).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import type { ImageValue, ModelService } from "@attune/graph";
import { BUILTIN_MODELS, createModelService, prepareModels, SessionPool } from "@attune/models";
import sharp from "sharp";

const VISION_MODELS = new Set(["face-detector-blazeface", "face-expression-face-api", "face-expression-mini-xception"]);

export async function visionModelService(): Promise<{ models: ModelService; close: () => Promise<void> }> {
  const modelsDir = join(tmpdir(), "attune-vision-test-models");
  await prepareModels({ modelsDir, models: BUILTIN_MODELS.filter((m) => VISION_MODELS.has(m.manifest.id)) });
  const pool = new SessionPool({ modelsDir, sessionOptions: { intraOpNumThreads: 1 } });
  return { models: createModelService(pool), close: () => pool.close() };
}

const require = createRequire(import.meta.url);

/** A sample photo shipped inside an installed package (never a faces-dev image). */
export function samplePhotoPath(name: `face-api/${string}` | `human/${string}`): string {
  const [pkg, file] = name.split("/") as [string, string];
  if (pkg === "face-api") return join(require.resolve("@vladmandic/face-api").replace(/dist[\\/].*$/, ""), "demo", file);
  return join(require.resolve("@vladmandic/human").replace(/dist[\\/].*$/, ""), "assets", file);
}

export async function loadPhoto(path: string): Promise<ImageValue> {
  const { data, info } = await sharp(await readFile(path)).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Where @vladmandic/human's bundled TF.js models live on disk. Resolving (not importing) the package
 * keeps its heavy bundle and tfjs out of the process; the package's `exports` hide package.json, so
 * we walk up from its Node entry (dist/human.node.js) instead.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function humanModelsDir(): string {
  const entry = createRequire(import.meta.url).resolve("@vladmandic/human");
  return join(dirname(dirname(entry)), "models");
}

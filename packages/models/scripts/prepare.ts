/**
 * Converts the built-in models into the models folder (ATTUNE_MODELS_DIR or <repo>/data/models).
 * Run from the repo root: node --import tsx packages/models/scripts/prepare.ts
 * Safe to rerun: unchanged sources are skipped.
 */
import { prepareModels, resolveModelsDir } from "../src/setup";

const modelsDir = resolveModelsDir();
try {
  const results = await prepareModels({ modelsDir, log: (m) => console.log(m) });
  const converted = results.filter((r) => r.status === "converted").length;
  console.log(`${results.length} models in ${modelsDir} (${converted} converted, ${results.length - converted} up to date)`);
} catch (error) {
  console.error(`model preparation failed: ${(error as Error).message}`);
  process.exitCode = 1;
}

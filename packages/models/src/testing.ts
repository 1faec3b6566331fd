/**
 * A real ModelService over the built-in models for tests of nodes and pipelines: prepares the models
 * folder once per process (cached by sha256, so usually no work) and shares one session pool.
 */
import type { ModelService } from "@attune/graph";
import { createModelService, SessionPool } from "./session-pool";
import { prepareModels, resolveModelsDir } from "./setup";

let shared: Promise<{ pool: SessionPool; service: ModelService }> | undefined;

export function sharedModelService(): Promise<ModelService> {
  shared ??= (async () => {
    const modelsDir = resolveModelsDir();
    await prepareModels({ modelsDir });
    const pool = new SessionPool({ modelsDir });
    return { pool, service: createModelService(pool) };
  })();
  return shared.then((s) => s.service);
}

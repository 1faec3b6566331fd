import { ModelCatalog, type SessionPool } from "@attune/models";
import { loadTokenizer } from "@attune/nodes-model";

export interface RunnerModelCatalogOptions {
  modelsDir: string;
  /** The built-in session pool; uploads get their own pool over `<modelsDir>/user`. */
  pool: SessionPool;
  maxUploadBytes?: number;
}

/**
 * The runner's model registry: the ModelService passed to buildServer (built-in and uploaded ids)
 * and the backing store of the /v1/models routes. Tokenizers are parsed by the model.onnx node's
 * own tokenizer code, so an upload is refused exactly when the node could not use it.
 */
export function createModelCatalog(options: RunnerModelCatalogOptions): ModelCatalog {
  return new ModelCatalog({
    modelsDir: options.modelsDir,
    pool: options.pool,
    ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}),
    loadTokenizer,
  });
}

/**
 * How nodes run models without importing onnxruntime: the runner passes a ModelService in the run
 * context, backed by a session pool. Nodes stay pure and testable with any implementation.
 */
export type TensorElementType = "float32" | "int64" | "int32" | "uint8" | "bool";

export interface TensorData {
  type: TensorElementType;
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  dims: readonly number[];
}

export interface ModelService {
  /** Runs a model by manifest id; loads it once on first use and shares it across runs. */
  run(modelId: string, feeds: Record<string, TensorData>, signal?: AbortSignal): Promise<Record<string, TensorData>>;
}

/**
 * A model's tensor interface as onnxruntime reports it after loading: what the Models page shows and
 * what a model.onnx node snapshots when a user picks a model. Plain JSON, no onnxruntime types.
 */
import type * as ort from "onnxruntime-node";

/** A fixed size, a named dynamic axis ("batch"), or null for an unnamed dynamic axis. */
export type SignatureDim = number | string | null;

export interface TensorSignature {
  name: string;
  /** onnxruntime's element type name (float32, int64, ...). */
  type: string;
  shape: SignatureDim[];
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/** Element types a node can feed or read through ModelService (TensorData). */
export const FEEDABLE_TYPES: readonly string[] = ["float32", "int64", "int32", "uint8", "bool"];

/** The dynamic axes of a shape, for display: `[{axis: 0, name: "batch"}]`. */
export function dynamicAxes(shape: readonly SignatureDim[]): { axis: number; name: string | null }[] {
  const axes: { axis: number; name: string | null }[] = [];
  shape.forEach((d, axis) => {
    if (typeof d !== "number") axes.push({ axis, name: d });
  });
  return axes;
}

function normaliseDim(d: number | string): SignatureDim {
  // onnxruntime reports an unnamed unknown dimension as -1 (or an empty symbol).
  if (typeof d === "number") return d >= 0 ? d : null;
  return d === "" ? null : d;
}

/** Reads the signature from a loaded session; non-tensor values (sequences, maps) are reported by name. */
export function sessionSignature(session: ort.InferenceSession): ModelSignature & { nonTensor: string[] } {
  const nonTensor: string[] = [];
  const read = (list: readonly ort.InferenceSession.ValueMetadata[]): TensorSignature[] =>
    list.flatMap((m) => {
      if (!m.isTensor) {
        nonTensor.push(m.name);
        return [];
      }
      return [{ name: m.name, type: String(m.type), shape: m.shape.map(normaliseDim) }];
    });
  return { inputs: read(session.inputMetadata), outputs: read(session.outputMetadata), nonTensor };
}

/** True when two signatures describe the same interface (order of inputs/outputs ignored). */
export function sameSignature(a: ModelSignature, b: ModelSignature): boolean {
  const key = (list: TensorSignature[]) =>
    JSON.stringify([...list].sort((x, y) => x.name.localeCompare(y.name)).map((t) => [t.name, t.type, t.shape]));
  return key(a.inputs) === key(b.inputs) && key(a.outputs) === key(b.outputs);
}

/**
 * Validation of an uploaded ONNX file before anything is stored: protobuf decode (catches non-ONNX
 * and truncated files with a readable message), then a real onnxruntime session load (catches
 * unsupported ops and broken graphs), then the interface read from the session's metadata.
 */
import * as ort from "onnxruntime-node";
import { decodeModel } from "../onnx/builder";
import { FEEDABLE_TYPES, type ModelSignature, sessionSignature } from "./signature";
import { UserModelError } from "./errors";

const SIGNATURES: { name: string; magic: number[] }[] = [
  { name: "a PNG image", magic: [0x89, 0x50, 0x4e, 0x47] },
  { name: "a JPEG image", magic: [0xff, 0xd8, 0xff] },
  { name: "a GIF image", magic: [0x47, 0x49, 0x46, 0x38] },
  { name: "a PDF document", magic: [0x25, 0x50, 0x44, 0x46] },
  { name: "a ZIP archive (a PyTorch .pt or Keras file?)", magic: [0x50, 0x4b, 0x03, 0x04] },
  { name: "a gzip archive", magic: [0x1f, 0x8b] },
  { name: "an HDF5 file (a Keras .h5 model?)", magic: [0x89, 0x48, 0x44, 0x46] },
];

/** Names a well-known non-ONNX format from its first bytes, for a more useful refusal. */
export function sniffForeignFormat(bytes: Uint8Array): string | undefined {
  for (const s of SIGNATURES) if (s.magic.every((b, i) => bytes[i] === b)) return s.name;
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith("{") || head.startsWith("[")) return "a JSON file";
  if (head.startsWith("<")) return "an HTML/XML file";
  return undefined;
}

export interface InspectedModel {
  signature: ModelSignature;
  producer: string;
  opset: number | undefined;
  irVersion: number;
}

/** Throws UserModelError (422) with a user-facing reason when `bytes` is not a runnable ONNX model. */
export async function inspectOnnx(bytes: Uint8Array, filename = "the file"): Promise<InspectedModel> {
  const refuse = (why: string): never => {
    throw new UserModelError(422, "MODEL_INVALID", `${filename} is not a usable ONNX model: ${why}`);
  };
  if (bytes.byteLength === 0) refuse("it is empty");
  const foreign = sniffForeignFormat(bytes);
  if (foreign) refuse(`it looks like ${foreign}, not an ONNX protobuf`);
  let decoded;
  try {
    decoded = decodeModel(bytes);
  } catch (error) {
    // protobufjs says "index out of range" for a file cut short and "invalid wire type" for noise.
    const detail = error instanceof Error ? error.message : String(error);
    return refuse(`the protobuf does not decode (${detail}); the file may be truncated or not ONNX at all`);
  }
  if (!decoded.irVersion || decoded.opsetImport.length === 0 || !decoded.graph || decoded.graph.output.length === 0) {
    refuse("it has no IR version, opset or graph outputs, so it is not an ONNX ModelProto");
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 400);
    return refuse(`onnxruntime ${ort.env.versions.node ?? ""} cannot load it: ${detail}`.replace("  ", " "));
  }
  try {
    const { nonTensor, ...signature } = sessionSignature(session);
    if (nonTensor.length > 0) {
      refuse(`values [${nonTensor.join(", ")}] are sequences or maps, not tensors (for scikit-learn exports, convert with zipmap disabled)`);
    }
    for (const t of [...signature.inputs, ...signature.outputs]) {
      if (!FEEDABLE_TYPES.includes(t.type)) {
        refuse(`'${t.name}' has element type ${t.type}; Attune can pass ${FEEDABLE_TYPES.join(", ")}`);
      }
    }
    if (signature.inputs.length === 0) refuse("it takes no inputs");
    const opset = decoded.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx")?.version;
    return { signature, producer: decoded.producerName, opset, irVersion: decoded.irVersion };
  } finally {
    await session.release();
  }
}

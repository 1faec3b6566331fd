export * from "./onnx/builder";
export { type TfjsModelFiles, readTfjsModelFiles, parseTfjsModelJson } from "./convert/tfjs-model";
export * from "./convert/tfjs-to-onnx";
export * from "./manifest";
export * from "./builtin-models";
export * from "./human-models";
export * from "./setup";
export * from "./session-pool";
export * from "./user-models";

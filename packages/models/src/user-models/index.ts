export * from "./catalog";
export * from "./errors";
export { inspectOnnx, sniffForeignFormat, type InspectedModel } from "./inspect";
export * from "./signature";
export * from "./store";
export * from "./fixtures";

export * from "./types";
export { execute, DEFAULT_NODE_TIMEOUT_MS } from "./execute";
export { MemoryResultCache } from "./result-cache";
export { MemorySessionStateStore, nodeStateView } from "./session-state";
export { summarizeOutputs, summarizeValue } from "./summarize";

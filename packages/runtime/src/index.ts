export * from "./types";
// TODO(helper): export { execute } from "./execute"; MemoryResultCache; MemorySessionStateStore

export { buildServer, HttpError, previewRequestSchema, sessionIdSchema } from "./server";
export type { BuildServerOptions, ErrorBody, PreviewRequest } from "./server";
export { loadConfig, envSchema, DEFAULTS, EnvError } from "./env";
export type { RunnerConfig, LogLevel } from "./env";
export { createNodeRegistry, NODE_FAMILIES } from "./registry";
export type { RunnerRegistry } from "./registry";

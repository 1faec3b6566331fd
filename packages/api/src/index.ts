export { appRouter, createAppRouter, type AppRouter } from "./router";
export { createContext, type ApiContext } from "./context";
export { buildCatalog, type CatalogNode } from "./routers/catalog";
export { type ModelCard, modelCardSchema } from "./routers/models";
export { createRunnerClient, type ModelUploadRequest, type PreviewRequest, type RunnerClient, type RunnerClientOptions } from "./runner-client";
export { deploymentsRouter } from "./routers/deployments";
export { apiKeysRouter } from "./routers/api-keys";
export { runLogRouter } from "./routers/run-log";

export { appRouter, createAppRouter, type AppRouter } from "./router";
export { createContext, type ApiContext } from "./context";
export { buildCatalog, type CatalogNode } from "./routers/catalog";
export { createRunnerClient, type PreviewRequest, type RunnerClient, type RunnerClientOptions } from "./runner-client";

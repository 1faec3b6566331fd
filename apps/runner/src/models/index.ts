export { createModelCatalog, type RunnerModelCatalogOptions } from "./catalog";
export { modelRoutes, type ModelRoutesOptions } from "./routes";

import { catalogRouter } from "./routers/catalog";
import { graphRouter } from "./routers/graph";
import { modelsRouter } from "./routers/models";
import { pipelinesRouter } from "./routers/pipelines";
import { router } from "./trpc";

/** The whole API. A function as well as a value so hosts and tests can build a fresh one. */
export function createAppRouter() {
  return router({
    pipelines: pipelinesRouter,
    catalog: catalogRouter,
    graph: graphRouter,
    models: modelsRouter,
  });
}

export const appRouter = createAppRouter();
export type AppRouter = ReturnType<typeof createAppRouter>;

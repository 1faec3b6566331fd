import { apiKeysRouter } from "./routers/api-keys";
import { auditsRouter } from "./routers/audits";
import { catalogRouter } from "./routers/catalog";
import { deploymentsRouter } from "./routers/deployments";
import { exchangeRouter } from "./routers/exchange";
import { feedbackRouter } from "./routers/feedback";
import { galleryRouter } from "./routers/gallery";
import { graphRouter } from "./routers/graph";
import { modelsRouter } from "./routers/models";
import { pipelinesRouter } from "./routers/pipelines";
import { runLogRouter } from "./routers/run-log";
import { sharesRouter } from "./routers/shares";
import { router } from "./trpc";

/** The whole API. A function as well as a value so hosts and tests can build a fresh one. */
export function createAppRouter() {
  return router({
    pipelines: pipelinesRouter,
    catalog: catalogRouter,
    graph: graphRouter,
    models: modelsRouter,
    deployments: deploymentsRouter,
    apiKeys: apiKeysRouter,
    runLog: runLogRouter,
    gallery: galleryRouter,
    exchange: exchangeRouter,
    shares: sharesRouter,
    audits: auditsRouter,
    feedback: feedbackRouter,
  });
}

export const appRouter = createAppRouter();
export type AppRouter = ReturnType<typeof createAppRouter>;

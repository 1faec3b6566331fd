import { appRouter, createContext, createRunnerClient } from "@attune/api";
import { env } from "@/env";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getDatabase, getSpecs } from "@/server/services";

// better-sqlite3 is a native addon: this handler needs the Node.js runtime.
export const runtime = "nodejs";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    createContext: () =>
      createContext({
        db: getDatabase(),
        specs: getSpecs(),
        ...(env.RUNNER_TOKEN ? { runner: createRunnerClient({ baseUrl: env.RUNNER_URL, token: env.RUNNER_TOKEN }) } : {}),
      }),
    onError({ error, path }) {
      // Expected client errors (conflicts, not found, bad input) are answers, not server faults.
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error);
    },
  });
}

export { handler as GET, handler as POST };

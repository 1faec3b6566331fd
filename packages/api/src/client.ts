// Browser entry: types only. Anything with a runtime value here would drag better-sqlite3 and the
// server code into the studio's client bundle. Derive output types with inferRouterOutputs.
export type { AppRouter } from "./router";

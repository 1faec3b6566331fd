import type { AttuneDb } from "@attune/db";
import type { NodeRegistry, NodeSpec } from "@attune/graph";
import type { RunnerClient } from "./runner-client";

/**
 * What every procedure may use. The host app (studio route handler, a test) builds it: the api
 * package never opens a database or imports node packages itself, so it stays framework-free and
 * the dependency direction (studio -> api -> db, graph) holds.
 */
export interface ApiContext {
  db: AttuneDb;
  /** Node specs (not run code) for the palette, validate() and compile(). */
  specs: NodeRegistry<NodeSpec>;
  /** The runner (models registry); absent when the host has no runner configured. */
  runner?: RunnerClient;
}

export function createContext(options: { db: AttuneDb; specs: NodeRegistry<NodeSpec>; runner?: RunnerClient }): ApiContext {
  return { db: options.db, specs: options.specs, ...(options.runner ? { runner: options.runner } : {}) };
}

import { openDatabase, type AttuneDb } from "@attune/db";
import { env } from "@/env";
import { specRegistry } from "@/lib/specs";

type Database = AttuneDb;

/**
 * One database handle per server process. Next dev re-evaluates modules on every edit, so the
 * handle lives on globalThis to avoid piling up SQLite connections (and WAL locks).
 */
const holder = globalThis as typeof globalThis & { __attuneDb?: Database };

export function getDatabase(): Database {
  holder.__attuneDb ??= openDatabase(env.ATTUNE_DB_PATH);
  return holder.__attuneDb;
}

export function getSpecs() {
  return specRegistry;
}

import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type AttuneOrm = BetterSQLite3Database<typeof schema>;

/** An open Attune database. Pass it to the repository functions; close it once on shutdown. */
export interface AttuneDb {
  readonly orm: AttuneOrm;
  /** The raw better-sqlite3 connection, for pragmas and tests. */
  readonly sqlite: Database.Database;
  readonly filePath: string;
  close(): void;
}

export interface OpenDatabaseOptions {
  /** Overrides where the SQL migrations are read from (e.g. a bundled copy in a Docker image). */
  migrationsFolder?: string;
  /** How long a writer waits for another process's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Resolved from this file rather than the cwd so the studio (Next), the runner and tests all find
 * the committed migrations no matter where they were started from. `path` + `fileURLToPath` rather
 * than `new URL(dir, import.meta.url)`: bundlers treat the latter as an asset import.
 */
export const DEFAULT_MIGRATIONS_FOLDER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "drizzle",
);

/**
 * Opens (creating if needed) the SQLite file, turns on WAL and foreign keys, and applies pending
 * migrations. Safe to call on an existing file: applied migrations are recorded and skipped.
 */
export function openDatabase(filePath: string, options: OpenDatabaseOptions = {}): AttuneDb {
  const absolute = path.resolve(filePath);
  mkdirSync(path.dirname(absolute), { recursive: true });
  const sqlite = new Database(absolute);
  try {
    // WAL lets the studio read while the runner (or a second studio process) writes.
    sqlite.pragma("journal_mode = WAL");
    // SQLite ships with foreign keys off per connection; version rows cascade on delete.
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // WAL is durable across crashes with NORMAL; FULL would fsync on every autosave.
    sqlite.pragma("synchronous = NORMAL");
    const orm = drizzle({ client: sqlite, schema });
    migrate(orm, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER });
    let closed = false;
    return {
      orm,
      sqlite,
      filePath: absolute,
      close() {
        if (closed) return;
        closed = true;
        sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

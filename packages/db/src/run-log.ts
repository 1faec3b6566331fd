import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { AttuneDb } from "./open-database";
import { appSettings, runLog } from "./schema";

/**
 * How a call ended, coarser than the HTTP status so the run log can be filtered by what matters:
 * ok (200, every output), partial (200, some node failed), rejected (4xx: auth, scope, validation,
 * size), rate_limited (429), timeout (504), failed (5xx).
 */
export const RUN_STATUSES = ["ok", "partial", "rejected", "rate_limited", "timeout", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunLogEntry {
  runId: string;
  deploymentId: string;
  slug: string;
  /** null when the call was refused before a version was chosen (401, 403, 429). */
  deploymentVersion: number | null;
  /** Epoch ms when the request arrived. */
  at: number;
  status: RunStatus;
  httpStatus: number;
  /**
   * Time in the runner from the request's arrival: to the answer being ready for a successful run
   * (logged just before it is sent), to the answer being written for any other call.
   */
  latencyMs: number;
  keyId: string | null;
  keyName: string | null;
  errorCode: string | null;
}

export interface RunLogItem {
  runId: string;
  at: number;
  status: RunStatus;
  httpStatus: number;
  latencyMs: number;
  keyId: string | null;
  keyName: string | null;
  errorCode: string | null;
  deploymentVersion: number | null;
}

export interface RunLogQuery {
  slug: string;
  status?: RunStatus;
  keyId?: string;
  /** Only entries at or after this epoch ms. */
  since?: number;
  /** Default 50, at most 500. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface RunLogPage {
  items: RunLogItem[];
  /** Pass back as `cursor` for older entries; null on the last page. */
  nextCursor: string | null;
}

export interface RunLogSettings {
  retentionDays: number;
}

export const DEFAULT_RUN_LOG_RETENTION_DAYS = 30;
export const MAX_RUN_LOG_RETENTION_DAYS = 3650;
const RETENTION_KEY = "runLog.retentionDays";
const DAY_MS = 24 * 60 * 60 * 1000;

/** Appends entries in one transaction (the runner's batched flush). */
export function appendRunLog(db: AttuneDb, entries: readonly RunLogEntry[]): void {
  if (entries.length === 0) return;
  const insert = db.sqlite.prepare(
    "insert into run_log (run_id, deployment_id, slug, deployment_version, at, status, http_status, latency_ms, key_id, key_name, error_code) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  db.sqlite.transaction(() => {
    for (const e of entries) {
      insert.run(e.runId, e.deploymentId, e.slug, e.deploymentVersion, e.at, e.status, e.httpStatus, e.latencyMs, e.keyId, e.keyName, e.errorCode);
    }
  })();
}

/** One endpoint's log, newest first, filtered, paged by an opaque cursor. */
export function listRunLog(db: AttuneDb, query: RunLogQuery): RunLogPage {
  const limit = Math.min(Math.max(Math.floor(query.limit ?? 50), 1), 500);
  const where: SQL[] = [eq(runLog.slug, query.slug)];
  if (query.status) where.push(eq(runLog.status, query.status));
  if (query.keyId) where.push(eq(runLog.keyId, query.keyId));
  if (query.since !== undefined) where.push(gte(runLog.at, query.since));
  if (query.cursor !== undefined) {
    const before = Number(query.cursor);
    if (!Number.isSafeInteger(before) || before < 0) throw new TypeError("invalid run log cursor");
    where.push(lt(runLog.id, before));
  }
  // Ordered by row id, not time: ids grow in arrival order and give a stable, gap-free cursor.
  const rows = db.orm
    .select({
      id: runLog.id,
      runId: runLog.runId,
      at: runLog.at,
      status: runLog.status,
      httpStatus: runLog.httpStatus,
      latencyMs: runLog.latencyMs,
      keyId: runLog.keyId,
      keyName: runLog.keyName,
      errorCode: runLog.errorCode,
      deploymentVersion: runLog.deploymentVersion,
    })
    .from(runLog)
    .where(and(...where))
    .orderBy(desc(runLog.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  return {
    items: page.map(({ id: _id, ...item }) => ({ ...item, status: item.status as RunStatus })),
    nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null,
  };
}

export function getRunLogSettings(db: AttuneDb): RunLogSettings {
  const row = db.orm.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, RETENTION_KEY)).get();
  const days = row ? Number(row.value) : NaN;
  return { retentionDays: Number.isInteger(days) && days >= 1 ? days : DEFAULT_RUN_LOG_RETENTION_DAYS };
}

/** Sets the retention and prunes right away, so the setting's effect is visible at once. */
export function setRunLogRetention(db: AttuneDb, days: number): RunLogSettings & { pruned: number } {
  if (!Number.isInteger(days) || days < 1 || days > MAX_RUN_LOG_RETENTION_DAYS) {
    throw new RangeError(`retention must be a whole number of days from 1 to ${MAX_RUN_LOG_RETENTION_DAYS}`);
  }
  db.orm
    .insert(appSettings)
    .values({ key: RETENTION_KEY, value: String(days) })
    .onConflictDoUpdate({ target: appSettings.key, set: { value: String(days) } })
    .run();
  return { retentionDays: days, pruned: pruneRunLog(db) };
}

/** Deletes entries older than the retention; returns how many. */
export function pruneRunLog(db: AttuneDb, now = Date.now()): number {
  const { retentionDays } = getRunLogSettings(db);
  return db.orm.delete(runLog).where(lt(runLog.at, now - retentionDays * DAY_MS)).run().changes;
}

"use client";

import { useCallback, useEffect, useState } from "react";
import { formatMs, formatRelativeTime } from "@/lib/format";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";

type Item = RouterOutputs["runLog"]["list"]["items"][number];
type Status = Item["status"];
type Key = RouterOutputs["apiKeys"]["list"][number];

// Mirrors RUN_STATUSES in @attune/db (importing it would pull SQLite into the browser bundle).
const STATUSES: { value: Status; label: string }[] = [
  { value: "ok", label: "ok" },
  { value: "partial", label: "partial (a node failed)" },
  { value: "rejected", label: "rejected (4xx)" },
  { value: "rate_limited", label: "rate limited (429)" },
  { value: "timeout", label: "timeout (504)" },
  { value: "failed", label: "failed (5xx)" },
];

const SINCE: { value: string; label: string; ms: number | null }[] = [
  { value: "all", label: "any time", ms: null },
  { value: "15m", label: "last 15 minutes", ms: 15 * 60_000 },
  { value: "1h", label: "last hour", ms: 60 * 60_000 },
  { value: "24h", label: "last 24 hours", ms: 24 * 60 * 60_000 },
  { value: "7d", label: "last 7 days", ms: 7 * 24 * 60 * 60_000 },
];

const PAGE = 25;

/** The endpoint's run log (never the key, only its name) with filters, paging and the retention setting. */
export function RunLog({ slug, refreshKey = 0 }: { slug: string; refreshKey?: number }) {
  const [status, setStatus] = useState<Status | "">("");
  const [keyId, setKeyId] = useState("");
  const [since, setSince] = useState("all");
  const [items, setItems] = useState<Item[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [keys, setKeys] = useState<Key[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [retention, setRetention] = useState<number | null>(null);
  const [retentionDraft, setRetentionDraft] = useState("");
  const [retentionNote, setRetentionNote] = useState<string | null>(null);

  const query = useCallback(
    (after?: string) => {
      const sinceMs = SINCE.find((s) => s.value === since)?.ms ?? null;
      return trpc.runLog.list.query({
        slug,
        limit: PAGE,
        ...(status ? { status } : {}),
        ...(keyId ? { keyId } : {}),
        ...(sinceMs !== null ? { since: Date.now() - sinceMs } : {}),
        ...(after ? { cursor: after } : {}),
      });
    },
    [slug, status, keyId, since],
  );

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      const page = await query();
      setItems(page.items);
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(`Could not load the run log: ${errorMessage(err)}`);
    } finally {
      setLoading(false);
    }
  }, [query]);

  // The runner writes the log in batches, so a run shows up a moment after its response.
  useEffect(() => {
    void reload();
    if (refreshKey === 0) return;
    const timer = setTimeout(() => void reload(), 1500);
    return () => clearTimeout(timer);
  }, [reload, refreshKey]);

  useEffect(() => {
    trpc.apiKeys.list
      .query()
      .then((all) => setKeys(all.filter((k) => k.scopes.includes(slug))))
      .catch(() => setKeys([]));
    trpc.runLog.settings
      .query()
      .then((s) => {
        setRetention(s.retentionDays);
        setRetentionDraft(String(s.retentionDays));
      })
      .catch(() => setRetention(null));
  }, [slug]);

  async function more() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await query(cursor);
      setItems((current) => [...(current ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(`Could not load more: ${errorMessage(err)}`);
    } finally {
      setLoading(false);
    }
  }

  async function saveRetention() {
    const days = Number(retentionDraft);
    if (!Number.isInteger(days) || days < 1) {
      setRetentionNote("Enter a whole number of days (1 or more).");
      return;
    }
    try {
      await trpc.runLog.setRetention.mutate({ days });
      setRetention(days);
      setRetentionNote(`Entries older than ${days} day${days === 1 ? "" : "s"} are deleted.`);
      await reload();
    } catch (err) {
      setRetentionNote(`Could not save: ${errorMessage(err)}`);
    }
  }

  return (
    <div data-testid="run-log">
      <h3 className="pub-row" style={{ fontSize: 13, textTransform: "uppercase", letterSpacing: "0.05em", color: "var(--muted)", marginBottom: 10 }}>
        <span className="grow">Run log</span>
        <button type="button" onClick={() => void reload()} disabled={loading} data-testid="run-log-refresh">
          Refresh
        </button>
      </h3>
      <div className="pub-row" style={{ marginBottom: 8 }}>
        <select value={status} onChange={(e) => setStatus(e.target.value as Status | "")} aria-label="Status" data-testid="run-log-status">
          <option value="">all statuses</option>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <select value={keyId} onChange={(e) => setKeyId(e.target.value)} aria-label="API key" data-testid="run-log-key">
          <option value="">all keys</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name} (atn_{k.prefix}…)
            </option>
          ))}
        </select>
        <select value={since} onChange={(e) => setSince(e.target.value)} aria-label="Since" data-testid="run-log-since">
          {SINCE.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      {error && <div className="banner error">{error}</div>}
      {items && items.length === 0 && <div className="muted small" data-testid="run-log-empty">No calls match{status || keyId || since !== "all" ? " these filters" : " yet"}.</div>}
      {items && items.length > 0 && (
        <table className="pub-table" data-testid="run-log-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Status</th>
              <th>HTTP</th>
              <th style={{ textAlign: "right" }}>Latency</th>
              <th>Key</th>
              <th>Version</th>
              <th>Error</th>
              <th>Run id</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.runId} data-testid="run-log-row" data-run-id={item.runId} data-status={item.status} data-http-status={item.httpStatus}>
                <td title={new Date(item.at).toLocaleString()}>{formatRelativeTime(item.at)}</td>
                <td>
                  <span className={`pill ${item.status}`}>{item.status}</span>
                </td>
                <td>{item.httpStatus}</td>
                <td className="num">{formatMs(item.latencyMs)}</td>
                <td>{item.keyName ?? <span className="muted">none</span>}</td>
                <td>{item.deploymentVersion !== null ? `v${item.deploymentVersion}` : "—"}</td>
                <td>{item.errorCode ? <code>{item.errorCode}</code> : ""}</td>
                <td>
                  <code title={item.runId}>{item.runId.slice(0, 10)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()} disabled={loading} style={{ marginTop: 8 }} data-testid="run-log-more">
          Load older calls
        </button>
      )}
      <div className="pub-row small" style={{ marginTop: 12, borderTop: "1px solid var(--border)", paddingTop: 10 }}>
        <span className="muted">Keep the run log for</span>
        <input type="number" min={1} max={3650} style={{ width: 80 }} value={retentionDraft} onChange={(e) => setRetentionDraft(e.target.value)} data-testid="retention-days" />
        <span className="muted">days (all endpoints)</span>
        <button type="button" onClick={() => void saveRetention()} disabled={retention !== null && String(retention) === retentionDraft} data-testid="retention-save">
          Save
        </button>
        {retentionNote && <span data-testid="retention-note">{retentionNote}</span>}
      </div>
    </div>
  );
}

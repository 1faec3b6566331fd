"use client";

import { formatRelativeTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";

type VersionSummary = RouterOutputs["pipelines"]["history"][number];

/** Saved versions, newest first; restoring writes a new version with the old document. */
export function HistoryPanel({
  versions,
  headVersion,
  busy,
  onRestore,
}: {
  versions: VersionSummary[] | null;
  headVersion: number;
  busy: boolean;
  onRestore: (version: number) => void;
}) {
  if (versions === null) return <div className="muted small">Loading history…</div>;
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return (
    <ul className="history-list" data-testid="history-list">
      {sorted.map((v) => (
        <li key={v.version} data-testid={`history-version-${v.version}`}>
          <strong>v{v.version}</strong>
          <span className="grow" title={v.message ?? ""}>
            {v.message ?? <span className="muted">{v.nodeCount} nodes</span>}
            <span className="muted"> · {formatRelativeTime(v.createdAt)}</span>
          </span>
          {v.version === headVersion ? (
            <span className="pill ok">current</span>
          ) : (
            <button type="button" disabled={busy} onClick={() => onRestore(v.version)} data-testid={`restore-${v.version}`}>
              Restore
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

"use client";

import type { ValidationIssue } from "@attune/graph";

/** Where the document stands relative to the server. */
export function SaveIndicator({ status, lastSavedAt }: { status: string; lastSavedAt?: number }) {
  const text =
    status === "saving" ? "Saving…" : status === "dirty" ? "Unsaved changes" : status === "conflict" ? "Conflict: not saved" : status === "error" ? "Save failed" : lastSavedAt ? "All changes saved" : "Saved";
  const cls = status === "dirty" || status === "saving" ? "dirty" : status === "conflict" || status === "error" ? "error" : "";
  return (
    <span className={`save-state ${cls}`} data-testid="save-state" data-status={status}>
      {text}
    </span>
  );
}

/** Every validation issue; clicking one selects the node it points at. */
export function IssueList({ issues, onSelect }: { issues: ValidationIssue[]; onSelect: (nodeId: string) => void }) {
  if (issues.length === 0) return <div className="muted small" data-testid="no-issues">No problems.</div>;
  return (
    <ul className="issue-list" data-testid="issue-list">
      {issues.map((issue, i) => (
        <li key={i} onClick={() => issue.nodeId && onSelect(issue.nodeId)} title={issue.nodeId ? "Select the node" : undefined}>
          <span className={issue.severity}>{issue.severity === "error" ? "●" : "▲"}</span> {issue.message}{" "}
          <span className="code">
            {issue.code}
            {issue.nodeId ? ` · ${issue.nodeId}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

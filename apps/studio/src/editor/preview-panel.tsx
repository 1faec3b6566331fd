"use client";

import type { NodeInstance } from "@attune/graph";
import { formatMs } from "@/lib/format";
import type { PreviewState } from "./use-live-preview";

/** One input field per input node (keyed by its run-input `name`), plus the run's status. */
export function PreviewPanel({
  inputNodes,
  values,
  maxChars,
  preview,
  onChange,
}: {
  inputNodes: NodeInstance[];
  values: Record<string, string>;
  maxChars: number;
  preview: PreviewState;
  onChange: (name: string, value: string) => void;
}) {
  const seen = new Set<string>();
  return (
    <div data-testid="preview-panel">
      {inputNodes.length === 0 && <p className="muted small" style={{ marginTop: 0 }}>Add a Text input node to type into the pipeline.</p>}
      {inputNodes.map((node) => {
        const name = typeof node.params.name === "string" ? node.params.name : "";
        // Two input nodes with one name read the same run input: one field serves both.
        if (!name || seen.has(name)) return null;
        seen.add(name);
        const isNumber = node.type === "core.number-input";
        const sample = typeof node.params.sample === "string" || typeof node.params.sample === "number" ? String(node.params.sample) : "";
        return (
          <div className="field" key={name}>
            <label htmlFor={`preview-input-${name}`}>
              {name} <span className="muted small">({isNumber ? "number" : "text"})</span>
            </label>
            {isNumber ? (
              <input
                id={`preview-input-${name}`}
                data-testid={`preview-input-${name}`}
                type="number"
                value={values[name] ?? ""}
                placeholder={sample}
                onChange={(e) => onChange(name, e.target.value)}
              />
            ) : (
              <textarea
                id={`preview-input-${name}`}
                data-testid={`preview-input-${name}`}
                value={values[name] ?? ""}
                maxLength={maxChars}
                placeholder={sample || "Type something to see every node react…"}
                onChange={(e) => onChange(name, e.target.value)}
              />
            )}
          </div>
        );
      })}
      <div className="run-status" data-testid="run-status" data-status={preview.status}>
        <span className={`pill ${preview.status === "waiting" ? "running" : preview.status}`}>{statusLabel(preview.status)}</span>
        {preview.durationMs !== undefined && preview.status !== "error" && (
          <span className="muted" data-testid="run-latency">total {formatMs(preview.durationMs)}</span>
        )}
      </div>
      {preview.status === "error" && preview.error && (
        <div className="error-text small" style={{ marginTop: 6 }} data-testid="preview-error">
          {preview.error}
          {preview.issues?.map((issue, i) => (
            <div key={i}>
              {issue.nodeId ? <code>{issue.nodeId}</code> : null} {issue.message}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function statusLabel(status: PreviewState["status"]): string {
  switch (status) {
    case "idle": return "idle";
    case "waiting":
    case "running": return "running…";
    case "ok": return "ok";
    case "partial": return "partial (some nodes failed)";
    case "failed": return "failed";
    case "cancelled": return "cancelled";
    case "error": return "not running";
  }
}

import type { PreviewSummary } from "@attune/graph";

/** Renders a node's preview summary compactly enough to live on a canvas node. */
export function PreviewView({ preview }: { preview: PreviewSummary }) {
  switch (preview.kind) {
    case "scores": {
      const sorted = [...preview.top].sort((a, b) => b.score - a.score);
      const best = sorted[0]?.label;
      return (
        <div data-kind="scores" data-top-label={best ?? ""} data-taxonomy={preview.taxonomy}>
          {sorted.map((s) => (
            <div key={s.label} className={`bar-row${s.label === best ? " top" : ""}`} data-label={s.label} data-score={s.score}>
              <span>{s.label}</span>
              <span className="bar"><span style={{ width: `${Math.max(0, Math.min(1, s.score)) * 100}%` }} /></span>
              <span className="val">{s.score.toFixed(2)}</span>
            </div>
          ))}
          {preview.extra &&
            Object.entries(preview.extra).map(([k, v]) => (
              <div key={k} className="small muted">
                {k}: {v.toFixed(3)}
              </div>
            ))}
          {!preview.calibrated && <div className="small muted">uncalibrated scores</div>}
        </div>
      );
    }
    case "action":
      return preview.action ? (
        <div data-kind="action" data-action={preview.action.name}>
          <span className="action-chip">{preview.action.name}</span>
          {preview.action.reason && <div className="small muted" style={{ marginTop: 3 }}>{preview.action.reason}</div>}
        </div>
      ) : (
        <div data-kind="action" data-action="none">
          <span className="action-chip none">no action</span>
        </div>
      );
    case "text":
      return (
        <div data-kind="text" className="result-text">
          {preview.text || <span className="muted">(empty)</span>}
          {preview.truncated && "…"}
        </div>
      );
    case "number":
      return (
        <div data-kind="number">
          <span className="result-number">{formatNumber(preview.value)}</span>
          {preview.label && <span className="muted small"> {preview.label}</span>}
        </div>
      );
    case "boolean":
      return <div data-kind="boolean" className="result-number">{preview.value ? "true" : "false"}</div>;
    case "json":
      return (
        <pre data-kind="json" className="result-text" style={{ margin: 0, fontSize: 11 }}>
          {preview.json}
          {preview.truncated && "…"}
        </pre>
      );
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

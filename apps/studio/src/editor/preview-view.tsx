import type { PreviewSummary } from "@attune/graph";
import { FACE_COLORS, FacesOverlay, formatValue, Gauge, MiniWaveform, SegmentTimeline, seriesRange, sparklinePath } from "@/media/visuals";

/** Renders a node's preview summary compactly enough to live on a canvas node. */
export function PreviewView({ preview, nodeId = "" }: { preview: PreviewSummary; nodeId?: string }) {
  switch (preview.kind) {
    case "image":
      return (
        <div data-kind="image" data-testid={`node-image-${nodeId}`} data-width={preview.width} data-height={preview.height}>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data URL thumbnail, nothing to optimise */}
          <img className="node-thumb" src={preview.thumbnail} alt={`input image ${preview.width}×${preview.height}`} />
          <div className="small muted">
            {preview.width}×{preview.height} px
          </div>
        </div>
      );
    case "faces":
      return <FacesView preview={preview} nodeId={nodeId} />;
    case "audio":
      return (
        <div data-kind="audio" data-testid={`node-audio-${nodeId}`} data-duration={preview.durationSec}>
          <MiniWaveform peaks={preview.peaks} durationSec={preview.durationSec} segments={preview.segments} />
          <div className="small muted">{preview.durationSec.toFixed(2)} s</div>
        </div>
      );
    case "segments": {
      const speech = preview.segments.reduce((sum, s) => sum + (s.end - s.start), 0);
      return (
        <div data-kind="segments" data-testid={`node-segments-${nodeId}`} data-segment-count={preview.segments.length}>
          <SegmentTimeline durationSec={preview.durationSec} segments={preview.segments} />
          <div className="small muted">
            {preview.segments.length === 0
              ? `no speech in ${preview.durationSec.toFixed(1)} s`
              : `${preview.segments.length} segment${preview.segments.length === 1 ? "" : "s"} · ${speech.toFixed(1)} of ${preview.durationSec.toFixed(1)} s speech`}
          </div>
        </div>
      );
    }
    case "series":
      return (
        <div data-kind="series" data-testid={`node-series-${nodeId}`} data-series-names={preview.series.map((s) => s.name).join(",")}>
          {preview.series.slice(0, 3).map((s, i) => {
            const range = seriesRange(s.values);
            return (
              <div key={s.name} className="sparkline-row" data-series={s.name}>
                <span className="spark-label">{s.name}</span>
                <svg className="sparkline" viewBox="0 0 160 28" preserveAspectRatio="none">
                  <path d={sparklinePath(s.values, 160, 26, range)} transform="translate(0,1)" fill="none" stroke={i === 0 ? "#7c3aed" : "#0891b2"} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
                </svg>
                <span className="spark-range">{range ? `${formatValue(range.min)}–${formatValue(range.max)} ${s.unit}` : "—"}</span>
              </div>
            );
          })}
          {preview.stats && (
            <div className="stat-grid">
              {Object.entries(preview.stats)
                .slice(0, 6)
                .map(([k, v]) => (
                  <span key={k} data-stat={k} data-value={v}>
                    {k} <b>{formatValue(v)}</b>
                  </span>
                ))}
            </div>
          )}
        </div>
      );
    case "gauge":
      return <Gauge label={preview.label} value={preview.value} min={preview.min} max={preview.max} flag={preview.flag} testId={`node-gauge-${nodeId}`} />;
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

/** Thumbnail with face boxes, then each face's top emotions as bars. */
function FacesView({ preview, nodeId }: { preview: Extract<PreviewSummary, { kind: "faces" }>; nodeId: string }) {
  return (
    <div data-kind="faces" data-testid={`node-faces-${nodeId}`} data-face-count={preview.faces.length}>
      <div className="faces-frame" style={{ aspectRatio: `${preview.width} / ${preview.height}` }}>
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL thumbnail, nothing to optimise */}
        {preview.thumbnail && <img src={preview.thumbnail} alt="" />}
        <FacesOverlay width={preview.width} height={preview.height} faces={preview.faces} />
      </div>
      {preview.faces.length === 0 && <div className="small muted">no face found</div>}
      {preview.faces.slice(0, 4).map((face, i) => (
        <div key={i} className="face-row" data-testid={`node-face-${nodeId}-${i}`} data-top-label={face.top?.[0]?.label ?? ""}>
          <div className="face-title">
            <span className="face-swatch" style={{ background: FACE_COLORS[i % FACE_COLORS.length] }} />
            face {i + 1} <span className="muted">({Math.round(face.score * 100)}%)</span>
          </div>
          {face.top?.slice(0, 3).map((s, k) => (
            <div key={s.label} className={`bar-row${k === 0 ? " top" : ""}`} data-label={s.label} data-score={s.score}>
              <span>{s.label}</span>
              <span className="bar"><span style={{ width: `${Math.max(0, Math.min(1, s.score)) * 100}%` }} /></span>
              <span className="val">{s.score.toFixed(2)}</span>
            </div>
          ))}
        </div>
      ))}
      {preview.faces.length > 4 && <div className="small muted">+{preview.faces.length - 4} more</div>}
    </div>
  );
}

import type { PreviewFace } from "@attune/graph";
import "./media.css";

/**
 * Small SVG pieces shared by the canvas node results and the preview panels. Everything is drawn
 * in the summary's own coordinates (image pixels, seconds) and scaled by the SVG viewBox.
 */

export const FACE_COLORS = ["#22c55e", "#3b82f6", "#f97316", "#e11d48", "#a855f7", "#14b8a6"];

/** Face boxes with the top emotion per face, over an image of `width` x `height` pixels. */
export function FacesOverlay({
  width,
  height,
  faces,
  className,
  labelScale = 1,
  testId,
}: {
  width: number;
  height: number;
  faces: readonly PreviewFace[];
  className?: string;
  /** Labels are sized relative to the image; live video wants them larger. */
  labelScale?: number;
  testId?: string;
}) {
  const stroke = Math.max(1.5, Math.min(width, height) / 120);
  const font = Math.max(10, Math.min(width, height) / 18) * labelScale;
  return (
    <svg
      className={className ?? "faces-overlay"}
      viewBox={`0 0 ${Math.max(1, width)} ${Math.max(1, height)}`}
      preserveAspectRatio="xMidYMid meet"
      data-testid={testId}
      data-face-count={faces.length}
    >
      {faces.map((face, i) => {
        const color = FACE_COLORS[i % FACE_COLORS.length]!;
        const top = face.top?.[0];
        const label = top ? `${top.label} ${Math.round(top.score * 100)}%` : `face ${Math.round(face.score * 100)}%`;
        const { x, y, width: w, height: h } = face.box;
        const labelY = y - font * 0.35 > font ? y - font * 0.35 : y + h + font;
        return (
          <g key={i} data-face-index={i} data-top-label={top?.label ?? ""}>
            <rect x={x} y={y} width={w} height={h} fill="none" stroke={color} strokeWidth={stroke} rx={stroke} />
            <text x={x} y={labelY} fontSize={font} fill={color} stroke="rgba(0,0,0,0.65)" strokeWidth={font / 8} paintOrder="stroke" fontWeight={600}>
              {label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** SVG path through `values` over [0, width]; null values break the line (unvoiced frames). */
export function sparklinePath(values: readonly (number | null)[], width: number, height: number, range?: { min: number; max: number }): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return "";
  const min = range?.min ?? Math.min(...finite);
  const max = range?.max ?? Math.max(...finite);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const x = i * step;
    const y = height - Math.max(0, Math.min(1, (v - min) / span)) * height;
    d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  });
  return d;
}

export function seriesRange(values: readonly (number | null)[]): { min: number; max: number } | undefined {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  return { min: Math.min(...finite), max: Math.max(...finite) };
}

/** A waveform overview from peaks (0..1), mirrored around the middle, with speech spans shaded. */
export function MiniWaveform({
  peaks,
  durationSec,
  segments,
  height = 40,
}: {
  peaks: readonly number[];
  durationSec: number;
  segments?: readonly { start: number; end: number }[];
  height?: number;
}) {
  const width = 240;
  const max = Math.max(1e-6, ...peaks.map(Math.abs));
  const bar = peaks.length > 0 ? width / peaks.length : width;
  return (
    <svg className="mini-wave" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" height={height}>
      {segments?.map((s, i) => (
        <rect
          key={i}
          className="speech-span"
          x={(s.start / Math.max(durationSec, 1e-6)) * width}
          width={Math.max(1, ((s.end - s.start) / Math.max(durationSec, 1e-6)) * width)}
          y={0}
          height={height}
        />
      ))}
      {peaks.map((p, i) => {
        const h = Math.max(1, (Math.abs(p) / max) * (height - 2));
        return <rect key={i} x={i * bar} width={Math.max(bar * 0.8, 0.5)} y={(height - h) / 2} height={h} fill="#0891b2" />;
      })}
    </svg>
  );
}

/** Speech segments as bars on a timeline of `durationSec`. */
export function SegmentTimeline({ durationSec, segments }: { durationSec: number; segments: readonly { start: number; end: number; probability?: number }[] }) {
  const d = Math.max(durationSec, 1e-6);
  return (
    <div className="segment-timeline">
      {segments.map((s, i) => (
        <span
          key={i}
          className="segment-bar"
          data-start={s.start}
          data-end={s.end}
          title={`${s.start.toFixed(2)}–${s.end.toFixed(2)} s${s.probability !== undefined ? ` · p=${s.probability.toFixed(2)}` : ""}`}
          style={{ left: `${(s.start / d) * 100}%`, width: `${Math.max(0.5, ((s.end - s.start) / d) * 100)}%`, opacity: 0.45 + 0.55 * (s.probability ?? 1) }}
        />
      ))}
    </div>
  );
}

/** A horizontal gauge from min to max with the value marked and an optional warning flag. */
export function Gauge({ label, value, min, max, flag, testId }: { label: string; value: number; min: number; max: number; flag?: string; testId?: string }) {
  const t = Math.max(0, Math.min(1, (value - min) / (max - min || 1)));
  const hue = 140 - 140 * t; // green (calm) -> red (aroused)
  return (
    <div className="gauge" data-testid={testId} data-value={value} data-flag={flag ?? ""}>
      <div className="gauge-head">
        <span>{label}</span>
        <span className="gauge-value">{formatValue(value)}</span>
      </div>
      <div className="gauge-track">
        <span className="gauge-fill" style={{ width: `${t * 100}%`, background: `hsl(${hue} 70% 45%)` }} />
      </div>
      <div className="gauge-scale">
        <span>{formatValue(min)}</span>
        <span>{formatValue(max)}</span>
      </div>
      {flag && <span className="gauge-flag">{flag}</span>}
    </div>
  );
}

export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

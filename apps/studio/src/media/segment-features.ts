import type { PreviewOf } from "./downstream";
import { formatValue } from "./visuals";

export interface FeatureRow {
  name: string;
  value: string;
}

/**
 * Features of one speech segment for the panel. When the run's result carries prosody with
 * per-segment features (prosody wired to an output), those are shown as computed by the runner;
 * the contour statistics within the segment (mean, range and slope of each series) are always shown.
 */
export function segmentFeatures(
  segment: { start: number; end: number; probability?: number },
  series: PreviewOf<"series"> | undefined,
  outputs: Record<string, unknown> | undefined,
): FeatureRow[] {
  const rows: FeatureRow[] = [{ name: "duration", value: `${(segment.end - segment.start).toFixed(2)} s` }];
  if (segment.probability !== undefined) rows.push({ name: "speech probability", value: segment.probability.toFixed(2) });
  const fromRunner = perSegmentFromOutputs(segment, outputs);
  if (fromRunner) {
    for (const [k, v] of Object.entries(fromRunner)) {
      if (k === "start" || k === "end" || typeof v !== "number" || !Number.isFinite(v)) continue;
      rows.push({ name: k, value: formatValue(v) });
    }
  }
  if (series && series.durationSec > 0) {
    for (const s of series.series) {
      // Loudness frames at the floor (-100 dB) are digital silence, not a level worth averaging.
      const values = /db/i.test(s.unit) ? s.values.map((v) => (v !== null && v <= -99 ? null : v)) : s.values;
      const stats = windowStats(values, series.durationSec, segment.start, segment.end);
      if (!stats) {
        rows.push({ name: `${s.name}`, value: "none (unvoiced)" });
        continue;
      }
      rows.push({ name: `${s.name} mean`, value: `${formatValue(stats.mean)} ${s.unit}` });
      rows.push({ name: `${s.name} range`, value: `${formatValue(stats.min)}–${formatValue(stats.max)} ${s.unit}` });
      rows.push({ name: `${s.name} slope`, value: `${stats.slope >= 0 ? "+" : ""}${formatValue(stats.slope)} ${s.unit}/s` });
    }
  }
  return rows;
}

/** Mean, range and least-squares slope (per second) of the non-null values inside [start, end). */
export function windowStats(values: readonly (number | null)[], durationSec: number, start: number, end: number) {
  const step = values.length > 1 ? durationSec / (values.length - 1) : durationSec;
  const xs: number[] = [];
  const ys: number[] = [];
  values.forEach((v, i) => {
    const t = i * step;
    if (v !== null && Number.isFinite(v) && t >= start && t < end) {
      xs.push(t);
      ys.push(v);
    }
  });
  if (ys.length === 0) return undefined;
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - mean);
    den += (xs[i]! - mx) ** 2;
  }
  return { mean, min: Math.min(...ys), max: Math.max(...ys), slope: den > 0 ? num / den : 0 };
}

function perSegmentFromOutputs(segment: { start: number; end: number }, outputs: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  for (const value of Object.values(outputs ?? {})) {
    const list = (value as { perSegment?: unknown } | null)?.perSegment;
    if (!Array.isArray(list)) continue;
    const match = list.find(
      (f: unknown) =>
        typeof f === "object" && f !== null && Math.abs(Number((f as { start: unknown }).start) - segment.start) < 0.1 && Math.abs(Number((f as { end: unknown }).end) - segment.end) < 0.1,
    );
    if (match) return match as Record<string, unknown>;
  }
  return undefined;
}

/** Small SVG charts of the Feedback page that @attune/stats does not have (lines over time, signed bars). */

const PALETTE = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#dc2626", "#65a30d", "#9333ea", "#475569"];

export function seriesColour(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Mean rating (1..5) per day, one line per deployment version. */
export function TrendChart({ series, width = 560 }: { series: { name: string; points: { day: string; n: number; mean: number }[] }[]; width?: number }) {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const height = 220;
  const left = 36;
  const right = 12;
  const top = 28 + 16 * Math.ceil(series.length / 4);
  const bottom = 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (day: string) => left + (days.length <= 1 ? plotW / 2 : (days.indexOf(day) / (days.length - 1)) * plotW);
  const y = (rating: number) => top + ((5 - rating) / 4) * plotH;
  const tickEvery = Math.max(1, Math.ceil(days.length / 6));
  return (
    <svg role="img" aria-label="Mean rating per day by version" width={width} height={height} viewBox={`0 0 ${width} ${height}`} fontFamily="system-ui, sans-serif" data-testid="feedback-trend">
      <text x={0} y={16} fontSize={13} fontWeight={600}>Mean rating per day, by version</text>
      {series.map((s, i) => (
        <g key={s.name} transform={`translate(${(i % 4) * 130}, ${24 + Math.floor(i / 4) * 16})`}>
          <rect width={10} height={10} fill={seriesColour(i)} rx={2} />
          <text x={14} y={9} fontSize={11}>{s.name}</text>
        </g>
      ))}
      {[1, 2, 3, 4, 5].map((r) => (
        <g key={r}>
          <line x1={left} x2={left + plotW} y1={y(r)} y2={y(r)} stroke="#e2e8f0" />
          <text x={left - 6} y={y(r) + 4} fontSize={10} textAnchor="end" fill="#64748b">{r}</text>
        </g>
      ))}
      {days.map((d, i) =>
        i % tickEvery === 0 ? (
          <text key={d} x={x(d)} y={height - 14} fontSize={10} textAnchor="middle" fill="#64748b">{d.slice(5)}</text>
        ) : null,
      )}
      {series.map((s, i) => (
        <g key={s.name} stroke={seriesColour(i)} fill={seriesColour(i)}>
          <polyline fill="none" strokeWidth={2} points={s.points.map((p) => `${x(p.day)},${y(p.mean)}`).join(" ")} />
          {s.points.map((p) => (
            <circle key={p.day} cx={x(p.day)} cy={y(p.mean)} r={2 + Math.min(4, Math.sqrt(p.n))}>
              <title>{`${s.name}, ${p.day}: mean ${p.mean.toFixed(2)} from ${p.n} rating${p.n === 1 ? "" : "s"}`}</title>
            </circle>
          ))}
        </g>
      ))}
    </svg>
  );
}

/** Spearman's rho per output field on a -1..1 axis, with n beside each bar. */
export function CorrelationChart({ rows, width = 600 }: { rows: { field: string; rho: number | null; n: number }[]; width?: number }) {
  const labelW = 170;
  const valueW = 120;
  const plotW = width - labelW - valueW;
  const rowH = 24;
  const top = 28;
  const height = top + rows.length * rowH + 22;
  const x = (v: number) => labelW + ((v + 1) / 2) * plotW;
  return (
    <svg role="img" aria-label="Spearman correlation of each output with the rating" width={width} height={height} viewBox={`0 0 ${width} ${height}`} fontFamily="system-ui, sans-serif" data-testid="feedback-correlations">
      <text x={0} y={16} fontSize={13} fontWeight={600}>Rating vs. output (Spearman ρ)</text>
      {[-1, -0.5, 0, 0.5, 1].map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={top - 4} y2={height - 18} stroke={t === 0 ? "#94a3b8" : "#e2e8f0"} />
          <text x={x(t)} y={height - 4} fontSize={10} textAnchor="middle" fill="#64748b">{t}</text>
        </g>
      ))}
      {rows.map((r, i) => {
        const yy = top + i * rowH;
        const rho = r.rho;
        return (
          <g key={r.field}>
            <text x={labelW - 8} y={yy + 15} fontSize={12} textAnchor="end">
              {r.field.length > 24 ? `${r.field.slice(0, 23)}…` : r.field}
              <title>{r.field}</title>
            </text>
            {rho !== null && (
              <rect x={Math.min(x(0), x(rho))} y={yy + 5} width={Math.abs(x(rho) - x(0))} height={rowH - 10} rx={2} fill={rho < 0 ? "#dc2626" : "#2563eb"}>
                <title>{`${r.field}: rho ${rho.toFixed(3)}, n = ${r.n}`}</title>
              </rect>
            )}
            <text x={labelW + plotW + 8} y={yy + 15} fontSize={11} fill="#334155">
              {rho === null ? "n/a" : rho.toFixed(2)} (n = {r.n})
            </text>
          </g>
        );
      })}
    </svg>
  );
}

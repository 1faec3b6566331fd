import type { Disparity } from "./disparity";
import type { GroupAuditReport, GroupMetrics } from "./group-audit";

/**
 * SVG charts and a self-contained HTML page for a group audit. Strings only, no DOM, so the same
 * charts appear in the studio and in the exported page (which must open offline, years later,
 * with no scripts or external files). Every piece of user text passes through escapeHtml.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export interface Bar {
  label: string;
  value: number | null;
  /** Confidence interval drawn as a whisker. */
  low?: number | null;
  high?: number | null;
  /** Drawn hatched-grey: e.g. a group too small to judge. */
  muted?: boolean;
  note?: string;
}

const PALETTE = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#dc2626", "#65a30d", "#9333ea", "#475569"];
const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "n/a" : v.toFixed(digits));

/** Horizontal bars on a 0..max scale with optional CI whiskers. */
export function barChartSvg(options: { title: string; bars: readonly Bar[]; max?: number; width?: number }): string {
  const max = options.max ?? 1;
  const width = options.width ?? 600;
  const labelW = 150;
  const valueW = 190;
  const plotW = width - labelW - valueW;
  const rowH = 26;
  const top = 28;
  const height = top + options.bars.length * rowH + 22;
  const x = (v: number) => labelW + (Math.min(max, Math.max(0, v)) / max) * plotW;
  const parts: string[] = [];
  parts.push(`<text x="0" y="16" font-size="13" font-weight="600">${escapeHtml(options.title)}</text>`);
  // Gridlines at quarters, so whiskers can be read against a scale.
  for (let q = 0; q <= 4; q++) {
    const gx = x((max * q) / 4);
    parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 18}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${gx}" y="${height - 4}" font-size="10" text-anchor="middle" fill="#64748b">${fmt((max * q) / 4)}</text>`);
  }
  options.bars.forEach((bar, i) => {
    const y = top + i * rowH;
    const fill = bar.muted ? "#cbd5e1" : PALETTE[0];
    parts.push(`<text x="${labelW - 8}" y="${y + 16}" font-size="12" text-anchor="end">${escapeHtml(truncate(bar.label, 22))}<title>${escapeHtml(bar.label)}</title></text>`);
    if (bar.value !== null) {
      parts.push(`<rect x="${labelW}" y="${y + 5}" width="${Math.max(0, x(bar.value) - labelW)}" height="${rowH - 10}" fill="${fill}" rx="2"><title>${escapeHtml(`${bar.label}: ${fmt(bar.value, 3)}`)}</title></rect>`);
    }
    if (bar.low !== null && bar.low !== undefined && bar.high !== null && bar.high !== undefined) {
      const cy = y + rowH / 2;
      parts.push(`<g stroke="#0f172a" stroke-width="1.5" data-whisker="1"><line x1="${x(bar.low)}" y1="${cy}" x2="${x(bar.high)}" y2="${cy}"/><line x1="${x(bar.low)}" y1="${cy - 5}" x2="${x(bar.low)}" y2="${cy + 5}"/><line x1="${x(bar.high)}" y1="${cy - 5}" x2="${x(bar.high)}" y2="${cy + 5}"/></g>`);
    }
    const text = bar.value === null ? "n/a" : `${fmt(bar.value)}${bar.low !== null && bar.low !== undefined && bar.high !== null && bar.high !== undefined ? ` [${fmt(bar.low)}, ${fmt(bar.high)}]` : ""}`;
    parts.push(`<text x="${labelW + plotW + 8}" y="${y + 16}" font-size="11" fill="#334155">${escapeHtml(text)}${bar.note ? ` ${escapeHtml(bar.note)}` : ""}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(options.title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">${parts.join("")}</svg>`;
}

/** One block of bars per category (e.g. a class), one bar per series (e.g. a group), with a legend. */
export function groupedBarChartSvg(options: {
  title: string;
  categories: readonly string[];
  series: readonly { name: string; values: Readonly<Record<string, number | null>>; muted?: boolean }[];
  max?: number;
  width?: number;
}): string {
  const max = options.max ?? 1;
  const width = options.width ?? 560;
  const labelW = 110;
  const plotW = width - labelW - 60;
  const barH = 12;
  const blockGap = 10;
  const top = 28 + 18 * Math.ceil(options.series.length / 3);
  const blockH = options.series.length * barH + blockGap;
  const height = top + options.categories.length * blockH + 10;
  const parts: string[] = [`<text x="0" y="16" font-size="13" font-weight="600">${escapeHtml(options.title)}</text>`];
  options.series.forEach((s, i) => {
    const lx = (i % 3) * 180;
    const ly = 30 + Math.floor(i / 3) * 18;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${s.muted ? "#cbd5e1" : PALETTE[i % PALETTE.length]}"/><text x="${lx + 14}" y="${ly}" font-size="11">${escapeHtml(truncate(s.name, 24))}${s.muted ? " (too small)" : ""}</text>`);
  });
  options.categories.forEach((category, ci) => {
    const y0 = top + ci * blockH;
    parts.push(`<text x="${labelW - 8}" y="${y0 + (options.series.length * barH) / 2 + 4}" font-size="12" text-anchor="end">${escapeHtml(truncate(category, 16))}</text>`);
    options.series.forEach((s, si) => {
      const v = s.values[category];
      const y = y0 + si * barH;
      if (v === null || v === undefined) {
        parts.push(`<text x="${labelW + 4}" y="${y + barH - 2}" font-size="9" fill="#94a3b8">no items</text>`);
        return;
      }
      const w = (Math.min(max, Math.max(0, v)) / max) * plotW;
      parts.push(`<rect x="${labelW}" y="${y + 1}" width="${w}" height="${barH - 2}" fill="${s.muted ? "#cbd5e1" : PALETTE[si % PALETTE.length]}"><title>${escapeHtml(`${s.name} · ${category}: ${fmt(v, 3)}`)}</title></rect>`);
      parts.push(`<text x="${labelW + w + 4}" y="${y + barH - 2}" font-size="9" fill="#334155">${fmt(v)}</text>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(options.title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">${parts.join("")}</svg>`;
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

export const groupBars = (groups: readonly GroupMetrics[], metric: "accuracy" | "macroF1"): Bar[] =>
  groups.map((g) => {
    const ci = metric === "accuracy" ? g.accuracyCi : g.macroF1Ci;
    return { label: `${g.group} (n=${g.scored})`, value: g[metric], low: ci?.low ?? null, high: ci?.high ?? null, muted: g.tooSmall, ...(g.tooSmall ? { note: "too small" } : {}) };
  });

/** One sentence for a disparity, e.g. "accuracy: 0.31 higher for A (0.92) than for B (0.61), 95% CI [0.22, 0.40]". */
export function describeDisparity(name: string, d: Disparity | null): string {
  if (!d) return `${name}: fewer than two groups large enough to compare`;
  const ci = d.ci ? `, ${Math.round(d.ci.confidence * 100)}% CI [${fmt(d.ci.low)}, ${fmt(d.ci.high)}]` : "";
  const verdict = d.ci ? (d.ci.low > 0 ? " — the interval excludes 0: the groups differ" : " — the interval includes 0: no difference shown") : "";
  return `${name}: ${fmt(d.difference)} higher for ${d.best.group} (${fmt(d.best.value)}) than for ${d.worst.group} (${fmt(d.worst.value)})${ci}${verdict}`;
}

export interface ReportPageOptions {
  title: string;
  /** Label/value pairs shown under the title (pipeline, version, data set, ...). */
  facts: readonly (readonly [string, string])[];
  report: GroupAuditReport;
  notes?: readonly string[];
}

/** A readable, self-contained HTML page: inline CSS and SVG, no scripts, no external requests. */
export function renderAuditReportHtml(options: ReportPageOptions): string {
  const { report } = options;
  const p = report.params;
  const pct = Math.round(p.bootstrap.confidence * 100);
  const sections = report.groupings.map((g) => {
    const rows = g.groups
      .map(
        (m) =>
          `<tr${m.tooSmall ? ' class="small"' : ""}><td>${escapeHtml(m.group)}</td><td>${m.n}</td><td>${m.errors}</td><td>${fmt(m.accuracy)} <span class="ci">${m.accuracyCi ? `[${fmt(m.accuracyCi.low)}, ${fmt(m.accuracyCi.high)}]` : ""}</span></td><td>${fmt(m.macroF1)} <span class="ci">${m.macroF1Ci ? `[${fmt(m.macroF1Ci.low)}, ${fmt(m.macroF1Ci.high)}]` : ""}</span></td><td>${fmt(m.ece)}</td><td>${m.tooSmall ? "too small to judge" : ""}</td></tr>`,
      )
      .join("");
    const perClass = g.groups
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.group)}</td>${report.classes.map((c) => `<td>${fmt(m.recall[c] ?? null)}</td>`).join("")}${report.classes.map((c) => `<td>${fmt(m.meanScore[c] ?? null)}</td>`).join("")}</tr>`,
      )
      .join("");
    return `<section>
<h2>By ${escapeHtml(g.column)}</h2>
<p class="disparity">${escapeHtml(describeDisparity("Accuracy", g.disparity.accuracy))}</p>
<p class="disparity">${escapeHtml(describeDisparity("Macro-F1", g.disparity.macroF1))}</p>
${g.tooSmall.length > 0 ? `<p class="muted">Too small to judge (fewer than ${p.minGroupSize} scored items; left out of the disparity): ${g.tooSmall.map(escapeHtml).join(", ")}</p>` : ""}
<div class="charts">${barChartSvg({ title: `Accuracy by ${g.column} (${pct}% CI)`, bars: groupBars(g.groups, "accuracy") })}${barChartSvg({ title: `Macro-F1 by ${g.column} (${pct}% CI)`, bars: groupBars(g.groups, "macroF1") })}${groupedBarChartSvg({ title: `Recall per class by ${g.column}`, categories: report.classes, series: g.groups.map((m) => ({ name: m.group, values: m.recall, muted: m.tooSmall })) })}</div>
<table><thead><tr><th>Group</th><th>n</th><th>errors</th><th>accuracy [${pct}% CI]</th><th>macro-F1 [${pct}% CI]</th><th>ECE</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<table><thead><tr><th rowspan="2">Group</th><th colspan="${report.classes.length}">recall per class</th><th colspan="${report.classes.length}">mean predicted score per class</th></tr><tr>${report.classes.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}${report.classes.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>${perClass}</tbody></table>
</section>`;
  });
  const o = report.overall;
  const method = [
    `Accuracy and macro-F1 are over items the pipeline scored; items it failed on are counted as errors and left out. Macro-F1 averages per-class F1 over the classes that occur (as label or prediction) in the group.`,
    `Confidence intervals: percentile bootstrap, ${p.bootstrap.iterations} resamples, seed ${p.bootstrap.seed}. The disparity interval resamples the best and the worst group independently.`,
    `ECE: top-label expected calibration error over ${p.eceBins} equal-width confidence bins, with scores normalised to sum to 1.`,
    `Groups with fewer than ${p.minGroupSize} scored items are shown but marked too small to judge and left out of the disparity.`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;color:#0f172a;max-width:1200px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 6px;border-top:1px solid #e2e8f0;padding-top:16px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 12px}dt{color:#64748b}dd{margin:0}
table{border-collapse:collapse;margin:10px 0;font-size:13px}th,td{border:1px solid #e2e8f0;padding:3px 8px;text-align:left}
tr.small td{color:#94a3b8}.ci{color:#64748b;font-size:12px}.muted{color:#64748b}.disparity{margin:2px 0;font-weight:500}
.charts{display:flex;flex-wrap:wrap;gap:16px;margin:10px 0}ul.method{color:#475569;font-size:13px}
</style></head><body>
<h1>${escapeHtml(options.title)}</h1>
<dl>${options.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>
<p>Overall: ${o.n} items, ${o.errors} errors, accuracy ${fmt(o.accuracy)}, macro-F1 ${fmt(o.macroF1)}, ECE ${fmt(o.ece)}.</p>
${(options.notes ?? []).map((n) => `<p class="muted">${escapeHtml(n)}</p>`).join("")}
${sections.join("\n")}
<h2>Method</h2><ul class="method">${method.map((m) => `<li>${escapeHtml(m)}</li>`).join("")}</ul>
</body></html>
`;
}

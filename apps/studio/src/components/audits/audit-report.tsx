"use client";

import { barChartSvg, describeDisparity, groupBars, groupedBarChartSvg } from "@attune/stats";
import Link from "next/link";
import { useEffect, useState } from "react";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { fmt, gapShown } from "./disparity";
import "./audits.css";

type ReportDoc = NonNullable<RouterOutputs["audits"]["report"]>;
type Audit = RouterOutputs["audits"]["get"];

function download(fileName: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The charts are the same SVG the exported HTML page embeds (from @attune/stats), so what a person
 * sees here is what they send on. The SVG builders escape every string they are given.
 */
function Svg({ markup, testId }: { markup: string; testId: string }) {
  return <div data-testid={testId} dangerouslySetInnerHTML={{ __html: markup }} />;
}

export function AuditReportView({ auditId }: { auditId: string }) {
  const [audit, setAudit] = useState<Audit | null>(null);
  const [doc, setDoc] = useState<ReportDoc | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    trpc.audits.get.query({ id: auditId }).then(setAudit).catch((err: unknown) => setError(errorMessage(err)));
    trpc.audits.report.query({ id: auditId }).then(setDoc).catch((err: unknown) => setError(errorMessage(err)));
  }, [auditId]);

  async function exportHtml() {
    try {
      const { fileName, html } = await trpc.audits.exportHtml.query({ id: auditId });
      download(fileName, "text/html", html);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const report = doc?.report;
  const pct = report ? Math.round(report.params.bootstrap.confidence * 100) : 95;
  return (
    <main className="audits-page">
      <nav className="crumbs small">
        <Link href="/">← Pipelines</Link>
        {audit && <Link href={`/pipelines/${audit.pipelineId}/audits`}>Audits of this pipeline</Link>}
      </nav>
      {error && <div className="banner error" role="alert">{error}</div>}
      {doc === undefined ? (
        <div className="muted">Loading…</div>
      ) : doc === null || !report ? (
        <div className="muted">This audit has no report yet{audit ? ` (it is ${audit.status})` : ""}.</div>
      ) : (
        <>
          <h1 style={{ fontSize: 22, marginBottom: 6 }} data-testid="report-title">Bias audit: {doc.pipeline.name} v{doc.pipeline.version}</h1>
          <p className="small muted">
            {doc.dataset.fileName} ({doc.dataset.rows} rows) · prediction: argmax of <code>{doc.output}</code> over {doc.taxonomy} · label column <code>{doc.labelColumn}</code> ·{" "}
            {new Date(doc.generatedAt).toLocaleString()}
          </p>
          <div style={{ display: "flex", gap: 8, margin: "10px 0" }}>
            <button type="button" onClick={() => download(`audit-${doc.auditId}.json`, "application/json", JSON.stringify(doc, null, 2))} data-testid="export-json">Export JSON</button>
            <button type="button" onClick={() => void exportHtml()} data-testid="export-html">Export HTML</button>
          </div>
          <p data-testid="report-overall">
            Overall: {report.overall.n} items, {report.overall.errors} errors, accuracy {fmt(report.overall.accuracy)}, macro-F1 {fmt(report.overall.macroF1)}, ECE {fmt(report.overall.ece)}.
            {doc.calibrated !== true && <span className="muted small"> Scores are not (all) calibrated probabilities: read the ECE with care.</span>}
          </p>
          {report.groupings.map((g) => (
            <section key={g.column} className="audit-card" data-testid={`grouping-${g.column}`}>
              <h3>By {g.column}</h3>
              <p className={`disparity-line${gapShown(g.disparity.accuracy?.ci ?? null) ? " shown" : ""}`} data-testid={`disparity-accuracy-${g.column}`}>{describeDisparity("Accuracy", g.disparity.accuracy)}</p>
              <p className={`disparity-line${gapShown(g.disparity.macroF1?.ci ?? null) ? " shown" : ""}`}>{describeDisparity("Macro-F1", g.disparity.macroF1)}</p>
              {g.tooSmall.length > 0 && (
                <p className="small muted" data-testid={`too-small-${g.column}`}>
                  Too small to judge (fewer than {report.params.minGroupSize} scored items, left out of the disparity): {g.tooSmall.join(", ")}
                </p>
              )}
              <div className="audit-charts">
                <Svg testId={`chart-accuracy-${g.column}`} markup={barChartSvg({ title: `Accuracy by ${g.column} (${pct}% CI)`, bars: groupBars(g.groups, "accuracy") })} />
                <Svg testId={`chart-macro-f1-${g.column}`} markup={barChartSvg({ title: `Macro-F1 by ${g.column} (${pct}% CI)`, bars: groupBars(g.groups, "macroF1") })} />
                <Svg
                  testId={`chart-recall-${g.column}`}
                  markup={groupedBarChartSvg({ title: `Recall per class by ${g.column}`, categories: report.classes, series: g.groups.map((m) => ({ name: m.group, values: m.recall, muted: m.tooSmall })) })}
                />
              </div>
              <table className="report-table">
                <thead>
                  <tr>
                    <th>Group</th><th>n</th><th>errors</th><th>accuracy [{pct}% CI]</th><th>macro-F1 [{pct}% CI]</th><th>ECE</th>
                    {report.classes.map((c) => <th key={`r-${c}`}>recall {c}</th>)}
                    {report.classes.map((c) => <th key={`s-${c}`}>mean score {c}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {g.groups.map((m) => (
                    <tr key={m.group} className={m.tooSmall ? "too-small" : ""} data-testid={`group-row-${g.column}-${m.group}`}>
                      <td>{m.group}{m.tooSmall ? " (too small to judge)" : ""}</td>
                      <td>{m.n}</td>
                      <td>{m.errors}</td>
                      <td>{fmt(m.accuracy)} <span className="muted">{m.accuracyCi ? `[${fmt(m.accuracyCi.low)}, ${fmt(m.accuracyCi.high)}]` : ""}</span></td>
                      <td>{fmt(m.macroF1)} <span className="muted">{m.macroF1Ci ? `[${fmt(m.macroF1Ci.low)}, ${fmt(m.macroF1Ci.high)}]` : ""}</span></td>
                      <td>{fmt(m.ece)}</td>
                      {report.classes.map((c) => <td key={`r-${c}`}>{fmt(m.recall[c] ?? null)}</td>)}
                      {report.classes.map((c) => <td key={`s-${c}`}>{fmt(m.meanScore[c] ?? null)}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
          <p className="small muted">
            Percentile bootstrap, {report.params.bootstrap.iterations} resamples, seed {report.params.bootstrap.seed}; the disparity interval resamples the best and worst group independently.
            ECE: top-label, {report.params.eceBins} equal-width bins, scores normalised to sum to 1. Items the pipeline failed on count as errors and are left out of the metrics.
          </p>
        </>
      )}
    </main>
  );
}

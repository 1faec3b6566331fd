"use client";

import { barChartSvg, groupedBarChartSvg } from "@attune/stats";
import Link from "next/link";
import { useEffect, useState } from "react";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { CorrelationChart, TrendChart } from "./charts";
import "./feedback.css";

type Summary = RouterOutputs["feedback"]["summary"];
type Report = Summary["report"];

const BEHAVIOUR_LABELS: Record<string, string> = {
  acknowledged_feelings: "Acknowledged feelings",
  validated: "Validated",
  adapted_to_person: "Adapted to the person",
  offered_help: "Offered help",
  felt_generic: "Felt generic",
  felt_intrusive: "Felt intrusive / creepy",
};

/** Correlations from fewer pairs than this are shown but flagged: a rho from 5 ratings means little. */
const MIN_PAIRS = 10;

const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "n/a" : v.toFixed(digits));

/** The SVG builders of @attune/stats escape every string they are given. */
function Svg({ markup, testId }: { markup: string; testId: string }) {
  return <div data-testid={testId} dangerouslySetInnerHTML={{ __html: markup }} />;
}

export function FeedbackPage({ pipelineId }: { pipelineId: string }) {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [compare, setCompare] = useState<{ a: number; b: number } | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    trpc.feedback.summary
      .query({ pipelineId, ...(compare ? { compare } : {}) })
      .then((s) => {
        setSummary(s);
        setError(null);
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [pipelineId, compare]);

  const report = summary?.report;
  return (
    <main className="feedback-page">
      <nav className="crumbs small">
        <Link href="/">← Pipelines</Link>
        <Link href={`/pipelines/${pipelineId}`}>Editor</Link>
        <Link href={`/pipelines/${pipelineId}/publish`}>Endpoint</Link>
      </nav>
      <h1 style={{ fontSize: 22, marginBottom: 6 }} data-testid="feedback-title">
        Empathy feedback{summary ? `: ${summary.pipeline.name}` : ""}
      </h1>
      <p className="muted small" style={{ marginBottom: 14 }}>
        Per-turn 1–5 ratings of perceived empathy sent to <code>POST /v1/runs/{"{runId}"}/feedback</code> with the API key that made
        the run, tied to the deployment version that answered and to what the pipeline output for that turn. Measure, don&apos;t assume.
      </p>
      {error && <div className="banner error" role="alert">{error}</div>}
      {!summary ? (
        !error && <div className="muted">Loading…</div>
      ) : !summary.deployment ? (
        <div className="feedback-card muted">This pipeline is not published yet: publish it to collect feedback on its endpoint.</div>
      ) : !report || report.n === 0 ? (
        <div className="feedback-card muted" data-testid="feedback-empty">
          No feedback yet for <code>{summary.deployment.slug}</code>. After a run, send{" "}
          <code>{`POST /v1/runs/<runId>/feedback {"rating": 4, "behaviours": ["validated"]}`}</code>; a{" "}
          <code>core.feedback-request</code> node can mark the turns worth asking about.
        </div>
      ) : (
        <ReportView report={report} summary={summary} onCompare={setCompare} />
      )}
    </main>
  );
}

function ReportView({ report, summary, onCompare }: { report: Report; summary: Summary; onCompare: (c: { a: number; b: number }) => void }) {
  const versions = report.versions;
  const pct = Math.round(report.bootstrap.confidence * 100);
  const distribution = groupedBarChartSvg({
    title: "Rating distribution by version (share of ratings)",
    categories: ["1", "2", "3", "4", "5"],
    series: versions.map((v) => ({
      name: `v${v.version} (n=${v.n})`,
      values: Object.fromEntries(v.counts.map((c, i) => [String(i + 1), v.n === 0 ? null : c / v.n])),
    })),
  });
  const maxBehaviour = Math.max(1, ...Object.values(report.behaviours));
  const behaviours = barChartSvg({
    title: `Behaviours tagged (of ${report.n} ratings)`,
    bars: summary.behaviourTaxonomy.map((b) => ({ label: BEHAVIOUR_LABELS[b] ?? b, value: report.behaviours[b as keyof typeof report.behaviours] ?? 0 })),
    max: maxBehaviour,
  });
  const means = barChartSvg({
    title: `Mean rating by version with ${pct}% bootstrap CI`,
    bars: versions.map((v) => ({ label: `v${v.version} (n=${v.n})`, value: v.mean, low: v.ci?.low ?? null, high: v.ci?.high ?? null })),
    max: 5,
  });
  return (
    <>
      <section className="feedback-card">
        <h3>Overview</h3>
        <div className="feedback-kpis">
          <div>
            <strong data-testid="feedback-n">{report.n}</strong>ratings
          </div>
          <div>
            <strong data-testid="feedback-mean">{fmt(report.mean)}</strong>mean rating (1–5)
          </div>
          <div>
            <strong>{versions.length}</strong>version{versions.length === 1 ? "" : "s"} rated
          </div>
        </div>
      </section>

      <section className="feedback-card">
        <h3>By deployment version</h3>
        <div className="feedback-charts">
          <Svg markup={distribution} testId="feedback-distribution" />
          <div>
            <TrendChart series={versions.map((v) => ({ name: `v${v.version}`, points: v.trend }))} />
          </div>
          <Svg markup={means} testId="feedback-means" />
        </div>
      </section>

      <section className="feedback-card">
        <h3>Behaviours tagged</h3>
        <div className="feedback-charts">
          <Svg markup={behaviours} testId="feedback-behaviours" />
        </div>
      </section>

      <section className="feedback-card">
        <h3>Ratings against the pipeline&apos;s own outputs</h3>
        <p className="muted small">
          Spearman&apos;s ρ between each numeric output of the rated run (e.g. <code>scores.negative</code>) and the rating, with the
          number of rated runs that had that output. A negative ρ means that where the output was higher, the turn felt less
          empathic. Fewer than {MIN_PAIRS} pairs: read with care.
        </p>
        {report.correlations.length === 0 ? (
          <div className="muted">The rated runs had no numeric outputs.</div>
        ) : (
          <div className="feedback-charts">
            <div>
              <CorrelationChart rows={report.correlations.slice(0, 20)} />
            </div>
          </div>
        )}
        {report.correlations.some((c) => c.n < MIN_PAIRS) && (
          <p className="muted small">
            Too few pairs to judge: {report.correlations.filter((c) => c.n < MIN_PAIRS).map((c) => `${c.field} (n = ${c.n})`).join(", ")}.
          </p>
        )}
      </section>

      <Comparison report={report} onCompare={onCompare} />

      {summary.recent.length > 0 && (
        <section className="feedback-card">
          <h3>Recent comments</h3>
          <table className="feedback-table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Rating</th>
                <th>Comment</th>
                <th>Tags</th>
                <th>Outputs (top labels)</th>
              </tr>
            </thead>
            <tbody>
              {summary.recent.map((r) => (
                <tr key={r.runId}>
                  <td>v{r.version}</td>
                  <td>{r.rating}</td>
                  <td>{r.comment ?? ""}</td>
                  <td>{r.tags.join(", ")}</td>
                  <td className="muted">{Object.entries(r.labels).map(([k, v]) => `${k}: ${v}`).join("; ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function Comparison({ report, onCompare }: { report: Report; onCompare: (c: { a: number; b: number }) => void }) {
  const c = report.comparison;
  const versions = report.versions.map((v) => v.version);
  const pct = Math.round(report.bootstrap.confidence * 100);
  if (!c) {
    return (
      <section className="feedback-card">
        <h3>Compare versions</h3>
        <div className="muted">Only one version has ratings so far: publish a new version and collect feedback on it to compare.</div>
      </section>
    );
  }
  const ci = c.differenceCi;
  const verdict =
    ci === null || c.difference === null
      ? "not enough ratings"
      : ci.low > 0
        ? `v${c.b.version} is rated higher`
        : ci.high < 0
          ? `v${c.b.version} is rated lower`
          : "no clear difference (the interval includes 0)";
  const chart = barChartSvg({
    title: `Mean rating with ${pct}% bootstrap CI`,
    bars: [c.a, c.b].map((s) => ({ label: `v${s.version} (n=${s.n})`, value: s.mean, low: s.ci?.low ?? null, high: s.ci?.high ?? null })),
    max: 5,
  });
  return (
    <section className="feedback-card feedback-compare" data-testid="feedback-compare">
      <h3>Compare versions</h3>
      <div style={{ marginBottom: 8 }}>
        Baseline
        <select value={c.a.version} onChange={(e) => onCompare({ a: Number(e.target.value), b: c.b.version })} aria-label="Baseline version">
          {versions.map((v) => (
            <option key={v} value={v}>v{v}</option>
          ))}
        </select>
        against
        <select value={c.b.version} onChange={(e) => onCompare({ a: c.a.version, b: Number(e.target.value) })} aria-label="Candidate version">
          {versions.map((v) => (
            <option key={v} value={v}>v{v}</option>
          ))}
        </select>
      </div>
      <div className="feedback-charts">
        <Svg markup={chart} testId="feedback-compare-chart" />
      </div>
      <p>
        Difference v{c.b.version} − v{c.a.version}:{" "}
        <span className={`feedback-diff ${ci && ci.low > 0 ? "better" : ci && ci.high < 0 ? "worse" : ""}`} data-testid="feedback-difference">
          {fmt(c.difference)} [{fmt(ci?.low)}, {fmt(ci?.high)}]
        </span>{" "}
        — {verdict}. Percentile bootstrap, {report.bootstrap.iterations} resamples (seed {report.bootstrap.seed}), each version resampled within itself.
      </p>
    </section>
  );
}

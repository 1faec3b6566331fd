"use client";

import { formatFromFileName, parseDataset, type Dataset, type DatasetFormat, type DatasetProblem } from "@attune/stats";
import { TAXONOMIES } from "@attune/graph";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState, type ChangeEvent } from "react";
import { formatRelativeTime } from "@/lib/format";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { DisparityText } from "./disparity";
import "./audits.css";

type Pipeline = RouterOutputs["pipelines"]["get"];
type Targets = RouterOutputs["audits"]["targets"];
type Audit = RouterOutputs["audits"]["list"][number];
type Problem = { line?: number; message: string };

interface Upload {
  fileName: string;
  format: DatasetFormat;
  text: string;
  dataset: Dataset | null;
  problems: DatasetProblem[];
}

const ACTIVE = new Set(["queued", "running"]);

/** A pipeline's bias audits: upload a labelled data set, map its columns, run, watch, list. */
export function AuditsPage({ pipelineId }: { pipelineId: string }) {
  const [pipeline, setPipeline] = useState<Pipeline | null>(null);
  const [targets, setTargets] = useState<Targets | null>(null);
  const [audits, setAudits] = useState<Audit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setAudits(await trpc.audits.list.query({ pipelineId }));
    } catch (err) {
      setError(`Could not load audits: ${errorMessage(err)}`);
    }
  }, [pipelineId]);

  useEffect(() => {
    trpc.pipelines.get.query({ id: pipelineId }).then(setPipeline).catch((err: unknown) => setError(errorMessage(err)));
    trpc.audits.targets.query({ pipelineId }).then(setTargets).catch((err: unknown) => setError(errorMessage(err)));
    void refresh();
  }, [pipelineId, refresh]);

  // Live progress: poll while any audit is queued or running (progress is one row read).
  const anyActive = audits?.some((a) => ACTIVE.has(a.status) || a.cancelRequested) ?? false;
  useEffect(() => {
    if (!anyActive) return;
    const timer = setInterval(() => void refresh(), 500);
    return () => clearInterval(timer);
  }, [anyActive, refresh]);

  return (
    <main className="audits-page">
      <nav className="crumbs small">
        <Link href="/">← Pipelines</Link>
        <Link href={`/pipelines/${pipelineId}`}>Editor</Link>
      </nav>
      <h1 style={{ fontSize: 22, marginBottom: 6 }} data-testid="audits-title">
        Bias audits{pipeline ? `: ${pipeline.name}` : ""}
      </h1>
      <p className="muted small" style={{ marginBottom: 14 }}>
        Run this pipeline over a labelled data set and compare accuracy, macro-F1, recall and calibration across groups
        (language, dialect, region, age band…). Text and number inputs only: image and audio columns are not supported yet.
      </p>
      {error && <div className="banner error" role="alert">{error}</div>}
      {targets && pipeline && <NewAudit pipeline={pipeline} targets={targets} onStarted={refresh} />}
      <section className="audit-card">
        <h3>Audits</h3>
        {audits === null ? (
          <div className="muted">Loading…</div>
        ) : audits.length === 0 ? (
          <div className="muted">No audits yet.</div>
        ) : (
          <AuditTable audits={audits} onChange={refresh} />
        )}
      </section>
    </main>
  );
}

function NewAudit({ pipeline, targets, onStarted }: { pipeline: Pipeline; targets: Targets; onStarted: () => Promise<void> }) {
  const [upload, setUpload] = useState<Upload | null>(null);
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [labelColumn, setLabelColumn] = useState("");
  const [groupColumns, setGroupColumns] = useState<string[]>([]);
  const usable = targets.outputs.filter((o) => o.usable);
  const [output, setOutput] = useState(usable[0]?.name ?? "");
  const [taxonomy, setTaxonomy] = useState<string>("");
  const [minGroupSize, setMinGroupSize] = useState(30);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);

  const columns = upload?.dataset?.columns ?? [];
  const chosenOutput = targets.outputs.find((o) => o.name === output);
  const needsTaxonomy = chosenOutput !== undefined && chosenOutput.taxonomy === null;

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setProblems([]);
    if (!file) return setUpload(null);
    const format = formatFromFileName(file.name) ?? "csv";
    const text = await file.text();
    // Parsed here to offer the columns; the server parses again and is the authority.
    const parsed = parseDataset(text, format);
    const dataset = parsed.ok ? parsed.dataset : null;
    setUpload({ fileName: file.name, format, text, dataset, problems: parsed.ok ? [] : parsed.problems });
    if (dataset) {
      const cols = dataset.columns;
      const guessInputs: Record<string, string> = {};
      for (const input of targets.inputs) {
        guessInputs[input.name] = cols.find((c) => c === input.name) ?? cols.find((c) => /text|message|utterance|sentence/i.test(c)) ?? cols[0] ?? "";
      }
      setInputs(guessInputs);
      const label = cols.find((c) => /^(label|gold|emotion|sentiment|target)$/i.test(c)) ?? "";
      setLabelColumn(label);
      setGroupColumns(cols.filter((c) => c !== label && !Object.values(guessInputs).includes(c) && /lang|dialect|region|age|skin|gender|group|country|accent/i.test(c)));
    }
  }

  const canStart = useMemo(
    () => upload?.dataset && labelColumn && groupColumns.length > 0 && output && (!needsTaxonomy || taxonomy) && targets.inputs.every((i) => inputs[i.name]),
    [upload, labelColumn, groupColumns, output, needsTaxonomy, taxonomy, targets.inputs, inputs],
  );

  async function start() {
    if (!upload?.dataset) return;
    setBusy(true);
    setProblems([]);
    try {
      const result = await trpc.audits.create.mutate({
        pipelineId: pipeline.id,
        version: targets.version,
        fileName: upload.fileName,
        format: upload.format,
        data: upload.text,
        inputs,
        labelColumn,
        groupColumns,
        output,
        ...(needsTaxonomy && taxonomy ? { taxonomy: taxonomy as (typeof TAXONOMIES)[number] } : {}),
        params: { minGroupSize },
      });
      if (!result.ok) setProblems(result.problems);
      else await onStarted();
    } catch (err) {
      setProblems([{ message: errorMessage(err) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="audit-card" data-testid="new-audit">
      <h3>New audit of v{targets.version}</h3>
      {targets.problems.length > 0 && (
        <ul className="audit-problems">{targets.problems.map((p) => <li key={p}>{p}</li>)}</ul>
      )}
      <div className="map-grid">
        <label htmlFor="audit-file">Labelled data set (CSV or JSONL)</label>
        <input id="audit-file" type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson" onChange={(e) => void onFile(e)} data-testid="audit-file" />
        {upload?.dataset && (
          <>
            <span className="muted small">File</span>
            <span className="small" data-testid="audit-file-summary">{upload.fileName}: {upload.dataset.rows.length} rows, columns {upload.dataset.columns.join(", ")}</span>
            {targets.inputs.map((input) => (
              <InputMapping key={input.name} label={`Input “${input.name}” (${input.type})`} value={inputs[input.name] ?? ""} columns={columns} onChange={(v) => setInputs({ ...inputs, [input.name]: v })} testId={`map-input-${input.name}`} />
            ))}
            <InputMapping label="Label column" value={labelColumn} columns={columns} onChange={setLabelColumn} testId="map-label" />
            <label>Group columns</label>
            <div className="group-checks" data-testid="map-groups">
              {columns.filter((c) => c !== labelColumn).map((c) => (
                <label key={c} className="small">
                  <input type="checkbox" checked={groupColumns.includes(c)} onChange={(e) => setGroupColumns(e.target.checked ? [...groupColumns, c] : groupColumns.filter((g) => g !== c))} data-testid={`group-${c}`} /> {c}
                </label>
              ))}
            </div>
            <label htmlFor="audit-output">Prediction (scores output)</label>
            <select id="audit-output" value={output} onChange={(e) => setOutput(e.target.value)} data-testid="map-output">
              {usable.map((o) => <option key={o.name} value={o.name}>{o.name} ({o.portType})</option>)}
            </select>
            {needsTaxonomy && (
              <>
                <label htmlFor="audit-taxonomy">Taxonomy of its scores</label>
                <select id="audit-taxonomy" value={taxonomy} onChange={(e) => setTaxonomy(e.target.value)} data-testid="map-taxonomy">
                  <option value="">choose…</option>
                  {TAXONOMIES.map((t) => <option key={t} value={t}>{t}</option>)}
                </select>
              </>
            )}
            <label htmlFor="audit-min">Minimum group size</label>
            <input id="audit-min" type="number" min={1} value={minGroupSize} onChange={(e) => setMinGroupSize(Math.max(1, Number(e.target.value) || 1))} data-testid="min-group-size" />
          </>
        )}
      </div>
      {upload && upload.problems.length > 0 && (
        <ul className="audit-problems" data-testid="audit-parse-problems">
          {upload.problems.map((p, i) => <li key={i}>{p.line > 0 ? `line ${p.line}: ` : ""}{p.message}</li>)}
        </ul>
      )}
      {problems.length > 0 && (
        <ul className="audit-problems" role="alert" data-testid="audit-problems">
          {problems.map((p, i) => <li key={i}>{p.line ? `line ${p.line}: ` : ""}{p.message}</li>)}
        </ul>
      )}
      <div style={{ marginTop: 10 }}>
        <button className="primary" type="button" disabled={!canStart || busy} onClick={() => void start()} data-testid="start-audit">
          Start audit
        </button>
      </div>
    </section>
  );
}

function InputMapping({ label, value, columns, onChange, testId }: { label: string; value: string; columns: string[]; onChange: (v: string) => void; testId: string }) {
  return (
    <>
      <label>{label}</label>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} aria-label={label}>
        <option value="">choose a column…</option>
        {columns.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
    </>
  );
}

function AuditTable({ audits, onChange }: { audits: Audit[]; onChange: () => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      await onChange();
    }
  };
  return (
    <>
      {error && <div className="banner error">{error}</div>}
      <table className="audit-table">
        <thead>
          <tr><th>Started</th><th>Version</th><th>Data set</th><th>Status</th><th>Progress</th><th>Disparity</th><th /></tr>
        </thead>
        <tbody>
          {audits.map((a) => {
            const pct = a.rowCount === 0 ? 0 : Math.round((a.processed / a.rowCount) * 100);
            return (
              <tr key={a.id} data-testid={`audit-row-${a.id}`} data-status={a.status}>
                <td title={new Date(a.createdAt).toLocaleString()}>{formatRelativeTime(a.createdAt)}</td>
                <td>v{a.pipelineVersion}</td>
                <td>{a.fileName} <span className="muted">({a.rowCount} rows)</span></td>
                <td><span className="pill" data-testid="audit-status">{a.cancelRequested && a.status === "running" ? "cancelling" : a.status}</span>{a.error ? <div className="small muted">{a.error}</div> : null}</td>
                <td style={{ minWidth: 200 }}>
                  <div className="audit-progress" role="progressbar" aria-valuemin={0} aria-valuemax={a.rowCount} aria-valuenow={a.processed} data-testid="audit-progress">
                    <div style={{ width: `${pct}%` }} />
                  </div>
                  <span className="small muted">{a.processed} / {a.rowCount}{a.errors ? ` · ${a.errors} errors` : ""}</span>
                </td>
                <td className="small">{a.summary ? <DisparityText figures={a.summary} /> : "—"}</td>
                <td>
                  <div className="actions">
                    {a.status === "completed" && <Link href={`/audits/${a.id}`} data-testid="open-report">Report</Link>}
                    {(ACTIVE.has(a.status) || a.status === "interrupted") && !a.cancelRequested && (
                      <button type="button" onClick={() => void act(() => trpc.audits.cancel.mutate({ id: a.id }))} data-testid="cancel-audit">Cancel</button>
                    )}
                    {(a.status === "cancelled" || a.status === "interrupted" || a.status === "failed") && (
                      <button type="button" onClick={() => void act(() => trpc.audits.resume.mutate({ id: a.id }))} data-testid="resume-audit">Resume</button>
                    )}
                    {!ACTIVE.has(a.status) && (
                      <button type="button" className="danger" onClick={() => void act(() => trpc.audits.delete.mutate({ id: a.id }))}>Delete</button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { trpc, type RouterOutputs } from "@/lib/trpc";
import "./audits.css";

type Latest = RouterOutputs["audits"]["latest"];
type ByModel = RouterOutputs["audits"]["byModel"];
type Figures = Latest[string]["summary"];

export const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "n/a" : v.toFixed(digits));

/** "the gap is real" only when the whole interval sits above 0. */
export const gapShown = (f: { low: number | null } | null | undefined) => f?.low !== null && f?.low !== undefined && f.low > 0;

// Every row of a list asks at once; one shared request (re-fetched when older than a few seconds)
// answers them all instead of one query per row.
let latestCache: { at: number; promise: Promise<Latest> } | undefined;
let byModelCache: { at: number; promise: Promise<ByModel> } | undefined;
function loadLatest(): Promise<Latest> {
  if (!latestCache || performance.now() - latestCache.at > 3000) latestCache = { at: performance.now(), promise: trpc.audits.latest.query() };
  return latestCache.promise;
}
function loadByModel(): Promise<ByModel> {
  if (!byModelCache || performance.now() - byModelCache.at > 3000) byModelCache = { at: performance.now(), promise: trpc.audits.byModel.query() };
  return byModelCache.promise;
}

export function DisparityText({ figures }: { figures: Figures }) {
  const a = figures.accuracy;
  if (!a) return <>no disparity (fewer than two judged groups by {figures.column})</>;
  return (
    <>
      accuracy gap {fmt(a.difference)} [{fmt(a.low)}, {fmt(a.high)}] by {figures.column}: {a.best} vs {a.worst}
    </>
  );
}

/** The pipeline's most recent audit disparity, for the pipeline list; links to its audits. */
export function LatestDisparity({ pipelineId }: { pipelineId: string }) {
  const [latest, setLatest] = useState<Latest[string] | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    loadLatest()
      .then((all) => live && setLatest(all[pipelineId] ?? null))
      .catch(() => live && setLatest(null));
    return () => {
      live = false;
    };
  }, [pipelineId]);
  if (latest === undefined) return null;
  if (latest === null) {
    return <Link className="disparity-badge" href={`/pipelines/${pipelineId}/audits`} data-testid="audit-link">audit</Link>;
  }
  return (
    <Link
      className={`disparity-badge${gapShown(latest.summary.accuracy) ? " shown" : ""}`}
      href={`/audits/${latest.auditId}`}
      data-testid="latest-disparity"
      title={`Most recent bias audit (v${latest.pipelineVersion}): ${latest.summary.accuracy ? `${latest.summary.accuracy.best} vs ${latest.summary.accuracy.worst}; ` : ""}95% CI in brackets`}
    >
      {latest.summary.accuracy ? `accuracy gap ${fmt(latest.summary.accuracy.difference)} [${fmt(latest.summary.accuracy.low)}, ${fmt(latest.summary.accuracy.high)}] by ${latest.summary.column}` : `audited: no comparable groups`}
    </Link>
  );
}

/** On a model card: the latest audit of each single-model pipeline that runs this model. */
export function ModelAuditFigures({ modelId }: { modelId: string }) {
  const [rows, setRows] = useState<ByModel[string]>([]);
  useEffect(() => {
    let live = true;
    loadByModel()
      .then((all) => live && setRows(all[modelId] ?? []))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [modelId]);
  if (rows.length === 0) return null;
  return (
    <div className="small" data-testid={`model-audits-${modelId}`}>
      <strong>Bias audits</strong> (in single-model pipelines):
      <ul style={{ margin: "4px 0 8px 18px" }}>
        {rows.map((r) => (
          <li key={r.auditId}>
            <Link href={`/audits/${r.auditId}`}>{r.pipelineName} v{r.pipelineVersion}</Link>: <DisparityText figures={r.summary} />
          </li>
        ))}
      </ul>
    </div>
  );
}

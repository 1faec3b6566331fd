"use client";

import type { ImportProblem } from "@attune/graph";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type ChangeEvent } from "react";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { GraphDiagram, ModalityBadges } from "../gallery/graph-diagram";
import "../gallery/gallery.css";

type Check = RouterOutputs["exchange"]["check"];

/**
 * Import by upload or paste. Every change is checked on the server (importPipeline, nothing
 * stored) and every problem is listed with its path; "Import" stays disabled until there are none.
 * All file content is rendered as text: names, descriptions and labels never become HTML.
 */
export function ImportPage() {
  const router = useRouter();
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [fills, setFills] = useState<Record<string, string>>({});
  const [name, setName] = useState("");
  const [check, setCheck] = useState<Check | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    if (!text.trim()) {
      setCheck(null);
      return;
    }
    let cancelled = false;
    setChecking(true);
    const timer = setTimeout(() => {
      const filled = Object.fromEntries(Object.entries(fills).filter(([, v]) => v !== ""));
      trpc.exchange.check
        .mutate({ text, ...(Object.keys(filled).length > 0 ? { fills: filled } : {}) })
        .then((result) => {
          if (cancelled) return;
          setCheck(result);
          setError(null);
          if (result.summary) setName((n) => n || result.summary!.name);
        })
        .catch((e: unknown) => !cancelled && setError(errorMessage(e)))
        .finally(() => !cancelled && setChecking(false));
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text, fills]);

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setName("");
    setFills({});
    setText(await file.text());
  }

  async function doImport() {
    setImporting(true);
    setError(null);
    try {
      const filled = Object.fromEntries(Object.entries(fills).filter(([, v]) => v !== ""));
      const created = await trpc.exchange.import.mutate({ text, ...(Object.keys(filled).length > 0 ? { fills: filled } : {}), ...(name.trim() ? { name: name.trim() } : {}) });
      router.push(`/pipelines/${created.id}`);
    } catch (e) {
      const problems = problemsOf(e);
      if (problems) setCheck({ ok: false, problems, warnings: check?.warnings ?? [], placeholders: check?.placeholders ?? [], summary: null });
      setError(errorMessage(e));
      setImporting(false);
    }
  }

  const problems = check?.problems ?? [];
  const ready = check?.ok === true && !checking;

  return (
    <main className="wide-page">
      <div className="list-header">
        <h1>Import a pipeline</h1>
        <nav className="small">
          <Link href="/">Pipelines</Link> · <Link href="/gallery">Gallery</Link>
        </nav>
      </div>
      <p className="muted small">
        Attune pipeline or template files (any format version; older ones are upgraded), or a bare pipeline document. Nothing runs on import,
        and nothing is stored while there are problems.
      </p>
      <div className="import-grid">
        <section className="panel">
          <h2>File</h2>
          <div className="field">
            <label htmlFor="import-file">Upload a .json file</label>
            <input id="import-file" type="file" accept="application/json,.json" onChange={(e) => void onFile(e)} data-testid="import-file" />
            {fileName && <div className="hint">Loaded {fileName}</div>}
          </div>
          <div className="field">
            <label htmlFor="import-text">…or paste its contents</label>
            <textarea
              id="import-text"
              value={text}
              spellCheck={false}
              onChange={(e) => {
                setText(e.target.value);
                setFileName(null);
              }}
              placeholder='{ "format": "attune.pipeline", "formatVersion": 3, ... }'
              data-testid="import-text"
            />
          </div>
        </section>
        <section className="panel" data-testid="import-result" data-state={!check ? "empty" : check.ok ? "ok" : "problems"}>
          <h2>Check {checking && <span className="muted small">checking…</span>}</h2>
          {error && <div className="banner error" role="alert" data-testid="import-error">{error}</div>}
          {!check && <div className="muted">Upload or paste a file to check it.</div>}
          {problems.length > 0 && (
            <>
              <div className="banner error" data-testid="import-refused">
                {problems.length} problem{problems.length === 1 ? "" : "s"}: nothing will be stored until the file is fixed.
              </div>
              <ProblemList items={problems} testId="import-problems" />
            </>
          )}
          {check?.summary && (
            <div data-testid="import-summary">
              <div className="field">
                <label htmlFor="import-name">Name</label>
                <input id="import-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} data-testid="import-name" />
              </div>
              <p className="small" data-testid="import-description" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {check.summary.description || <span className="muted">No description.</span>}
              </p>
              <div className="small muted" style={{ marginBottom: 8 }}>
                {check.summary.kind === "template" ? "Template" : "Pipeline"} ·{" "}
                {check.summary.sourceFormatVersion === "document" ? "bare document" : `format v${check.summary.sourceFormatVersion}`} ·{" "}
                <span data-testid="import-node-count">{check.summary.nodeCount}</span> nodes · {check.summary.edgeCount} connections ·{" "}
                <ModalityBadges modalities={check.summary.modalities} />
              </div>
              <div style={{ height: 160, background: "#fafbfc", border: "1px solid var(--border)", borderRadius: 6, padding: 6, marginBottom: 10 }}>
                <GraphDiagram diagram={check.summary.diagram} testId="import-diagram" />
              </div>
            </div>
          )}
          {(check?.placeholders.length ?? 0) > 0 && (
            <div data-testid="import-placeholders" style={{ marginBottom: 10 }}>
              <div className="banner warn">Secrets were removed on export. Fill them in now, or later in the inspector: the pipeline will not run until they are filled.</div>
              {check!.placeholders.map((p) => (
                <div className="field" key={p.path}>
                  <label htmlFor={`fill-${p.path}`}>{p.hint}</label>
                  <input
                    id={`fill-${p.path}`}
                    type="password"
                    autoComplete="off"
                    value={fills[p.path] ?? ""}
                    onChange={(e) => setFills((f) => ({ ...f, [p.path]: e.target.value }))}
                    data-testid={`fill-${p.path}`}
                  />
                  <div className="hint"><code>{p.path}</code></div>
                </div>
              ))}
            </div>
          )}
          {(check?.warnings.length ?? 0) > 0 && (
            <details open={problems.length === 0}>
              <summary className="small">{check!.warnings.length} warning{check!.warnings.length === 1 ? "" : "s"}</summary>
              <ProblemList items={check!.warnings} testId="import-warnings" warnings />
            </details>
          )}
          <div className="buttons" style={{ display: "flex", justifyContent: "flex-end", marginTop: 10 }}>
            <button type="button" className="primary" disabled={!ready || importing || !name.trim()} onClick={() => void doImport()} data-testid="import-submit">
              {importing ? "Importing…" : "Import as new pipeline"}
            </button>
          </div>
        </section>
      </div>
    </main>
  );
}

function ProblemList({ items, testId, warnings = false }: { items: readonly ImportProblem[]; testId: string; warnings?: boolean }) {
  return (
    <ul className={`problem-list${warnings ? " warnings" : ""}`} data-testid={testId}>
      {items.map((p, i) => (
        <li key={i} data-path={p.path} data-code={p.code}>
          <code>{p.path}</code> {p.message}
        </li>
      ))}
    </ul>
  );
}

/** The problems a refused import (400) carries in `data.problems`. */
function problemsOf(error: unknown): ImportProblem[] | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (typeof data === "object" && data !== null && "problems" in data && Array.isArray(data.problems)) return data.problems as ImportProblem[];
  return null;
}

"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { formatRelativeTime } from "@/lib/format";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { LatestDisparity } from "@/components/audits/disparity";

type PipelineSummary = RouterOutputs["pipelines"]["list"][number];

/** The home page: every pipeline with create, open, rename, duplicate and delete. */
export function PipelineList() {
  const router = useRouter();
  const [pipelines, setPipelines] = useState<PipelineSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [newName, setNewName] = useState("");
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setPipelines(await trpc.pipelines.list.query());
      setError(null);
    } catch (err) {
      setError(`Could not load pipelines: ${errorMessage(err)}`);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  /** Runs a mutation, surfaces its failure, and reloads the list either way. */
  const act = useCallback(
    async (what: string, mutation: () => Promise<unknown>) => {
      setBusy(true);
      try {
        await mutation();
        setError(null);
      } catch (err) {
        setError(`${what} failed: ${errorMessage(err)}`);
      } finally {
        setBusy(false);
        await refresh();
      }
    },
    [refresh],
  );

  async function onCreate(event: FormEvent) {
    event.preventDefault();
    const name = newName.trim();
    if (!name) return;
    setBusy(true);
    try {
      const created = await trpc.pipelines.create.mutate({ name });
      setNewName("");
      router.push(`/pipelines/${created.id}`);
    } catch (err) {
      setError(`Create failed: ${errorMessage(err)}`);
      setBusy(false);
    }
  }

  return (
    <main className="list-page">
      <div className="list-header">
        <h1>Pipelines</h1>
        <nav className="small"><Link href="/models" data-testid="nav-models">Models</Link> · <Link href="/keys" data-testid="nav-keys">API keys</Link> · <Link href="/gallery" data-testid="nav-gallery">Gallery</Link> · <Link href="/import" data-testid="nav-import">Import</Link> · <span className="muted">Attune Studio</span></nav>
      </div>
      <form className="create-form" onSubmit={onCreate}>
        <input
          data-testid="new-pipeline-name"
          placeholder="New pipeline name, e.g. Angry caller escalation"
          value={newName}
          maxLength={120}
          onChange={(e) => setNewName(e.target.value)}
        />
        <button className="primary" type="submit" disabled={busy || !newName.trim()} data-testid="create-pipeline">
          Create
        </button>
      </form>
      {error && <div className="banner error" role="alert">{error}</div>}
      {pipelines === null ? (
        <div className="empty">Loading…</div>
      ) : pipelines.length === 0 ? (
        <div className="empty">No pipelines yet. Name one above to start building.</div>
      ) : (
        <table className="pipeline-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Nodes</th>
              <th>Version</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pipelines.map((p) => (
              <PipelineRow key={p.id} pipeline={p} busy={busy} act={act} />
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function PipelineRow({
  pipeline,
  busy,
  act,
}: {
  pipeline: PipelineSummary;
  busy: boolean;
  act: (what: string, mutation: () => Promise<unknown>) => Promise<void>;
}) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(pipeline.name);
  // Two-step delete: the first click arms the button, the second deletes; no modal needed.
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (!confirmDelete) return;
    const timer = setTimeout(() => setConfirmDelete(false), 4000);
    return () => clearTimeout(timer);
  }, [confirmDelete]);

  async function submitRename(event: FormEvent) {
    event.preventDefault();
    const next = name.trim();
    setRenaming(false);
    if (!next || next === pipeline.name) return;
    await act("Rename", () => trpc.pipelines.rename.mutate({ id: pipeline.id, name: next }));
  }

  return (
    <tr data-testid={`pipeline-row-${pipeline.id}`}>
      <td>
        {renaming ? (
          <form onSubmit={submitRename} style={{ display: "flex", gap: 6 }}>
            <input autoFocus value={name} maxLength={120} onChange={(e) => setName(e.target.value)} aria-label="New name" />
            <button type="submit" className="primary">OK</button>
            <button type="button" onClick={() => { setRenaming(false); setName(pipeline.name); }}>Cancel</button>
          </form>
        ) : (
          <><Link href={`/pipelines/${pipeline.id}`} data-testid="open-pipeline">{pipeline.name}</Link><LatestDisparity pipelineId={pipeline.id} /></>
        )}
      </td>
      <td>{pipeline.nodeCount}</td>
      <td>v{pipeline.headVersion}</td>
      <td title={new Date(pipeline.updatedAt).toLocaleString()}>{formatRelativeTime(pipeline.updatedAt)}</td>
      <td>
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => setRenaming(true)}>Rename</button>
          <button type="button" disabled={busy} onClick={() => act("Duplicate", () => trpc.pipelines.duplicate.mutate({ id: pipeline.id, name: `${pipeline.name} (copy)`.slice(0, 200) }))}>
            Duplicate
          </button>
          <button
            type="button"
            disabled={busy}
            className={confirmDelete ? "danger confirm" : "danger"}
            onClick={() => {
              if (!confirmDelete) setConfirmDelete(true);
              else void act("Delete", () => trpc.pipelines.delete.mutate({ id: pipeline.id }));
            }}
          >
            {confirmDelete ? "Really delete?" : "Delete"}
          </button>
        </div>
      </td>
    </tr>
  );
}

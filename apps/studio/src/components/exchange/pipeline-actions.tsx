"use client";

import { exchangeFileName, exportPipeline, type PipelineDocument } from "@attune/graph";
import Link from "next/link";
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from "react";
import { specRegistry } from "@/lib/specs";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { downloadJson } from "./download";
import "../gallery/gallery.css";

type Share = RouterOutputs["shares"]["list"][number];

/**
 * Export / Share / Publish as template, for the editor's toolbar. Export writes what is on the
 * canvas now (secrets replaced by placeholders); share links and templates point at a saved version.
 */
export function PipelineActions(props: { pipelineId: string; name: string; description: string; document: PipelineDocument; savedVersion: number }) {
  const [open, setOpen] = useState<"share" | "publish" | null>(null);
  const [note, setNote] = useState<string | null>(null);

  function doExport() {
    const { file, placeholders } = exportPipeline({
      pipeline: { name: props.name, description: props.description },
      document: props.document,
      registry: specRegistry,
    });
    downloadJson(exchangeFileName(props.name), file);
    setNote(placeholders.length > 0 ? `Exported. ${placeholders.length} secret${placeholders.length === 1 ? " was" : "s were"} replaced by placeholders.` : null);
  }

  return (
    <>
      <button type="button" onClick={doExport} title="Download this pipeline as a JSON file (secrets are left out)" data-testid="export-pipeline">Export</button>
      <button type="button" onClick={() => setOpen("share")} title="Read-only link to a saved version" data-testid="share-pipeline">Share</button>
      <button type="button" onClick={() => setOpen("publish")} title="Add a saved version to the template gallery" data-testid="publish-template">Publish as template</button>
      {note && <span className="small muted" data-testid="export-note">{note}</span>}
      {open === "share" && <ShareDialog {...props} onClose={() => setOpen(null)} />}
      {open === "publish" && <PublishDialog {...props} onClose={() => setOpen(null)} />}
    </>
  );
}

function Dialog({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ReactNode; testId: string }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

function ShareDialog({ pipelineId, savedVersion, onClose }: { pipelineId: string; savedVersion: number; onClose: () => void }) {
  const [shares, setShares] = useState<Share[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(() => {
    trpc.shares.list.query({ pipelineId }).then(setShares, (e: unknown) => setError(errorMessage(e)));
  }, [pipelineId]);
  useEffect(refresh, [refresh]);
  const urlOf = (token: string) => `${window.location.origin}/share/${token}`;

  async function create() {
    setBusy(true);
    try {
      await trpc.shares.create.mutate({ pipelineId, version: savedVersion });
      refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(token: string) {
    try {
      await trpc.shares.revoke.mutate({ token });
      refresh();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <Dialog title="Share a read-only link" onClose={onClose} testId="share-dialog">
      <p className="small muted">
        Anyone who can open this studio and has the link sees saved version v{savedVersion} (canvas, node docs, sample results) and can fork it.
        Secret params are never shown. Unsaved edits are not included.
      </p>
      {error && <div className="banner error">{error}</div>}
      <button type="button" className="primary" disabled={busy} onClick={() => void create()} data-testid="create-share">
        Create link to v{savedVersion}
      </button>
      <div style={{ marginTop: 12 }} data-testid="share-list">
        {shares === null ? (
          <div className="muted small">Loading…</div>
        ) : shares.length === 0 ? (
          <div className="muted small">No links yet.</div>
        ) : (
          shares.map((s) => (
            <div className="link-row" key={s.token} data-testid="share-row" data-revoked={s.revokedAt !== null}>
              <span className="pill">v{s.version}</span>
              {s.revokedAt === null ? (
                <>
                  <input readOnly value={urlOf(s.token)} onFocus={(e) => e.target.select()} data-testid="share-url" aria-label="Share link" />
                  <button type="button" onClick={() => void navigator.clipboard?.writeText(urlOf(s.token))}>Copy</button>
                  <button type="button" className="danger" onClick={() => void revoke(s.token)} data-testid="revoke-share">Revoke</button>
                </>
              ) : (
                <span className="muted">revoked {new Date(s.revokedAt).toLocaleString()}</span>
              )}
            </div>
          ))
        )}
      </div>
      <div className="buttons">
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}

function PublishDialog({ pipelineId, name, description, savedVersion, onClose }: { pipelineId: string; name: string; description: string; savedVersion: number; onClose: () => void }) {
  const [form, setForm] = useState({ name, description, tags: "" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<RouterOutputs["gallery"]["publish"] | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tags = form.tags.split(",").map((t) => t.trim()).filter(Boolean);
      setDone(await trpc.gallery.publish.mutate({ pipelineId, version: savedVersion, name: form.name, description: form.description, tags }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="Publish as template" onClose={onClose} testId="publish-dialog">
      {done ? (
        <div data-testid="publish-done">
          <p>
            “{done.name}” is in the gallery. {done.placeholders.length > 0 && `${done.placeholders.length} secret param${done.placeholders.length === 1 ? " was" : "s were"} left out.`}
          </p>
          <div className="buttons">
            <Link href="/gallery">Open the gallery</Link>
            <button type="button" onClick={onClose}>Close</button>
          </div>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <p className="small muted">Publishes saved version v{savedVersion} as a copy; later edits to this pipeline do not change the template. Secrets are left out.</p>
          {error && <div className="banner error">{error}</div>}
          <div className="field">
            <label htmlFor="tpl-name">Name</label>
            <input id="tpl-name" value={form.name} maxLength={200} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="template-name-input" />
          </div>
          <div className="field">
            <label htmlFor="tpl-desc">Description</label>
            <textarea id="tpl-desc" value={form.description} maxLength={2000} onChange={(e) => setForm({ ...form, description: e.target.value })} data-testid="template-description-input" />
          </div>
          <div className="field">
            <label htmlFor="tpl-tags">Tags</label>
            <input id="tpl-tags" value={form.tags} placeholder="support, escalation" onChange={(e) => setForm({ ...form, tags: e.target.value })} data-testid="template-tags-input" />
            <div className="hint">Comma-separated.</div>
          </div>
          <div className="buttons">
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" className="primary" disabled={busy || !form.name.trim()} data-testid="publish-submit">Publish</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

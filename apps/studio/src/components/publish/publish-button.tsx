"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { PublishPanel } from "./publish-panel";
import "./publish.css";

/**
 * The editor toolbar's Publish button and the drawer it opens. Takes the editor's save state so
 * the panel can say which version a publish freezes and warn about unsaved edits.
 */
export function PublishButton({ pipelineId, savedVersion, saveStatus }: { pipelineId: string; savedVersion: number; saveStatus: string }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} title="Publish as a REST endpoint" data-testid="open-publish">
        Publish…
      </button>
      {open && (
        <>
          <div className="publish-drawer-backdrop" onClick={() => setOpen(false)} />
          <div className="publish-drawer" role="dialog" aria-label="Publish" data-testid="publish-drawer">
            <header>
              <h2>Publish as an endpoint</h2>
              <Link href={`/pipelines/${pipelineId}/publish`} className="small">Open as a page</Link>
              <Link href="/keys" className="small">API keys</Link>
              <button type="button" onClick={() => setOpen(false)} data-testid="close-publish">Close</button>
            </header>
            <div className="publish-body">
              <PublishPanel pipelineId={pipelineId} savedVersion={savedVersion} unsaved={saveStatus === "dirty" || saveStatus === "conflict" || saveStatus === "error"} saving={saveStatus === "saving"} />
            </div>
          </div>
        </>
      )}
    </>
  );
}

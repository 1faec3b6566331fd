"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { errorMessage, trpc, type RouterOutputs } from "@/lib/trpc";
import { PublishPanel } from "./publish-panel";
import "./publish.css";

type Pipeline = RouterOutputs["pipelines"]["get"];

/** The Publish panel as its own page (deep links, and room for the run log). */
export function PublishPage({ id }: { id: string }) {
  const [pipeline, setPipeline] = useState<Pipeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    trpc.pipelines.get
      .query({ id })
      .then(setPipeline)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [id]);
  return (
    <main className="publish-page">
      <nav className="crumbs small nav-links">
        <Link href="/">← Pipelines</Link>
        <Link href={`/pipelines/${id}`}>Editor</Link>
        <Link href="/keys">API keys</Link>
      </nav>
      <h1 style={{ fontSize: 22, marginBottom: 16 }} data-testid="publish-page-title">
        Publish{pipeline ? `: ${pipeline.name}` : ""}
      </h1>
      {error ? <div className="banner error">Could not load the pipeline: {error}</div> : pipeline ? <PublishPanel pipelineId={id} savedVersion={pipeline.headVersion} /> : <div className="muted">Loading…</div>}
    </main>
  );
}

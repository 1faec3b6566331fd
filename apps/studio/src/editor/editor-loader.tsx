"use client";

import { ReactFlowProvider } from "@xyflow/react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { errorMessage, trpc, trpcErrorCode, type RouterOutputs } from "@/lib/trpc";
import { Editor } from "./editor";

type Pipeline = RouterOutputs["pipelines"]["get"];

/** Loads the pipeline once; the editor then owns the document until the page unloads. */
export function EditorLoader({ id, maxInputChars }: { id: string; maxInputChars: number }) {
  const [pipeline, setPipeline] = useState<Pipeline | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    trpc.pipelines.get.query({ id }).then(
      (p) => !cancelled && setPipeline(p),
      (err: unknown) => !cancelled && setError(trpcErrorCode(err) === "NOT_FOUND" ? "This pipeline does not exist (it may have been deleted)." : errorMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [id]);

  if (error) {
    return (
      <main className="list-page">
        <div className="banner error">{error}</div>
        <Link href="/">← Back to pipelines</Link>
      </main>
    );
  }
  if (!pipeline) return <main className="list-page muted">Loading pipeline…</main>;
  return (
    <ReactFlowProvider>
      <Editor key={pipeline.id} pipeline={pipeline} maxInputChars={maxInputChars} />
    </ReactFlowProvider>
  );
}

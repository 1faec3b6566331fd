"use client";

import { acceptedTypes, isPlaceholderValue, validate, type NodeInstance, type PipelineDocument, type ValidationIssue } from "@attune/graph";
import { Background, Controls, ReactFlow, type NodeTypes, type ReactFlowInstance } from "@xyflow/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { EditorRuntimeContext } from "@/editor/editor-context";
import { FlowNode } from "@/editor/flow-node";
import { toFlowEdges, toFlowNodes } from "@/editor/flow-mapping";
import type { AttuneFlowEdge, AttuneFlowNode } from "@/editor/flow-types";
import { useLivePreview } from "@/editor/use-live-preview";
import { specRegistry } from "@/lib/specs";
import { errorMessage, trpc, trpcErrorCode, type RouterOutputs } from "@/lib/trpc";
import "../gallery/gallery.css";

type Shared = RouterOutputs["shares"]["get"];
const nodeTypes: NodeTypes = { attune: FlowNode };
const NO_INPUTS: Record<string, unknown> = {};

/** Loads a share link; the view itself is read-only (no editing, no saving) with a Fork button. */
export function ShareView({ token }: { token: string }) {
  const [shared, setShared] = useState<Shared | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    trpc.shares.get.query({ token }).then(setShared, (e: unknown) =>
      setError(trpcErrorCode(e) === "NOT_FOUND" ? errorMessage(e).replace(/^./, (c) => c.toUpperCase()) + "." : errorMessage(e)),
    );
  }, [token]);
  if (error) {
    return (
      <main className="list-page">
        <div className="banner error" data-testid="share-error">{error}</div>
        <Link href="/">← Pipelines</Link>
      </main>
    );
  }
  if (!shared) return <main className="list-page muted">Loading shared pipeline…</main>;
  return <SharedPipeline shared={shared} />;
}

function SharedPipeline({ shared }: { shared: Shared }) {
  const router = useRouter();
  const doc: PipelineDocument = shared.document;
  const [forking, setForking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const issues = useMemo(() => safeValidate(doc), [doc]);
  const issuesByNode = useMemo(() => {
    const map = new Map<string, ValidationIssue[]>();
    for (const i of issues) if (i.nodeId) map.set(i.nodeId, [...(map.get(i.nodeId) ?? []), i]);
    return map;
  }, [issues]);
  const errors = issues.filter((i) => i.severity === "error").length;
  const sessionId = useMemo(() => `share-${Math.random().toString(36).slice(2, 10)}`, []);
  // Sample results: the shared version run once on no inputs, so every text input falls back to
  // the `sample` value stored in it. Computed now by the runner, not stored; see the note below.
  const blockedReason =
    doc.nodes.length === 0 ? "Empty pipeline." : shared.placeholders.length > 0 ? "Secret params were left out of this share, so it cannot run here." : errors > 0 ? `${errors} problem${errors === 1 ? "" : "s"} keep this version from running.` : null;
  const [preview] = useLivePreview({ document: doc, inputs: NO_INPUTS, sessionId, blockedReason });
  const runtime = useMemo(() => ({ document: doc, issuesByNode, preview }), [doc, issuesByNode, preview]);
  const nodes = useMemo<AttuneFlowNode[]>(() => toFlowNodes(doc, []), [doc]);
  const edges = useMemo<AttuneFlowEdge[]>(() => toFlowEdges(doc, [], issues), [doc, issues]);
  const samples = doc.nodes.filter((n) => specRegistry.get(n.type)?.role === "input");
  // Nodes grow when their sample results arrive: fit once measured, and again after the first run.
  const flow = useRef<ReactFlowInstance<AttuneFlowNode, AttuneFlowEdge> | null>(null);
  const settled = preview.status === "ok" || preview.status === "partial" || preview.status === "failed" || preview.status === "error";
  useEffect(() => {
    const timer = setTimeout(() => void flow.current?.fitView({ padding: 0.15, maxZoom: 1 }), 60);
    return () => clearTimeout(timer);
  }, [settled]);

  async function fork() {
    setForking(true);
    try {
      const created = await trpc.shares.fork.mutate({ token: shared.token });
      router.push(`/pipelines/${created.id}`);
    } catch (e) {
      setError(`Fork failed: ${errorMessage(e)}`);
      setForking(false);
    }
  }

  return (
    <EditorRuntimeContext.Provider value={runtime}>
      <div className="share-page">
      <header className="topbar">
        <Link href="/">← Pipelines</Link>
        <span className="title" data-testid="share-name">{shared.name}</span>
        <span className="pill" data-testid="share-version">v{shared.version}</span>
        <span className="pill" data-testid="read-only">read-only</span>
        <span className="spacer" />
        <span className="small muted" data-testid="share-run-status" data-status={preview.status}>
          sample run: {blockedReason ?? preview.status}
        </span>
        <button type="button" className="primary" disabled={forking} onClick={() => void fork()} data-testid="fork-share">
          {forking ? "Forking…" : "Fork"}
        </button>
      </header>
      <div>{error && <div className="banner error" role="alert">{error}</div>}</div>
      <div className="share-layout">
        <div className="canvas-box" data-testid="share-canvas">
          <ReactFlow<AttuneFlowNode, AttuneFlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            nodesFocusable={false}
            deleteKeyCode={null}
            onInit={(instance) => {
              flow.current = instance;
              setTimeout(() => void instance.fitView({ padding: 0.15, maxZoom: 1 }), 60);
            }}
            fitView
            fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={18} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <aside className="side-docs">
          <section style={{ marginBottom: 12 }}>
            <p className="small" data-testid="share-description" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              {shared.description || <span className="muted">No description.</span>}
            </p>
            <p className="small muted">
              Version {shared.version}, saved {new Date(shared.savedAt).toLocaleString()}. Fork to get your own editable copy.
            </p>
          </section>
          <section data-testid="sample-note" className="panel" style={{ marginBottom: 12 }}>
            <h2>Sample results</h2>
            <p className="small muted">
              The results on the canvas are computed now, by running this version once on the sample values stored in its input nodes
              {samples.length > 0 ? ` (${samples.map((n) => n.label ?? n.id).join(", ")})` : ""}. Nothing is stored; image and audio inputs have no stored sample, so nodes
              that need them show as failed or skipped.
            </p>
          </section>
          <h2 className="small muted" style={{ textTransform: "uppercase", letterSpacing: "0.05em" }}>Nodes</h2>
          {doc.nodes.map((n) => (
            <NodeDoc key={n.id} node={n} />
          ))}
        </aside>
      </div>
      </div>
    </EditorRuntimeContext.Provider>
  );
}

function NodeDoc({ node }: { node: NodeInstance }) {
  const spec = specRegistry.get(node.type);
  return (
    <div className="node-doc" data-testid={`node-doc-${node.id}`}>
      <h3>{node.label ?? spec?.title ?? node.type}</h3>
      <div className="small muted">
        {node.type} v{node.version}
        {spec && node.label ? ` · ${spec.title}` : ""}
      </div>
      {spec && <p style={{ margin: "4px 0" }}>{spec.description}</p>}
      <dl>
        {spec?.inputs.map((p) => (
          <Entry key={`in-${p.id}`} term={`in: ${p.label}`} value={`${acceptedTypes(p).join(" | ")}${p.optional ? " (optional)" : ""}`} />
        ))}
        {spec?.outputs.map((p) => <Entry key={`out-${p.id}`} term={`out: ${p.label}`} value={p.type} />)}
        {Object.entries(node.params).map(([name, value]) => (
          <Entry key={`p-${name}`} term={name} value={isPlaceholderValue(value) ? "(secret: not shared)" : formatParam(value)} />
        ))}
      </dl>
    </div>
  );
}

function Entry({ term, value }: { term: string; value: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </>
  );
}

function formatParam(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function safeValidate(doc: PipelineDocument): ValidationIssue[] {
  try {
    return validate(doc, specRegistry);
  } catch {
    return [];
  }
}

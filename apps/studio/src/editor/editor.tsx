"use client";

import { validate, type NodeInstance, type PipelineDocument, type ValidationIssue } from "@attune/graph";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type NodeTypes,
  type OnDelete,
} from "@xyflow/react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type DragEvent } from "react";
import { specRegistry } from "@/lib/specs";
import { errorMessage, trpc, trpcErrorCode, type RouterOutputs } from "@/lib/trpc";
import { ConnectionHint } from "./connection-hint";
import { judgeConnection } from "./connection-rules";
import { historyReducer } from "./document-history";
import { addNode, connect, copySelection, freeSpot, moveNodes, paste, removeElements, setLabel, setParams, type Clipboard } from "./document-ops";
import { IssueList, SaveIndicator } from "./editor-status";
import { EditorRuntimeContext } from "./editor-context";
import { FlowNode } from "./flow-node";
import { runnableKey, toFlowEdges, toFlowNodes } from "./flow-mapping";
import type { AttuneFlowEdge, AttuneFlowNode } from "./flow-types";
import { HistoryPanel } from "./history-panel";
import { Inspector } from "./inspector";
import { Palette, PALETTE_MIME } from "./palette";
import { PreviewPanel } from "./preview-panel";
import { PurposePanel } from "./purpose-panel";
import { inputKindOf } from "./input-kinds";
import { toRunInput, type MediaInputValue } from "@/media/media-value";
import { useLivePreview } from "./use-live-preview";
import { useEditorShortcuts } from "./use-editor-shortcuts";
import { usePipelineSave } from "./use-pipeline-save";
import { PublishButton } from "@/components/publish/publish-button";
import { PipelineActions } from "@/components/exchange/pipeline-actions";

// Monaco is large and browser-only: load the JSON tab on demand, never during SSR.
const JsonTab = dynamic(() => import("./json-tab").then((m) => m.JsonTab), {
  ssr: false,
  loading: () => <div className="muted" style={{ padding: 12 }}>Loading editor…</div>,
});

const nodeTypes: NodeTypes = { attune: FlowNode };
// Module constants: React Flow re-binds its key listeners whenever these arrays change identity.
const DELETE_KEYS = ["Delete", "Backspace"];
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];

type Pipeline = RouterOutputs["pipelines"]["get"];
type VersionSummary = RouterOutputs["pipelines"]["history"][number];

/** Issues for the canvas; a validator bug must not take the editor down with it. */
function safeValidate(doc: PipelineDocument): ValidationIssue[] {
  try {
    return validate(doc, specRegistry);
  } catch (error) {
    console.error("validate() failed", error);
    return [];
  }
}

export function Editor({ pipeline, maxInputChars }: { pipeline: Pipeline; maxInputChars: number }) {
  const [history, dispatch] = useReducer(historyReducer, { past: [], present: pipeline.document, future: [] });
  const doc = history.present;
  const commit = useCallback((document: PipelineDocument, coalesce?: string) => dispatch({ type: "commit", document, coalesce }), []);
  const docRef = useRef(doc);
  docRef.current = doc;

  const [tab, setTab] = useState<"canvas" | "json">("canvas");
  const [toast, setToast] = useState<{ text: string; kind: "error" | "info"; testId?: string } | null>(null);
  const showToast = useCallback((text: string, kind: "error" | "info" = "info", testId?: string) => setToast({ text, kind, testId }), []);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 6000);
    return () => clearTimeout(timer);
  }, [toast]);

  // ----- versions & saving -----
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const refreshHistory = useCallback(async () => {
    try {
      setVersions(await trpc.pipelines.history.query({ id: pipeline.id }));
    } catch (error) {
      showToast(`Could not load history: ${errorMessage(error)}`, "error");
    }
  }, [pipeline.id, showToast]);
  useEffect(() => void refreshHistory(), [refreshHistory]);
  const { state: saveState, save, markSaved } = usePipelineSave({
    pipelineId: pipeline.id,
    document: doc,
    initialVersion: pipeline.headVersion,
    initialDocument: pipeline.document,
    onSaved: refreshHistory,
  });
  const [restoring, setRestoring] = useState(false);

  const restore = useCallback(
    async (version: number) => {
      setRestoring(true);
      try {
        const restored = await trpc.pipelines.restore.mutate({ id: pipeline.id, version, baseVersion: saveState.baseVersion });
        const head = await trpc.pipelines.getVersion.query({ id: pipeline.id, version: restored.version });
        // Undoable: the previous graph is one Ctrl+Z away (and would be saved as a newer version).
        commit(head.document);
        markSaved(head.document, restored.version);
        await refreshHistory();
        showToast(`Restored v${version} as v${restored.version}.`);
      } catch (error) {
        showToast(
          trpcErrorCode(error) === "CONFLICT" ? "Someone saved a newer version; reload before restoring." : `Restore failed: ${errorMessage(error)}`,
          "error",
        );
      } finally {
        setRestoring(false);
      }
    },
    [pipeline.id, saveState.baseVersion, commit, markSaved, refreshHistory, showToast],
  );

  /** Conflict resolution, option 1: take the other version and drop local edits (still undoable). */
  const loadLatest = useCallback(async () => {
    try {
      const latest = await trpc.pipelines.get.query({ id: pipeline.id });
      commit(latest.document);
      markSaved(latest.document, latest.headVersion);
      await refreshHistory();
    } catch (error) {
      showToast(`Reload failed: ${errorMessage(error)}`, "error");
    }
  }, [pipeline.id, commit, markSaved, refreshHistory, showToast]);

  // ----- validation -----
  const issues = useMemo(() => safeValidate(doc), [doc]);
  const issuesByNode = useMemo(() => {
    const map = new Map<string, ValidationIssue[]>();
    for (const issue of issues) {
      if (!issue.nodeId) continue;
      map.set(issue.nodeId, [...(map.get(issue.nodeId) ?? []), issue]);
    }
    return map;
  }, [issues]);
  const errorCount = issues.filter((i) => i.severity === "error").length;

  // ----- live preview -----
  const inputNodes = useMemo(() => doc.nodes.filter((n) => specRegistry.get(n.type)?.role === "input"), [doc]);
  const [inputValues, setInputValues] = useState<Record<string, string>>({});
  // Images and audio by run-input name; kept apart from text so equality checks never hash megabytes.
  const [mediaValues, setMediaValues] = useState<Record<string, MediaInputValue>>({});
  const setMedia = useCallback((name: string, value: MediaInputValue | undefined) => {
    setMediaValues((prev) => {
      const old = prev[name];
      if (old?.url && old.url !== value?.url) URL.revokeObjectURL(old.url);
      const next = { ...prev };
      if (value) next[name] = value;
      else delete next[name];
      return next;
    });
  }, []);
  const [liveInput, setLiveInput] = useState<string | null>(null);
  const onLiveChange = useCallback((name: string, live: boolean) => setLiveInput((cur) => (live ? name : cur === name ? null : cur)), []);
  const runKey = runnableKey(doc);
  // Layout edits leave runKey unchanged, so moving a node does not re-run the pipeline.
  const runDocument = useMemo(() => doc, [runKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const collectedInputs = useMemo(() => {
    const inputs: Record<string, unknown> = {};
    for (const node of inputNodes) {
      const name = node.params.name;
      const kind = inputKindOf(node.type);
      if (typeof name === "string" && (kind === "image" || kind === "audio")) {
        const media = mediaValues[name];
        if (media) inputs[name] = toRunInput(media);
        continue;
      }
      const raw = typeof name === "string" ? inputValues[name] : undefined;
      if (typeof name !== "string" || raw === undefined) continue;
      if (kind === "number") {
        if (raw.trim() !== "" && Number.isFinite(Number(raw))) inputs[name] = Number(raw);
      } else inputs[name] = raw;
    }
    return inputs;
  }, [inputNodes, inputValues, mediaValues]);
  // Same values, same object: an unrelated graph edit must not look like new inputs. Media values
  // count by id (a new id for every new image or recording), not by their base64.
  const inputsKey = JSON.stringify(
    Object.entries(collectedInputs).map(([name, value]) => [name, typeof value === "object" && value !== null ? `media:${mediaValues[name]?.id ?? ""}` : value]),
  );
  const runInputs = useMemo(() => collectedInputs, [inputsKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const sessionId = useMemo(() => `studio-${pipeline.id}-${Math.random().toString(36).slice(2, 10)}`, [pipeline.id]);
  const blockedReason =
    doc.nodes.length === 0
      ? "Add nodes to the canvas to see a live preview."
      : errorCount > 0
        ? `Fix ${errorCount} problem${errorCount === 1 ? "" : "s"} to run the preview.`
        : null;
  const [preview, runFrame] = useLivePreview({ document: runDocument, inputs: runInputs, sessionId, blockedReason, live: liveInput !== null });
  const runtime = useMemo(() => ({ document: doc, issuesByNode, preview }), [doc, issuesByNode, preview]);

  // ----- React Flow view state -----
  const { screenToFlowPosition, fitView } = useReactFlow<AttuneFlowNode, AttuneFlowEdge>();
  const [nodes, setNodes] = useState<AttuneFlowNode[]>(() => toFlowNodes(doc, []));
  const [edges, setEdges] = useState<AttuneFlowEdge[]>(() => toFlowEdges(doc, [], issues));
  const selectNext = useRef<Set<string> | null>(null);
  // Fit an existing graph on open; an empty canvas keeps zoom 1 so the first drop lands where aimed
  // (React Flow would otherwise fit the view around the first node as soon as it appears).
  const [fitOnOpen] = useState(() => pipeline.document.nodes.length > 0);
  useEffect(() => {
    const select = selectNext.current ?? undefined;
    selectNext.current = null;
    setNodes((prev) => toFlowNodes(doc, prev, select));
  }, [doc]);
  useEffect(() => setEdges((prev) => toFlowEdges(doc, prev, issues)), [doc, issues]);

  const selectedIds = useMemo(() => new Set(nodes.filter((n) => n.selected).map((n) => n.id)), [nodes]);
  const selectedNode: NodeInstance | undefined = selectedIds.size === 1 ? doc.nodes.find((n) => selectedIds.has(n.id)) : undefined;

  const onNodesChange = useCallback(
    (changes: NodeChange<AttuneFlowNode>[]) => {
      setNodes((nds) => applyNodeChanges(changes, nds));
      // A finished drag is one document edit (one undo step), not one per mouse move.
      const moved = new Map<string, { x: number; y: number }>();
      for (const c of changes) if (c.type === "position" && c.dragging === false && c.position) moved.set(c.id, c.position);
      if (moved.size > 0) commit(moveNodes(docRef.current, moved));
    },
    [commit],
  );
  const onEdgesChange = useCallback((changes: EdgeChange<AttuneFlowEdge>[]) => setEdges((eds) => applyEdgeChanges(changes, eds)), []);
  const onDelete: OnDelete<AttuneFlowNode, AttuneFlowEdge> = useCallback(
    ({ nodes: gone, edges: goneEdges }) => {
      commit(removeElements(docRef.current, new Set(gone.map((n) => n.id)), new Set(goneEdges.map((e) => e.id))));
    },
    [commit],
  );

  const isValidConnection: IsValidConnection<AttuneFlowEdge> = useCallback((c) => judgeConnection(docRef.current, c).ok, []);
  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      commit(connect(docRef.current, { node: c.source, port: c.sourceHandle }, { node: c.target, port: c.targetHandle }));
    },
    [commit],
  );
  /** A refused drop on a handle says why, instead of silently snapping back. */
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.toHandle || !state.fromHandle) return;
      const [out, input] = state.fromHandle.type === "source" ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
      if (out.type !== "source" || input.type !== "target") {
        showToast("Connect an output (right side) to an input (left side).", "error", "connect-refused");
        return;
      }
      const verdict = judgeConnection(docRef.current, { source: out.nodeId, sourceHandle: out.id, target: input.nodeId, targetHandle: input.id });
      if (!verdict.ok) showToast(`Connection refused: ${verdict.reason}`, "error", "connect-refused");
    },
    [showToast],
  );

  // ----- adding nodes -----
  const canvasRef = useRef<HTMLDivElement>(null);
  const addAt = useCallback(
    (type: string, position: { x: number; y: number }) => {
      const spec = specRegistry.get(type);
      if (!spec) return;
      const { doc: next, id } = addNode(docRef.current, spec, position);
      selectNext.current = new Set([id]);
      commit(next);
    },
    [commit],
  );
  const addFromPalette = useCallback(
    (type: string) => {
      const rect = canvasRef.current?.getBoundingClientRect();
      const center = rect ? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
      addAt(type, freeSpot(docRef.current, { x: Math.round(center.x - 110), y: Math.round(center.y - 60) }));
    },
    [addAt, screenToFlowPosition],
  );
  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      event.preventDefault();
      const p = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // Drop so the node's header sits under the pointer, as if carried by it.
      addAt(type, { x: Math.round(p.x - 100), y: Math.round(p.y - 15) });
    },
    [addAt, screenToFlowPosition],
  );

  // ----- keyboard -----
  const clipboard = useRef<Clipboard | null>(null);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  useEditorShortcuts({
    save: () => void save(),
    undo: () => dispatch({ type: "undo" }),
    redo: () => dispatch({ type: "redo" }),
    copy: () => {
      const selected = new Set(nodesRef.current.filter((n) => n.selected).map((n) => n.id));
      if (selected.size === 0) return;
      clipboard.current = copySelection(docRef.current, selected);
      showToast(`Copied ${selected.size} node${selected.size === 1 ? "" : "s"}.`);
    },
    paste: (count) => {
      if (!clipboard.current) return;
      const { doc: next, ids } = paste(docRef.current, clipboard.current, { x: 40 * count, y: 40 * count });
      selectNext.current = new Set(ids);
      commit(next);
    },
    selectAll: () => setNodes((nds) => nds.map((n) => ({ ...n, selected: true }))),
  });

  const applyJson = useCallback(
    (next: PipelineDocument) => {
      commit(next);
      setTab("canvas");
      showToast("JSON applied. Ctrl+Z undoes it.");
      setTimeout(() => void fitView({ padding: 0.2 }), 50);
    },
    [commit, fitView, showToast],
  );

  const nodeIssues = selectedNode ? (issuesByNode.get(selectedNode.id) ?? []) : [];

  return (
    <EditorRuntimeContext.Provider value={runtime}>
      <div className="editor">
        <header className="topbar">
          <Link href="/" title="All pipelines">← Pipelines</Link>
          <span className="title" data-testid="pipeline-name">{pipeline.name}</span>
          <span className="pill" data-testid="base-version">v{saveState.baseVersion}</span>
          <div className="tabs" role="tablist">
            <button role="tab" aria-selected={tab === "canvas"} onClick={() => setTab("canvas")} data-testid="tab-canvas">Canvas</button>
            <button role="tab" aria-selected={tab === "json"} onClick={() => setTab("json")} data-testid="tab-json">JSON</button>
          </div>
          <span className="spacer" />
          <Link href={`/pipelines/${pipeline.id}/audits`} title="Bias audits of this pipeline" data-testid="link-audits">Audits</Link>
          <Link href={`/pipelines/${pipeline.id}/feedback`} title="Perceived-empathy feedback from published runs" data-testid="link-feedback">Feedback</Link>
          <PipelineActions pipelineId={pipeline.id} name={pipeline.name} description={pipeline.description} document={doc} savedVersion={saveState.baseVersion} />
          <button type="button" onClick={() => dispatch({ type: "undo" })} disabled={history.past.length === 0} title="Undo (Ctrl+Z)" data-testid="undo">Undo</button>
          <button type="button" onClick={() => dispatch({ type: "redo" })} disabled={history.future.length === 0} title="Redo (Ctrl+Shift+Z)" data-testid="redo">Redo</button>
          <SaveIndicator status={saveState.status} lastSavedAt={saveState.lastSavedAt} />
          <button type="button" className="primary" onClick={() => void save({})} disabled={saveState.status === "saving" || saveState.status === "conflict"} title="Save (Ctrl+S)" data-testid="save">
            Save
          </button>
          <PublishButton pipelineId={pipeline.id} savedVersion={saveState.baseVersion} saveStatus={saveState.status} />
        </header>
        <div className="statusline">
          {saveState.status === "conflict" && (
            <div className="banner warn" role="alert" data-testid="save-conflict">
              <strong>Not saved: this pipeline changed elsewhere</strong>
              {saveState.conflictVersion ? ` (now at v${saveState.conflictVersion})` : ""}. Your edits are kept here but were not written.{" "}
              <button type="button" onClick={() => void loadLatest()}>Load the latest version (discard mine)</button>{" "}
              <button type="button" onClick={() => void save({ force: true, message: "Saved over a concurrent change" })}>Save mine as a new version on top</button>
            </div>
          )}
          {saveState.status === "error" && saveState.error && (
            <div className="banner error" role="alert" data-testid="save-error">{saveState.error}</div>
          )}
        </div>
        <div className="workspace">
          <Palette onAdd={addFromPalette} />
          <div className="canvas-wrap" ref={canvasRef}>
            {tab === "canvas" ? (
              <ReactFlow<AttuneFlowNode, AttuneFlowEdge>
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onDelete={onDelete}
                onConnect={onConnect}
                onConnectEnd={onConnectEnd}
                isValidConnection={isValidConnection}
                onDragOver={onDragOver}
                onDrop={onDrop}
                deleteKeyCode={DELETE_KEYS}
                multiSelectionKeyCode={MULTI_SELECT_KEYS}
                fitView={fitOnOpen}
                fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
                minZoom={0.2}
                data-testid="canvas"
              >
                <Background gap={18} />
                <MiniMap pannable zoomable />
                <Controls />
                <ConnectionHint />
              </ReactFlow>
            ) : (
              <JsonTab document={doc} onApply={applyJson} />
            )}
            {toast && (
              <div className={`toast ${toast.kind}`} role="status" data-testid={toast.testId ?? "toast"}>
                {toast.text}
              </div>
            )}
          </div>
          <aside className="side">
            <section>
              <PurposePanel
                document={doc}
                issues={issues}
                onEdit={(edit, coalesce) => commit(edit(docRef.current), coalesce)}
                onSelectNode={(nodeId) => setNodes((nds) => nds.map((n) => ({ ...n, selected: n.id === nodeId })))}
              />
            </section>
            <section>
              <h2>Live preview</h2>
              <PreviewPanel
                inputNodes={inputNodes}
                values={inputValues}
                maxChars={maxInputChars}
                preview={preview}
                onChange={(name, value) => setInputValues((v) => ({ ...v, [name]: value }))}
                media={mediaValues}
                onMediaChange={setMedia}
                document={doc}
                runFrame={runFrame}
                liveInput={liveInput}
                onLiveChange={onLiveChange}
              />
            </section>
            <section>
              <h2>Inspector</h2>
              <Inspector
                node={selectedNode}
                selectedCount={selectedIds.size}
                issues={nodeIssues}
                onParamsChange={(id, params, coalesce) => commit(setParams(docRef.current, id, params), coalesce)}
                onLabelChange={(id, label) => commit(setLabel(docRef.current, id, label), `${id}:label`)}
              />
            </section>
            <section>
              <h2>
                Problems <span className="pill" data-testid="issue-count">{issues.length}</span>
              </h2>
              <IssueList issues={issues} onSelect={(nodeId) => setNodes((nds) => nds.map((n) => ({ ...n, selected: n.id === nodeId })))} />
            </section>
            <section>
              <h2>History</h2>
              <HistoryPanel versions={versions} headVersion={saveState.baseVersion} busy={restoring || saveState.status === "saving"} onRestore={(v) => void restore(v)} />
            </section>
            <section className="muted small">
              <kbd>Del</kbd> delete · <kbd>Ctrl</kbd>+<kbd>C</kbd>/<kbd>V</kbd> copy/paste · <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd> redo · <kbd>Ctrl</kbd>+<kbd>S</kbd> save · <kbd>Shift</kbd>+drag to box-select
            </section>
          </aside>
        </div>
      </div>
    </EditorRuntimeContext.Provider>
  );
}

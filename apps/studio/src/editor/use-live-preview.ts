"use client";

import { runEventSchema, type PipelineDocument, type PreviewSummary, type RunEvent } from "@attune/graph";
import { useCallback, useEffect, useReducer, useRef } from "react";
import { readSseStream } from "@/lib/sse";

export type NodeRunStatus = "pending" | "running" | "done" | "failed" | "skipped";

export interface NodeRunState {
  status: NodeRunStatus;
  preview?: PreviewSummary;
  durationMs?: number;
  cached?: boolean;
  error?: string;
  skippedReason?: string;
}

export interface PreviewState {
  status: "idle" | "waiting" | "running" | "ok" | "partial" | "failed" | "cancelled" | "error";
  runId?: string;
  durationMs?: number;
  /** Request-level failure (runner down, invalid document): shown in the preview panel. */
  error?: string;
  /** Issues the runner rejected the document with (422), keyed for the canvas. */
  issues?: { nodeId?: string; message: string }[];
  nodes: Record<string, NodeRunState>;
  /** The current run is a live webcam/microphone frame: results update in place, without fading. */
  live?: boolean;
  /** The last finished run's result fields (e.g. prosody per segment when wired to an output). */
  outputs?: Record<string, unknown>;
}

type Action =
  | { type: "waiting" }
  | { type: "event"; event: RunEvent; live?: boolean }
  | { type: "failed"; error: string; issues?: PreviewState["issues"] };

function reducer(state: PreviewState, action: Action): PreviewState {
  if (action.type === "waiting") return { ...state, status: "waiting" };
  // Results of an older graph would be misleading next to a graph that cannot run: drop them.
  if (action.type === "failed") return { status: "error", error: action.error, issues: action.issues, nodes: {} };
  const event = action.event;
  if (event.type === "run-started") {
    // Keep the previous values on screen (marked pending) so results do not flicker per keystroke.
    const nodes: Record<string, NodeRunState> = {};
    for (const id of event.nodeIds) nodes[id] = { ...state.nodes[id], status: "pending" };
    return { status: "running", runId: event.runId, nodes, live: action.live ?? false, outputs: state.outputs };
  }
  if (event.runId !== state.runId) return state;
  const current = state.nodes[("nodeId" in event && event.nodeId) || ""] ?? { status: "pending" as const };
  switch (event.type) {
    case "node-started":
      return withNode(state, event.nodeId, { ...current, status: "running" });
    case "node-finished":
      return withNode(state, event.nodeId, { ...current, status: "done", durationMs: event.durationMs, cached: event.cached, error: undefined });
    case "node-failed":
      return withNode(state, event.nodeId, { status: "failed", durationMs: event.durationMs, error: event.error.message });
    case "node-skipped":
      return withNode(state, event.nodeId, { status: "skipped", skippedReason: event.reason });
    case "preview":
      return withNode(state, event.nodeId, { ...current, preview: event.preview });
    case "run-finished":
      return { ...state, status: event.status, durationMs: event.durationMs, outputs: event.outputs };
  }
}

function withNode(state: PreviewState, nodeId: string, node: NodeRunState): PreviewState {
  return { ...state, nodes: { ...state.nodes, [nodeId]: node } };
}

const DEBOUNCE_MS = 250;

/** Runs one live frame now with these inputs on top of the panel's; resolves when the run ends. */
export type RunFrame = (inputs: Record<string, unknown>) => Promise<void>;

/**
 * Re-runs the pipeline on the runner whenever the document or the inputs change (debounced),
 * streaming per-node events into state. A newer run aborts the older request; the runner also
 * cancels the older run of the same session.
 *
 * While `live` is on (webcam or microphone streaming), the debounced runs stop and the caller
 * drives runs with `runFrame`, one at a time (see media/frame-gate.ts): frames are not debounced,
 * and results replace the previous ones without fading.
 */
export function useLivePreview(opts: {
  document: PipelineDocument;
  inputs: Record<string, unknown>;
  sessionId: string;
  /** When set, no request is made and this reason is shown instead (e.g. validation errors). */
  blockedReason: string | null;
  live?: boolean;
}): [PreviewState, RunFrame] {
  const [state, dispatch] = useReducer(reducer, { status: "idle", nodes: {} });
  const controller = useRef<AbortController | null>(null);
  const { document, inputs, sessionId, blockedReason, live = false } = opts;
  const latest = useRef({ document, inputs, sessionId, blockedReason });
  latest.current = { document, inputs, sessionId, blockedReason };

  const runFrame: RunFrame = useCallback(async (frameInputs) => {
    const { document: doc, inputs: base, sessionId: session, blockedReason: blocked } = latest.current;
    if (blocked) return;
    controller.current?.abort();
    const ac = new AbortController();
    controller.current = ac;
    await runPreview({ document: doc, inputs: { ...base, ...frameInputs }, sessionId: session }, ac.signal, dispatch, true);
  }, []);

  useEffect(() => {
    if (live) return;
    if (blockedReason) {
      controller.current?.abort();
      dispatch({ type: "failed", error: blockedReason });
      return;
    }
    dispatch({ type: "waiting" });
    const timer = setTimeout(() => {
      controller.current?.abort();
      const ac = new AbortController();
      controller.current = ac;
      void runPreview({ document, inputs, sessionId }, ac.signal, dispatch);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [document, inputs, sessionId, blockedReason, live]);

  useEffect(() => () => controller.current?.abort(), []);

  return [state, runFrame];
}

async function runPreview(
  body: { document: PipelineDocument; inputs: Record<string, unknown>; sessionId: string },
  signal: AbortSignal,
  dispatch: (a: Action) => void,
  live = false,
): Promise<void> {
  try {
    const res = await fetch("/api/preview", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok || !res.body) {
      dispatch({ type: "failed", ...(await describeFailure(res)) });
      return;
    }
    await readSseStream(res.body, (data) => {
      if (signal.aborted) return;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return;
      }
      const parsed = runEventSchema.safeParse(json);
      // An unknown event is a version skew between studio and runner, not a reason to stop reading.
      if (parsed.success) dispatch({ type: "event", event: parsed.data, live });
      else console.warn("Ignoring malformed run event", parsed.error.issues);
    });
  } catch (error) {
    if (signal.aborted) return;
    dispatch({ type: "failed", error: `Preview failed: ${error instanceof Error ? error.message : String(error)}` });
  }
}

async function describeFailure(res: Response): Promise<{ error: string; issues?: PreviewState["issues"] }> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; issues?: { nodeId?: string; message: string }[] } };
    if (body.error?.message) {
      return { error: body.error.message, issues: Array.isArray(body.error.issues) ? body.error.issues : undefined };
    }
  } catch {
    // not JSON: fall through to the status line
  }
  return { error: `Preview request failed (HTTP ${res.status})${text ? `: ${text.slice(0, 200)}` : ""}` };
}

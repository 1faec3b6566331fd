"use client";

import type { PipelineDocument } from "@attune/graph";
import { TRPCClientError } from "@trpc/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage, trpc, trpcErrorCode } from "@/lib/trpc";

export type SaveStatus = "saved" | "dirty" | "saving" | "conflict" | "error";

export interface SaveState {
  status: SaveStatus;
  /** The version this editor's document is based on: sent as baseVersion on save. */
  baseVersion: number;
  /** For a conflict: the newer version someone else saved. */
  conflictVersion?: number;
  error?: string;
  lastSavedAt?: number;
}

const AUTOSAVE_MS = 1200;

/**
 * Saving with optimistic concurrency: every save names the version it builds on, and a stale one
 * comes back as CONFLICT. Then autosave stops and the user decides; nothing is overwritten silently.
 */
export function usePipelineSave(opts: {
  pipelineId: string;
  document: PipelineDocument;
  initialVersion: number;
  initialDocument: PipelineDocument;
  onSaved: () => void;
}) {
  const { pipelineId, document, onSaved } = opts;
  const [state, setState] = useState<SaveState>({ status: "saved", baseVersion: opts.initialVersion });
  const savedDoc = useRef<PipelineDocument>(opts.initialDocument);
  const latest = useRef({ document, state });
  latest.current = { document, state };
  const inFlight = useRef(false);

  const dirty = document !== savedDoc.current;

  const save = useCallback(
    async (options: { message?: string; force?: boolean } = {}) => {
      const { document: doc, state: current } = latest.current;
      if (inFlight.current) return;
      if (current.status === "conflict" && !options.force) return;
      if (doc === savedDoc.current && !options.force) return;
      inFlight.current = true;
      setState((s) => ({ ...s, status: "saving", error: undefined }));
      try {
        const baseVersion = options.force && current.conflictVersion ? current.conflictVersion : current.baseVersion;
        const saved = await trpc.pipelines.save.mutate({ id: pipelineId, baseVersion, document: doc, message: options.message });
        savedDoc.current = doc;
        setState({ status: latest.current.document === doc ? "saved" : "dirty", baseVersion: saved.version, lastSavedAt: Date.now() });
        onSaved();
      } catch (error) {
        if (trpcErrorCode(error) === "CONFLICT") {
          setState((s) => ({ ...s, status: "conflict", conflictVersion: conflictHead(error) }));
        } else {
          setState((s) => ({ ...s, status: "error", error: describeSaveError(error) }));
        }
      } finally {
        inFlight.current = false;
      }
    },
    [pipelineId, onSaved],
  );

  // Autosave: a quiet moment after the last edit. Errors and conflicts wait for the user.
  useEffect(() => {
    if (!dirty || state.status === "conflict" || state.status === "saving") return;
    const timer = setTimeout(() => void save(), state.status === "error" ? AUTOSAVE_MS * 5 : AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [document, dirty, state.status, save]);

  // Leaving with unsaved work asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  /** After loading another version (conflict reload, restore): that document is the saved one. */
  const markSaved = useCallback((doc: PipelineDocument, version: number) => {
    savedDoc.current = doc;
    setState({ status: "saved", baseVersion: version, lastSavedAt: Date.now() });
  }, []);

  return { state: dirty && state.status === "saved" ? { ...state, status: "dirty" as const } : state, dirty, save, markSaved };
}

function conflictHead(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data === "object" && data !== null && "currentHeadVersion" in data && typeof data.currentHeadVersion === "number") {
    return data.currentHeadVersion;
  }
  return undefined;
}

function describeSaveError(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (typeof data === "object" && data !== null && "problems" in data && Array.isArray(data.problems) && data.problems.length > 0) {
      const problems = data.problems as { path: string; message: string }[];
      return `Save rejected: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`;
    }
  }
  return `Save failed: ${errorMessage(error)}`;
}

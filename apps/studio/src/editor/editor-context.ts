"use client";

import { emptyDocument, type PipelineDocument, type ValidationIssue } from "@attune/graph";
import { createContext, useContext } from "react";
import type { PreviewState } from "./use-live-preview";

/**
 * What canvas components read besides their own props: the document, issues and live results. Kept in
 * context rather than in React Flow node data so a preview event does not rebuild every node.
 */
export interface EditorRuntime {
  document: PipelineDocument;
  issuesByNode: ReadonlyMap<string, ValidationIssue[]>;
  preview: PreviewState;
}

export const EditorRuntimeContext = createContext<EditorRuntime>({
  document: emptyDocument(),
  issuesByNode: new Map(),
  preview: { status: "idle", nodes: {} },
});

export function useEditorRuntime(): EditorRuntime {
  return useContext(EditorRuntimeContext);
}

import type { PipelineDocument } from "@attune/graph";

/**
 * Undo/redo over whole documents. Documents are immutable values, so a history entry is just a
 * reference: cheap, and undo restores exactly what was there (positions, params, edges).
 */
export interface DocumentHistory {
  past: PipelineDocument[];
  present: PipelineDocument;
  future: PipelineDocument[];
  /** Key and time of the last coalescing commit: a typing burst in one field is one undo step. */
  lastCoalesce?: { key: string; at: number };
}

export type HistoryAction =
  | { type: "commit"; document: PipelineDocument; coalesce?: string; at?: number }
  | { type: "undo" }
  | { type: "redo" }
  /** Replaces the document without an undo entry (initial load, reloading after a conflict). */
  | { type: "reset"; document: PipelineDocument };

const LIMIT = 200;
const COALESCE_MS = 1500;

export function historyReducer(state: DocumentHistory, action: HistoryAction): DocumentHistory {
  switch (action.type) {
    case "commit": {
      if (action.document === state.present) return state;
      const at = action.at ?? Date.now();
      const last = state.lastCoalesce;
      const lastCoalesce = action.coalesce ? { key: action.coalesce, at } : undefined;
      if (action.coalesce && last && last.key === action.coalesce && at - last.at < COALESCE_MS && state.future.length === 0) {
        return { ...state, present: action.document, lastCoalesce };
      }
      return { past: [...state.past, state.present].slice(-LIMIT), present: action.document, future: [], lastCoalesce };
    }
    case "undo": {
      const previous = state.past.at(-1);
      if (!previous) return state;
      return { past: state.past.slice(0, -1), present: previous, future: [state.present, ...state.future] };
    }
    case "redo": {
      const next = state.future[0];
      if (!next) return state;
      return { past: [...state.past, state.present], present: next, future: state.future.slice(1) };
    }
    case "reset":
      return { past: [], present: action.document, future: [] };
  }
}

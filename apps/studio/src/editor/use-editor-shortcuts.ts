"use client";

import { useEffect, useRef } from "react";

export interface ShortcutActions {
  save: () => void;
  undo: () => void;
  redo: () => void;
  copy: () => void;
  /** `count` is how many times the current clipboard was pasted, to offset each copy further. */
  paste: (count: number) => void;
  selectAll: () => void;
}

/** Shortcuts other than Ctrl+S leave text fields (inputs, Monaco) to their own editing. */
function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) ||
    target.closest(".monaco-editor") !== null ||
    // Image drop zones take Ctrl+V as an image paste, not a node paste.
    target.closest("[data-accepts-paste]") !== null
  );
}

/**
 * Editor-wide Ctrl/Cmd shortcuts: S save, Z / Shift+Z / Y undo-redo, C / V copy-paste, A select all.
 * Delete and Backspace stay with React Flow, which knows the selection.
 */
export function useEditorShortcuts(actions: ShortcutActions): void {
  const latest = useRef(actions);
  latest.current = actions;
  const pasteCount = useRef(0);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      const act = latest.current;
      if (key === "s") {
        event.preventDefault();
        act.save();
        return;
      }
      if (isTextTarget(event.target)) return;
      if (key === "z" || key === "y") {
        event.preventDefault();
        if (key === "z" && !event.shiftKey) act.undo();
        else act.redo();
      } else if (key === "c") {
        pasteCount.current = 0;
        act.copy();
      } else if (key === "v") {
        event.preventDefault();
        pasteCount.current += 1;
        act.paste(pasteCount.current);
      } else if (key === "a") {
        event.preventDefault();
        act.selectAll();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

"use client";

import { parseDocument, type PipelineDocument, type SchemaProblem } from "@attune/graph";
import Editor from "@monaco-editor/react";
import { useEffect, useRef, useState } from "react";
import { ensureLocalMonaco } from "./local-monaco";

function format(doc: PipelineDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The document as JSON. Edits stay local until Apply, which replaces the graph only if the text is
 * JSON and a valid document; otherwise it lists every problem with its exact path and changes nothing.
 */
export function JsonTab({ document, onApply }: { document: PipelineDocument; onApply: (doc: PipelineDocument) => void }) {
  const [monacoReady, setMonacoReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [text, setText] = useState(() => format(document));
  const [problems, setProblems] = useState<SchemaProblem[] | null>(null);
  const edited = useRef(false);

  useEffect(() => {
    ensureLocalMonaco().then(
      () => setMonacoReady(true),
      (error: unknown) => setLoadError(error instanceof Error ? error.message : String(error)),
    );
  }, []);

  // Follow the canvas (undo, edits elsewhere) unless the user has pending edits here.
  useEffect(() => {
    if (!edited.current) setText(format(document));
  }, [document]);

  function apply() {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      setProblems([{ path: "(root)", message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }]);
      return;
    }
    const result = parseDocument(json);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems(null);
    edited.current = false;
    onApply(result.document);
  }

  function revert() {
    edited.current = false;
    setProblems(null);
    setText(format(document));
  }

  return (
    <div className="json-pane" data-testid="json-tab">
      <div className="json-toolbar">
        <button type="button" className="primary" onClick={apply} data-testid="json-apply">
          Apply
        </button>
        <button type="button" onClick={revert} data-testid="json-revert">
          Revert
        </button>
        <span className="muted small">Apply replaces the graph (undo with Ctrl+Z). Invalid documents are never applied.</span>
      </div>
      <div style={{ minHeight: 0 }}>
        {loadError ? (
          <div className="banner error" style={{ margin: 12 }}>The JSON editor failed to load: {loadError}</div>
        ) : monacoReady ? (
          <Editor
            language="json"
            value={text}
            onChange={(value) => {
              edited.current = true;
              setText(value ?? "");
            }}
            options={{ minimap: { enabled: false }, fontSize: 13, tabSize: 2, scrollBeyondLastLine: false, automaticLayout: true }}
          />
        ) : (
          <div className="muted" style={{ padding: 12 }}>Loading editor…</div>
        )}
      </div>
      {problems && (
        <div className="json-problems" data-testid="json-problems" role="alert">
          <strong>Not applied — {problems.length} problem{problems.length === 1 ? "" : "s"}:</strong>
          {problems.map((p, i) => (
            <div key={i}>
              <code>{p.path}</code>: {p.message}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

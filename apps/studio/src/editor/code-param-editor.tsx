"use client";

import Editor from "@monaco-editor/react";
import { useEffect, useMemo, useState } from "react";
import { specRegistry } from "@/lib/specs";
import { useEditorRuntime } from "./editor-context";
import { codeInputDeclaration, upstreamOf } from "./input-type-hints";
import { ensureJavaScriptMonaco } from "./local-monaco-js";

type MonacoModule = Awaited<ReturnType<typeof ensureJavaScriptMonaco>>;
/** One declaration file shared by every code model: only the selected node's editor is mounted. */
const INPUT_LIB_PATH = "file:///attune/code-node-input.d.ts";

interface Limits {
  timeoutMs: unknown;
  memoryLimitMb: unknown;
  maxOutputKb: unknown;
}

interface Marker {
  startLineNumber: number;
  message: string;
  severity: number;
}

/**
 * The code node's `code` param in a Monaco JavaScript editor. `input` is typed from whatever is
 * wired into the node's Input port (re-derived when the graph changes), and the sandbox's limits sit
 * next to it, so a person sees what they can read and what they can spend before the code runs.
 */
export function CodeParamEditor({
  id,
  nodeId,
  value,
  limits,
  onChange,
}: {
  id: string;
  nodeId: string;
  value: string;
  limits: Limits;
  onChange: (code: string) => void;
}) {
  const { document, preview } = useEditorRuntime();
  const [monaco, setMonaco] = useState<MonacoModule | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [markers, setMarkers] = useState<Marker[]>([]);
  const [tall, setTall] = useState(false);

  useEffect(() => {
    ensureJavaScriptMonaco().then(setMonaco, (error: unknown) => setLoadError(error instanceof Error ? error.message : String(error)));
  }, []);

  const upstream = upstreamOf(document, specRegistry, nodeId, "input");
  const upstreamKey = upstream ? `${upstream.nodeId}:${upstream.port}:${upstream.type}` : "";
  const declaration = useMemo(() => codeInputDeclaration(upstream), [upstreamKey]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!monaco) return;
    const lib = monaco.typescript.javascriptDefaults.addExtraLib(declaration.dts, INPUT_LIB_PATH);
    return () => lib.dispose();
  }, [monaco, declaration.dts]);

  const run = preview.nodes[nodeId];
  const errors = markers.filter((m) => m.severity >= 8);

  return (
    <div className="code-editor" data-testid={id}>
      <div className="code-input-type" data-testid={`code-input-type-${nodeId}`} data-type={declaration.type}>
        <span className="muted">input:</span> <code>{declaration.type}</code>
        <div className="hint">from {declaration.source}</div>
      </div>
      <div className="code-monaco" data-testid={`code-monaco-${nodeId}`} style={{ height: tall ? 440 : 220 }}>
        {loadError ? (
          <div className="banner error">The code editor failed to load: {loadError}</div>
        ) : monaco ? (
          <Editor
            language="javascript"
            path={`file:///attune/code/${nodeId}.js`}
            value={value}
            onChange={(next) => onChange(next ?? "")}
            onValidate={(found) => setMarkers(found.map((m) => ({ startLineNumber: m.startLineNumber, message: m.message, severity: m.severity })))}
            options={{
              minimap: { enabled: false },
              fontSize: 12,
              tabSize: 2,
              lineNumbersMinChars: 3,
              scrollBeyondLastLine: false,
              automaticLayout: true,
              wordWrap: "on",
              fixedOverflowWidgets: true,
            }}
          />
        ) : (
          <div className="muted small" style={{ padding: 8 }}>Loading editor…</div>
        )}
      </div>
      <div className="code-toolbar">
        <span className="code-limits small" data-testid={`code-limits-${nodeId}`}>
          Sandbox limits: <b>{String(limits.timeoutMs)} ms</b> · <b>{String(limits.memoryLimitMb)} MB</b> memory · output ≤ <b>{String(limits.maxOutputKb)} KB</b>
        </span>
        <button type="button" className="link-button small" onClick={() => setTall((t) => !t)}>
          {tall ? "Smaller" : "Taller"}
        </button>
      </div>
      <div className="hint">
        A function body: read <code>input</code>, <code>return</code> a JSON value. QuickJS sandbox: no require, process, files, network or
        timers.
      </div>
      {errors.slice(0, 5).map((m, i) => (
        <div key={i} className="param-error" data-testid={`code-marker-${nodeId}`}>
          line {m.startLineNumber}: {m.message}
        </div>
      ))}
      {run?.status === "failed" && run.error && (
        <div className="param-error" data-testid={`code-run-error-${nodeId}`}>
          Last run failed: {run.error}
        </div>
      )}
    </div>
  );
}

"use client";

import { ensureLocalMonaco } from "./local-monaco";

type MonacoModule = typeof import("monaco-editor");
let ready: Promise<MonacoModule> | undefined;

interface WorkerEnvironment {
  getWorker?: (workerId: string, label: string) => Worker;
}

/**
 * The local Monaco (see local-monaco.ts) with the JavaScript language service's worker served from
 * our bundle as well, and JavaScript set up for the code node: function-body code (a top-level
 * `return` is fine), type-checked against the declared `input`, with no DOM library, because the
 * QuickJS sandbox has no window, timers or fetch.
 */
export function ensureJavaScriptMonaco(): Promise<MonacoModule> {
  ready ??= (async () => {
    await ensureLocalMonaco();
    const monaco = await import("monaco-editor");
    const env = (globalThis as { MonacoEnvironment?: WorkerEnvironment }).MonacoEnvironment;
    const base = env?.getWorker;
    if (env && base) {
      env.getWorker = (workerId, label) =>
        label === "typescript" || label === "javascript"
          ? new Worker(new URL("./monaco-workers/ts.worker.ts", import.meta.url), { type: "module" })
          : base(workerId, label);
    }
    const js = monaco.typescript.javascriptDefaults;
    js.setCompilerOptions({
      target: monaco.typescript.ScriptTarget.ES2020,
      allowNonTsExtensions: true,
      allowJs: true,
      checkJs: true,
      noLib: false,
      lib: ["lib.es2020.d.ts"],
    });
    // 1108: "A 'return' statement can only be used within a function body": the code *is* a body.
    js.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, diagnosticCodesToIgnore: [1108] });
    return monaco;
  })();
  return ready;
}

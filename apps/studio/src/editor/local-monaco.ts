"use client";

let ready: Promise<void> | undefined;

/**
 * Points @monaco-editor/react at the monaco-editor package in node_modules instead of its default
 * CDN (the machine has no CDN access), with workers from our own bundle. Client-only and lazy, so
 * Monaco's megabytes load only when someone opens the JSON tab.
 */
export function ensureLocalMonaco(): Promise<void> {
  ready ??= (async () => {
    const [{ loader }, monaco] = await Promise.all([import("@monaco-editor/react"), import("monaco-editor")]);
    (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
      getWorker(_workerId: string, label: string): Worker {
        if (label === "json") return new Worker(new URL("./monaco-workers/json.worker.ts", import.meta.url), { type: "module" });
        return new Worker(new URL("./monaco-workers/editor.worker.ts", import.meta.url), { type: "module" });
      },
    };
    loader.config({ monaco });
  })();
  return ready;
}

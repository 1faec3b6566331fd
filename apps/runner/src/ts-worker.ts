import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread on `entry`. The runner runs its TypeScript sources through tsx, but on
 * Node 20 a worker does not inherit tsx's loader hooks and `execArgv: ["--import", "tsx"]` does not
 * apply them to the worker's own entry ("Unknown file extension .ts"). So a `.ts` entry is loaded
 * through a tiny eval bootstrap that calls tsx's `tsImport`, with tsx resolved from this package
 * (absolute path) so it works from any working directory. A `.js`/`.mjs` entry (a compiled build)
 * starts directly. Same approach as nodes/core's code sandbox (nodes/core/src/code/sandbox.ts),
 * which cannot import from the runner.
 */
export function startTsWorker(entry: URL, options: Omit<WorkerOptions, "eval"> = {}): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, options);
  // The ESM build of tsx's API (its CommonJS build cannot be required from an eval worker).
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}));`;
  return new Worker(bootstrap, { ...options, eval: true });
}

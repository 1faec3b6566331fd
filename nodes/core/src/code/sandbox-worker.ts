/**
 * Entry of one code sandbox worker thread (started by sandbox.ts). It loads QuickJS once, answers
 * "ready", then runs one request at a time: QuickJS is synchronous, so a run blocks this thread,
 * never the runner's. The engine lives as long as this worker; a run that faults it makes the main
 * side replace the whole worker.
 */
import variant from "@jitl/quickjs-wasmfile-release-sync";
import type { CodeSandboxRequest } from "@attune/graph";
import { parentPort } from "node:worker_threads";
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import { CodeError } from "./errors";
import { evaluate } from "./evaluate";

/** main -> worker */
export interface WorkerRequest {
  id: number;
  request: CodeSandboxRequest;
}

/** worker -> main */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "done"; id: number; faulted: boolean; ok: true; outputJson: string; logs: string[] }
  | { type: "done"; id: number; faulted: boolean; ok: false; message: string; code: string | undefined; logs: readonly string[] };

const port = parentPort;
if (!port) throw new Error("sandbox-worker runs as a worker thread (see sandbox.ts)");

const quickjs = await newQuickJSWASMModuleFromVariant(variant);

port.on("message", ({ id, request }: WorkerRequest) => {
  const evaluation = evaluate(quickjs, request);
  const reply: WorkerMessage = evaluation.ok
    ? { type: "done", id, faulted: evaluation.faulted, ok: true, ...evaluation.result }
    : {
        type: "done",
        id,
        faulted: evaluation.faulted,
        ok: false,
        message: evaluation.error.message,
        code: evaluation.error instanceof CodeError ? evaluation.error.code : undefined,
        logs: evaluation.error instanceof CodeError ? evaluation.error.logs : [],
      };
  port.postMessage(reply);
});

port.postMessage({ type: "ready" } satisfies WorkerMessage);

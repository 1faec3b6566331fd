import type { CodeSandbox, CodeSandboxRequest, CodeSandboxResult } from "@attune/graph";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CODE_ERROR_CODES, CodeError, type CodeErrorCode } from "./errors";
import type { WorkerMessage, WorkerRequest } from "./sandbox-worker";

export interface CodeSandboxOptions {
  /** Worker threads running code at the same time; further requests wait in a FIFO queue. Default 2. */
  workers?: number;
  /**
   * How long past a request's `timeoutMs` a worker may stay silent before it is terminated and
   * replaced. QuickJS's own interrupt handler answers at `timeoutMs`; this is the backstop for a
   * worker that cannot answer (a hang inside the WebAssembly module, an aborted engine). Default 2000.
   */
  graceMs?: number;
  /** The worker entry module; tests substitute one that misbehaves. Default ./sandbox-worker.ts. */
  workerUrl?: URL;
}

/** Counters for health checks and tests. */
export interface CodeSandboxStats {
  /** Worker threads alive now (booting, idle or busy). */
  workers: number;
  /** Started and waiting for a request. */
  idle: number;
  busy: number;
  queued: number;
  /** Worker threads started since the sandbox was created. */
  started: number;
  /** Worker threads terminated (abort, backstop, crash, faulted engine or close). */
  terminated: number;
}

const DEFAULT_WORKERS = 2;
const DEFAULT_GRACE_MS = 2_000;
const WORKER_ENTRY = new URL("./sandbox-worker.ts", import.meta.url);

interface Job {
  id: number;
  request: CodeSandboxRequest;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  resolve(result: CodeSandboxResult): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  backstop: NodeJS.Timeout | undefined;
}

/**
 * Runs `core.code` requests in a small pool of worker threads, each with its own QuickJS engine,
 * so an endless loop blocks one worker and never the runner's event loop. Inside the worker,
 * QuickJS enforces the time, memory and output limits; here a backstop timer terminates a worker
 * that has not answered by `timeoutMs + graceMs`, an aborted signal terminates the worker running
 * that request, and a terminated or crashed worker is replaced on the next request. One instance
 * per process: the runner creates it at start-up and closes it on shutdown.
 */
export class WorkerCodeSandbox implements CodeSandbox {
  private readonly size: number;
  private readonly graceMs: number;
  private readonly entry: URL;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private started = 0;
  private terminated = 0;
  private closed = false;

  constructor(options: CodeSandboxOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? DEFAULT_WORKERS));
    this.graceMs = Math.max(0, options.graceMs ?? DEFAULT_GRACE_MS);
    this.entry = options.workerUrl ?? WORKER_ENTRY;
  }

  run(request: CodeSandboxRequest, signal?: AbortSignal): Promise<CodeSandboxResult> {
    if (this.closed) return Promise.reject(new Error("the code sandbox is closed"));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<CodeSandboxResult>((resolve, reject) => {
      const job: Job = { id: this.nextId++, request, signal, onAbort: undefined, resolve, reject };
      if (signal) {
        job.onAbort = () => this.abort(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  stats(): CodeSandboxStats {
    let busy = 0;
    let idle = 0;
    for (const slot of this.slots) {
      if (slot.job) busy++;
      else if (slot.ready) idle++;
    }
    return { workers: this.slots.size, idle, busy, queued: this.queue.length, started: this.started, terminated: this.terminated };
  }

  /** Terminates every worker; requests in flight or queued reject. Later runs reject at once. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error("the code sandbox is closed");
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(error));
    await Promise.all([...this.slots].map((slot) => this.kill(slot, error)));
  }

  /** Hands queued jobs to idle workers, starting workers (up to the pool size) for the rest. */
  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let idle: Slot | undefined;
      let booting = 0;
      for (const slot of this.slots) {
        if (!slot.ready) booting++;
        else if (!slot.job && !idle) idle = slot;
      }
      if (idle) this.dispatch(idle, this.queue.shift()!);
      else if (this.slots.size < this.size && booting < this.queue.length) this.spawn();
      else break;
    }
  }

  private spawn(): void {
    const slot: Slot = { worker: startWorker(this.entry), ready: false, job: undefined, backstop: undefined };
    this.started++;
    this.slots.add(slot);
    slot.worker.on("message", (message: WorkerMessage) => this.onMessage(slot, message));
    slot.worker.on("error", (error) => {
      if (!this.slots.has(slot)) return;
      const reason = new Error(`the code sandbox worker ${slot.ready ? "crashed" : "could not start"}: ${error.message}`);
      // A worker that cannot even start fails the request that was waiting for it, so a broken
      // install fails runs one by one instead of respawning forever.
      if (!slot.ready) this.failNextQueued(reason);
      void this.kill(slot, reason);
    });
    slot.worker.on("exit", (code) => {
      if (!this.slots.has(slot)) return;
      const reason = new Error(`the code sandbox worker stopped unexpectedly (exit code ${code})`);
      if (!slot.ready) this.failNextQueued(reason);
      void this.kill(slot, reason);
    });
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    // Busy workers keep the process alive (a pending run must get its answer); idle ones do not.
    slot.worker.ref();
    const limit = job.request.timeoutMs + this.graceMs;
    slot.backstop = setTimeout(() => {
      const error = new CodeError(
        `timed out: the sandbox did not answer within ${limit} ms (limit ${job.request.timeoutMs} ms) and was restarted`,
        "CODE_TIMEOUT",
      );
      void this.kill(slot, error);
    }, limit);
    slot.worker.postMessage({ id: job.id, request: job.request } satisfies WorkerRequest);
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (!this.slots.has(slot)) return;
    if (message.type === "ready") {
      slot.ready = true;
      slot.worker.unref();
      this.pump();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    clearTimeout(slot.backstop);
    slot.backstop = undefined;
    slot.job = undefined;
    slot.worker.unref();
    if (message.ok) {
      this.settle(job, () => job.resolve({ outputJson: message.outputJson, logs: message.logs }));
    } else {
      const error = isCodeErrorCode(message.code) ? new CodeError(message.message, message.code, message.logs) : new Error(message.message);
      this.settle(job, () => job.reject(error));
    }
    if (message.faulted) void this.kill(slot);
    else this.pump();
  }

  private abort(job: Job): void {
    const reason = abortReason(job.signal!);
    const queued = this.queue.indexOf(job);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.settle(job, () => job.reject(reason));
      return;
    }
    // The code is running synchronously inside QuickJS: only terminating its thread stops it now.
    for (const slot of this.slots) if (slot.job === job) void this.kill(slot, reason);
  }

  /** Removes a worker from the pool, failing its job if it had one, and lets the queue move on. */
  private async kill(slot: Slot, reason?: unknown): Promise<void> {
    if (!this.slots.delete(slot)) return;
    this.terminated++;
    clearTimeout(slot.backstop);
    const job = slot.job;
    slot.job = undefined;
    if (job) this.settle(job, () => job.reject(reason ?? new Error("the code sandbox worker was stopped")));
    const exited = slot.worker.terminate();
    this.pump();
    await exited.then(
      () => undefined,
      () => undefined,
    );
  }

  private failNextQueued(reason: Error): void {
    const job = this.queue.shift();
    if (job) this.settle(job, () => job.reject(reason));
  }

  private settle(job: Job, done: () => void): void {
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    done();
  }
}

/** The runner's code sandbox: `workers` threads (default 2), created once at start-up. */
export function createCodeSandbox(options: CodeSandboxOptions = {}): WorkerCodeSandbox {
  return new WorkerCodeSandbox(options);
}

function isCodeErrorCode(code: string | undefined): code is CodeErrorCode {
  return code !== undefined && (CODE_ERROR_CODES as readonly string[]).includes(code);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("the run was aborted", "AbortError");
}

/**
 * Starts a worker on `entry`. The runner and the tests run TypeScript sources through tsx, but on
 * Node 20 a worker does not inherit tsx's loader hooks and `execArgv: ["--import", "tsx"]` does not
 * apply them to the worker's own entry (it fails with "Unknown file extension .ts"). So a `.ts`
 * entry is loaded through a tiny eval bootstrap that calls tsx's `tsImport`, with tsx resolved
 * from this package (absolute path) so it works from any working directory. A `.js`/`.mjs` entry
 * (a compiled build) starts directly.
 */
function startWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry);
  // The ESM build of tsx's API (its CommonJS build cannot be required from an eval worker).
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}));`;
  return new Worker(bootstrap, { eval: true });
}

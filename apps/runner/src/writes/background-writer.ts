import type { Worker } from "node:worker_threads";
import { compactableOutputs, type RunLogEntry } from "@attune/db";
import { startTsWorker } from "../ts-worker";
import { jsonArray, type FromWriter, type Json, type PublishedCallRecord, type ToWriter, type WriterWorkerData } from "./protocol";

export interface BackgroundWriterOptions {
  /** How often queued entries are handed to the writer thread. */
  flushIntervalMs?: number;
  /**
   * Queued JSON this long (in characters) is handed over at the next turn of the event loop instead
   * of waiting for the timer. Default 64 Ki: see BATCH_CHARS.
   */
  batchChars?: number;
  /**
   * Beyond this many unwritten calls (queued or handed over but not yet written) the oldest queued
   * are dropped: memory stays bounded if the database is stuck.
   */
  maxQueue?: number;
  pruneIntervalMs?: number;
  onError?: (error: unknown, dropped: number) => void;
  /** The writer thread's entry; tests substitute one. Default ./writer-worker.ts. */
  workerUrl?: URL;
}

/**
 * One published call for the run log. A run that succeeded also hands over its outputs (a
 * reference; the writer takes what compaction reads, no media is copied), so that feedback on the
 * run can be joined to them.
 */
export interface PublishedCall extends RunLogEntry {
  outputs?: Readonly<Record<string, unknown>>;
}

const WORKER_ENTRY = new URL("./writer-worker.ts", import.meta.url);
/**
 * A batch crosses to the writer as one string, built by a join and copied by postMessage. Kept
 * below V8's large-object size (128 KiB) so that neither is a fresh mapping whose pages fault in on
 * every hand-over: with a bound of 96 Ki characters the request thread spent 4-5 µs less per call
 * than with batches of 500 calls (~210 Ki characters) on the published endpoint bench (in-process
 * A/B, main-thread CPU per call), and 32 Ki was no better. 64 Ki leaves headroom: the hand-over
 * comes a turn after the bound is reached, and text beyond Latin-1 takes two bytes per character.
 */
const BATCH_CHARS = 64 * 1024;
/** How long close() waits for the writer thread to finish its last batch before terminating it. */
const CLOSE_TIMEOUT_MS = 15_000;

/**
 * The run log, keys' last-used times and run outputs snapshots (for feedback), written off the
 * request path and off the event loop. Requests only push onto in-memory queues; a timer (or a
 * full batch) hands everything queued to one worker thread (writer-worker.ts) that owns its own
 * connection to the same SQLite file (WAL), compacts the snapshots and writes the batch in one
 * transaction. The worker also prunes by the run log's retention.
 *
 * Guarantees: close() hands over what is queued and waits for the worker to write it (nothing is
 * lost on graceful shutdown); the unwritten backlog is bounded; flush() resolves once everything
 * pushed before it is in the database (feedback on a run that is not yet written calls it).
 */
export class BackgroundWriter {
  private calls: Json<PublishedCallRecord>[] = [];
  private touched = new Map<string, number>();
  /** Handed over, not yet acknowledged: calls per batch, what is lost if the worker dies. */
  private readonly inFlight = new Map<number, number>();
  private inFlightCalls = 0;
  private readonly flushes = new Map<number, () => void>();
  private worker: Worker | undefined;
  private seq = 0;
  private flushId = 0;
  private scheduled = false;
  private closing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly batchChars: number;
  /** Characters of JSON in `calls`. */
  private queuedChars = 0;
  private readonly maxQueue: number;
  /** Entries dropped because the backlog overflowed, a write failed or the worker died. */
  dropped = 0;

  constructor(
    private readonly filePath: string,
    private readonly options: BackgroundWriterOptions = {},
  ) {
    this.batchChars = options.batchChars ?? BATCH_CHARS;
    this.maxQueue = options.maxQueue ?? 50_000;
    this.timer = setInterval(() => this.handOver(), options.flushIntervalMs ?? 1000);
    // The timer may not keep a process alive on its own (nor may the worker: see start()).
    this.timer.unref();
    this.worker = this.start();
  }

  /** Calls queued or handed over and not yet written. */
  get pending(): number {
    return this.calls.length + this.inFlightCalls;
  }

  /**
   * Queues one call, encoded as JSON text now. Takes the record over: its `outputs` are replaced by
   * what compaction reads (compaction itself happens on the writer thread). One record per call,
   * run log entry and outputs together, costs the request thread about 10 µs less than queueing
   * them separately (measured on the published endpoint bench, main-thread CPU per call).
   */
  push(call: PublishedCall): void {
    if (this.closing) return;
    if (call.outputs !== undefined) call.outputs = compactableOutputs(call.outputs);
    const text = JSON.stringify(call);
    this.calls.push(text);
    this.queuedChars += text.length;
    const excess = this.calls.length + this.inFlightCalls - this.maxQueue;
    if (excess > 0) {
      const gone = this.calls.splice(0, Math.min(excess, this.calls.length));
      this.dropped += gone.length;
      for (const dropped of gone) this.queuedChars -= dropped.length;
    }
    if (this.queuedChars >= this.batchChars && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.handOver());
    }
  }

  touchKey(keyId: string, at: number): void {
    this.touched.set(keyId, at);
  }

  /** Resolves once everything pushed so far is written (or lost, and reported through onError). */
  flush(): Promise<void> {
    this.handOver();
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    const id = ++this.flushId;
    return new Promise<void>((resolve) => {
      this.flushes.set(id, resolve);
      this.post(worker, { type: "flush", id });
    });
  }

  /** Hands over what is queued and waits for the worker to write it and exit. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    clearInterval(this.timer);
    this.handOver();
    const worker = this.worker;
    this.closing = worker ? this.stop(worker) : Promise.resolve();
    return this.closing;
  }

  private handOver(): void {
    this.scheduled = false;
    if (this.calls.length === 0 && this.touched.size === 0) return;
    const calls = this.calls;
    const touched = this.touched;
    this.calls = [];
    this.queuedChars = 0;
    this.touched = new Map();
    const count = calls.length;
    if (this.closing && !this.worker) return this.lose(count, new Error("the writer is closed"));
    const worker = (this.worker ??= this.start());
    const seq = ++this.seq;
    this.inFlight.set(seq, count);
    this.inFlightCalls += count;
    this.post(worker, { type: "batch", seq, count, calls: jsonArray(calls), touched });
  }

  private post(worker: Worker, message: ToWriter): void {
    try {
      worker.postMessage(message);
    } catch (error) {
      if (message.type === "batch") this.settle(message.seq, error);
      else if (message.type === "flush") this.flushes.get(message.id)?.();
    }
  }

  private start(): Worker {
    const data: WriterWorkerData = { filePath: this.filePath, pruneIntervalMs: this.options.pruneIntervalMs ?? 60 * 60 * 1000 };
    const worker = startTsWorker(this.options.workerUrl ?? WORKER_ENTRY, { workerData: data });
    // An idle writer must not keep the process alive; close() refs it while it finishes.
    worker.unref();
    worker.on("message", (message: FromWriter) => {
      switch (message.type) {
        case "written":
          return this.settle(message.seq, message.error === undefined ? undefined : new Error(message.error), message.failed);
        case "flushed": {
          const resolve = this.flushes.get(message.id);
          this.flushes.delete(message.id);
          return resolve?.();
        }
        case "error":
          return this.options.onError?.(new Error(message.error), 0);
        case "closed":
          // Every batch before the close was acknowledged: the exit that follows loses nothing.
          this.inFlight.clear();
          this.inFlightCalls = 0;
      }
    });
    worker.on("error", (error) => this.options.onError?.(error, 0));
    worker.on("exit", (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // Whatever it had not acknowledged is gone; a later hand-over starts a new worker.
      for (const seq of [...this.inFlight.keys()]) this.settle(seq, new Error(`the writer thread exited (code ${code})`));
      for (const resolve of this.flushes.values()) resolve();
      this.flushes.clear();
    });
    return worker;
  }

  private stop(worker: Worker): Promise<void> {
    worker.ref();
    return new Promise<void>((resolve) => {
      const backstop = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      worker.once("exit", () => {
        clearTimeout(backstop);
        resolve();
      });
      this.post(worker, { type: "close" });
    });
  }

  /** A batch is acknowledged: written, or `failed` of its calls lost with `error`. */
  private settle(seq: number, error?: unknown, failed?: number): void {
    const count = this.inFlight.get(seq);
    if (count === undefined) return;
    this.inFlight.delete(seq);
    this.inFlightCalls -= count;
    if (error !== undefined) this.lose(failed ?? count, error);
  }

  private lose(n: number, error: unknown): void {
    this.dropped += n;
    // Losing log lines beats failing or stalling API calls; the failure is reported, not hidden.
    this.options.onError?.(error, n);
  }
}

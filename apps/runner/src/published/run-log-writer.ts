import { appendRunLog, pruneRunLog, touchApiKeys, type AttuneDb, type RunLogEntry } from "@attune/db";

export interface RunLogWriterOptions {
  /** How often queued entries are written. */
  flushIntervalMs?: number;
  /** A queue this long is written at the next turn of the event loop instead of waiting. */
  batchSize?: number;
  /** Beyond this many unwritten entries the oldest are dropped (the database is stuck): memory stays bounded. */
  maxQueue?: number;
  pruneIntervalMs?: number;
  onError?: (error: unknown, dropped: number) => void;
}

/**
 * The run log and keys' last-used times, written off the request path: requests only push onto an
 * in-memory queue; a timer (or a full batch) writes everything queued in one transaction, so a
 * call costs an array push instead of a synchronous SQLite write and fsync.
 */
export class RunLogWriter {
  private queue: RunLogEntry[] = [];
  private lastUsed = new Map<string, number>();
  private scheduled = false;
  private closed = false;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly maxQueue: number;
  /** Entries dropped because the queue overflowed or a write failed. */
  dropped = 0;

  constructor(
    private readonly db: AttuneDb,
    private readonly options: RunLogWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxQueue = options.maxQueue ?? 50_000;
    this.flushTimer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1000);
    this.pruneTimer = setInterval(() => this.prune(), options.pruneIntervalMs ?? 60 * 60 * 1000);
    // Neither timer may keep a process alive on its own.
    this.flushTimer.unref();
    this.pruneTimer.unref();
    setImmediate(() => this.prune()).unref();
  }

  get pending(): number {
    return this.queue.length;
  }

  push(entry: RunLogEntry): void {
    if (this.closed) return;
    this.queue.push(entry);
    if (this.queue.length > this.maxQueue) {
      const excess = this.queue.length - this.maxQueue;
      this.queue.splice(0, excess);
      this.dropped += excess;
    }
    if (this.queue.length >= this.batchSize && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  touchKey(keyId: string, at: number): void {
    this.lastUsed.set(keyId, at);
  }

  /** Writes everything queued now (also called on close). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0 && this.lastUsed.size === 0) return;
    const batch = this.queue;
    const touched = this.lastUsed;
    this.queue = [];
    this.lastUsed = new Map();
    try {
      this.db.sqlite.transaction(() => {
        appendRunLog(this.db, batch);
        touchApiKeys(this.db, touched);
      })();
    } catch (error) {
      // Losing log lines beats failing or stalling API calls; the failure is reported, not hidden.
      this.dropped += batch.length;
      this.options.onError?.(error, batch.length);
    }
  }

  prune(): void {
    if (this.closed) return;
    try {
      pruneRunLog(this.db);
    } catch (error) {
      this.options.onError?.(error, 0);
    }
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.flushTimer);
    clearInterval(this.pruneTimer);
    this.flush();
    this.closed = true;
  }
}

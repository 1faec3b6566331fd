import { appendRunOutputs, compactOutputs, getRunLogSettings, pruneRunOutputs, type AttuneDb, type RunOutputsEntry } from "@attune/db";

/** A published run's outputs as the run route hands them over (raw: compacted at flush time). */
export interface PublishedRunOutputs {
  runId: string;
  deploymentId: string;
  slug: string;
  version: number;
  keyId: string;
  /** Epoch ms when the call arrived. */
  at: number;
  outputs: Readonly<Record<string, unknown>>;
}

export interface RunOutputsRecorderOptions {
  flushIntervalMs?: number;
  batchSize?: number;
  /** Beyond this many unwritten runs the oldest are dropped: memory stays bounded if the database is stuck. */
  maxQueue?: number;
  pruneIntervalMs?: number;
  onError?: (error: unknown, dropped: number) => void;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps a compact snapshot of every successful published run (apps/runner/src/feedback) so that
 * feedback can be joined to what the pipeline answered. Same shape as the run log writer and for
 * the same reason: the request path only pushes a reference onto a queue; compaction to numbers and
 * top labels and the SQLite write happen in a batch off the request path.
 */
export class RunOutputsRecorder {
  private queue: PublishedRunOutputs[] = [];
  private pendingIds = new Set<string>();
  private scheduled = false;
  private closed = false;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly maxQueue: number;
  dropped = 0;

  constructor(
    private readonly db: AttuneDb,
    private readonly options: RunOutputsRecorderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxQueue = options.maxQueue ?? 20_000;
    this.flushTimer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1000);
    this.pruneTimer = setInterval(() => this.prune(), options.pruneIntervalMs ?? 60 * 60 * 1000);
    this.flushTimer.unref();
    this.pruneTimer.unref();
  }

  /** Bound so it can be handed to the run route as a plain callback. */
  readonly push = (run: PublishedRunOutputs): void => {
    if (this.closed) return;
    this.queue.push(run);
    this.pendingIds.add(run.runId);
    if (this.queue.length > this.maxQueue) {
      const gone = this.queue.splice(0, this.queue.length - this.maxQueue);
      for (const g of gone) this.pendingIds.delete(g.runId);
      this.dropped += gone.length;
    }
    if (this.queue.length >= this.batchSize && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  };

  /** Whether a run is queued but not written yet (feedback then flushes before looking it up). */
  isPending(runId: string): boolean {
    return this.pendingIds.has(runId);
  }

  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.pendingIds = new Set();
    try {
      const entries: RunOutputsEntry[] = batch.map((r) => ({
        runId: r.runId,
        deploymentId: r.deploymentId,
        slug: r.slug,
        deploymentVersion: r.version,
        keyId: r.keyId,
        at: r.at,
        snapshot: compactOutputs(r.outputs),
      }));
      appendRunOutputs(this.db, entries);
    } catch (error) {
      // Losing snapshots beats failing API calls; reported, not hidden.
      this.dropped += batch.length;
      this.options.onError?.(error, batch.length);
    }
  }

  /** Unrated snapshots live as long as the run log (its retention setting). */
  prune(now = Date.now()): void {
    if (this.closed) return;
    try {
      pruneRunOutputs(this.db, now - getRunLogSettings(this.db).retentionDays * DAY_MS);
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

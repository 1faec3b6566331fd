import { randomUUID } from "node:crypto";
import {
  claimNextAudit,
  completeAudit,
  getVersion,
  interruptRunningAudits,
  auditControl,
  pendingAuditItems,
  recordAuditResults,
  stopAudit,
  type AttuneDb,
  type AuditInfo,
  type AuditItemResult,
  type PendingAuditItem,
} from "@attune/db";
import { compile, emotionScoresSchema, type CodeSandbox, type Logger, type ModelService, type Plan } from "@attune/graph";
import { execute } from "@attune/runtime";
import { argmax } from "@attune/stats";
import type { RunnerRegistry } from "../registry";

/**
 * The audit job engine. It runs one audit at a time (the runner's two cores are shared with live
 * previews and published endpoints), each with a bounded number of rows in flight, dispatched in
 * row order. Results are written to SQLite in batches as rows complete, and a row's result is
 * written once, ever: so a cancel, a shutdown or a crash loses at most the rows in flight, and a
 * resume runs exactly the rows that have no result yet.
 *
 * The studio never calls the engine: it writes the audit row (queued, or cancel_requested) and the
 * engine notices on its next poll. The runner's own routes call wake() to skip the wait.
 */
export interface AuditEngineOptions {
  db: AttuneDb;
  registry: RunnerRegistry;
  models?: ModelService;
  sandbox?: CodeSandbox;
  nodeTimeoutMs: number;
  maxInputChars: number;
  /** Rows run at once; default 2 (one per core). */
  concurrency?: number;
  /** Results buffered before a write; default 25. */
  batchSize?: number;
  /** Longest a result waits in the buffer, and how often a cancel is looked for; default 250 ms. */
  flushIntervalMs?: number;
  /** How often the queue is looked at when idle; default 500 ms. */
  pollIntervalMs?: number;
  /** How long a cancel lets the rows in flight finish (and keeps them) before aborting them; default 2 s. */
  cancelGraceMs?: number;
  logger?: Logger;
}

type StopReason = "cancel" | "shutdown";

interface ActiveJob {
  audit: AuditInfo;
  controller: AbortController;
  stop: StopReason | null;
  /** Resolves when the job's loop has fully ended and its state is written. */
  done: Promise<void>;
  requestStop(reason: StopReason): void;
}

export class AuditEngine {
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly pollIntervalMs: number;
  private readonly cancelGraceMs: number;
  private timer: NodeJS.Timeout | undefined;
  private active: ActiveJob | undefined;
  private running = false;
  private closed = false;
  /** Resolves when the current poll (claim + job) finishes. */
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: AuditEngineOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.batchSize = Math.max(1, options.batchSize ?? 25);
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.cancelGraceMs = options.cancelGraceMs ?? 2_000;
  }

  /**
   * Marks audits left "running" by a runner that is gone as interrupted, then starts polling. Only
   * one runner process may serve a database's audits (the same holds for its run log flushes).
   */
  start(): void {
    if (this.closed || this.timer) return;
    const stale = interruptRunningAudits(this.options.db);
    if (stale.length > 0) this.options.logger?.warn("audits interrupted by an earlier runner stop", { audits: stale });
    this.timer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for queued work now (after a create or resume through the runner's own routes). */
  wake(): void {
    if (this.closed || this.running) return;
    this.running = true;
    this.loop = this.drainQueue().finally(() => {
      this.running = false;
    });
  }

  /** Cancels at once when this runner is running the audit (the DB flag is set by the caller). */
  noticeCancel(auditId: string): void {
    if (this.active?.audit.id === auditId) this.active.requestStop("cancel");
  }

  /** Stops polling; the audit in flight is aborted, its finished rows written, and it is left interrupted. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.active?.requestStop("shutdown");
    await this.loop;
  }

  private async drainQueue(): Promise<void> {
    while (!this.closed) {
      let audit: AuditInfo | undefined;
      try {
        audit = claimNextAudit(this.options.db);
      } catch (err) {
        this.options.logger?.warn("could not read the audit queue", { error: String(err) });
        return;
      }
      if (!audit) return;
      await this.runJob(audit);
    }
  }

  private async runJob(audit: AuditInfo): Promise<void> {
    const { db } = this.options;
    const log = this.options.logger;
    let plan: Plan;
    try {
      const { document } = getVersion(db, audit.pipelineId, audit.pipelineVersion);
      const compiled = compile(document, this.options.registry);
      if (!compiled.ok) {
        const errors = compiled.issues.filter((i) => i.severity === "error").map((i) => i.message);
        stopAudit(db, audit.id, "failed", `pipeline version ${audit.pipelineVersion} does not compile: ${errors.slice(0, 3).join("; ")}`);
        return;
      }
      plan = compiled.plan;
    } catch (err) {
      stopAudit(db, audit.id, "failed", `could not load pipeline version ${audit.pipelineVersion}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }

    const controller = new AbortController();
    let resolveDone!: () => void;
    const job: ActiveJob = {
      audit,
      controller,
      stop: null,
      done: new Promise<void>((r) => (resolveDone = r)),
      requestStop: (reason) => {
        // A shutdown outranks a cancel: the rows in flight are aborted either way then.
        if (job.stop === "shutdown") return;
        job.stop = reason;
        if (reason === "shutdown") controller.abort(new Error("runner is shutting down"));
        else setTimeout(() => controller.abort(new Error("audit cancelled")), this.cancelGraceMs).unref();
      },
    };
    this.active = job;
    log?.info("audit started", { auditId: audit.id, rows: audit.rowCount, done: audit.processed });

    const buffer: AuditItemResult[] = [];
    let lastFlush = performance.now();
    const flush = () => {
      lastFlush = performance.now();
      const batch = buffer.splice(0, buffer.length);
      const control = batch.length > 0 ? recordAuditResults(db, audit.id, batch) : auditControl(db, audit.id);
      if (control?.cancelRequested) job.requestStop("cancel");
    };
    // Cancels can arrive while no row completes (slow rows): look for them on a clock too.
    const ticker = setInterval(() => {
      try {
        flush();
      } catch (err) {
        log?.warn("audit flush failed", { auditId: audit.id, error: String(err) });
      }
    }, this.flushIntervalMs);
    ticker.unref();

    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    try {
      let cursor = -1;
      outer: while (job.stop === null) {
        const page = pendingAuditItems(db, audit.id, cursor, 200);
        if (page.length === 0) break;
        for (const item of page) {
          while (inFlight.size >= this.concurrency) await Promise.race(inFlight);
          if (job.stop !== null) break outer;
          cursor = item.rowIndex;
          const task: Promise<void> = this.runItem(plan, audit, item, controller.signal)
            .then((result) => {
              // An aborted row has no result: it stays unprocessed and runs again on resume.
              if (result) buffer.push(result);
              if (buffer.length >= this.batchSize || performance.now() - lastFlush >= this.flushIntervalMs) flush();
            })
            .catch((err: unknown) => {
              // A failed write: stop dispatching; the rows not written stay unprocessed.
              failure ??= err;
              if (job.stop === null) job.stop = "cancel";
              controller.abort(err);
            })
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
      }
      await Promise.all(inFlight);
      if (failure === undefined) flush();
    } catch (err) {
      failure ??= err;
      controller.abort(err);
      await Promise.allSettled(inFlight);
    } finally {
      clearInterval(ticker);
    }

    try {
      if (failure !== undefined) {
        log?.warn("audit failed", { auditId: audit.id, error: String(failure) });
        stopAudit(db, audit.id, "failed", failure instanceof Error ? failure.message : String(failure));
      } else if (job.stop === "shutdown") {
        interruptRunningAudits(db, [audit.id], "the runner shut down during the audit; resume to continue");
      } else if (job.stop === "cancel") {
        stopAudit(db, audit.id, "cancelled");
      } else {
        completeAudit(db, audit.id);
        log?.info("audit completed", { auditId: audit.id });
      }
    } catch (err) {
      log?.warn("could not finish the audit", { auditId: audit.id, error: String(err) });
      try {
        stopAudit(db, audit.id, "failed", err instanceof Error ? err.message : String(err));
      } catch {
        // The database itself is gone (closing): the next start marks the audit interrupted.
      }
    } finally {
      this.active = undefined;
      resolveDone();
    }
  }

  /** Runs one row through the plan; null when it was aborted (cancel or shutdown) before finishing. */
  private async runItem(plan: Plan, audit: AuditInfo, item: PendingAuditItem, signal: AbortSignal): Promise<AuditItemResult | null> {
    const started = performance.now();
    const config = audit.config;
    const fail = (errorCode: string, errorMessage: string): AuditItemResult => ({
      rowIndex: item.rowIndex,
      predicted: null,
      scores: null,
      errorCode,
      errorMessage,
      durationMs: performance.now() - started,
    });
    for (const [name, value] of Object.entries(item.inputs)) {
      if (typeof value === "string" && value.length > this.options.maxInputChars) {
        return fail("INPUT_TOO_LARGE", `input '${name}' has ${value.length} characters; the limit is ${this.options.maxInputChars}`);
      }
    }
    if (signal.aborted) return null;
    // The same compiled plan and executor as preview and the published endpoints.
    let result: Awaited<ReturnType<typeof execute>>;
    try {
      result = await execute(plan, {
      registry: this.options.registry,
      inputs: item.inputs,
      runId: randomUUID(),
      signal,
      nodeTimeoutMs: this.options.nodeTimeoutMs,
      ...(this.options.models ? { models: this.options.models } : {}),
      ...(this.options.sandbox ? { sandbox: this.options.sandbox } : {}),
      });
    } catch (err) {
      if (signal.aborted) return null;
      return fail("INTERNAL", err instanceof Error ? err.message : String(err));
    }
    if (signal.aborted || result.status === "cancelled") return null;
    const value = result.outputs[config.output];
    if (value === undefined) {
      const failed = Object.entries(result.nodes).find(([, n]) => n.status === "failed");
      const error = failed?.[1].error;
      return fail(error?.code ?? "NO_OUTPUT", error ? `node '${failed![0]}': ${error.message}` : `the pipeline produced no '${config.output}' output`);
    }
    const parsed = emotionScoresSchema.safeParse(value);
    if (!parsed.success) return fail("NOT_SCORES", `output '${config.output}' is not emotion scores ({ taxonomy, calibrated, scores })`);
    if (parsed.data.taxonomy !== config.taxonomy) {
      return fail("TAXONOMY_MISMATCH", `output '${config.output}' gave ${parsed.data.taxonomy} scores; the audit expects ${config.taxonomy}`);
    }
    const predicted = argmax(parsed.data.scores, config.classes);
    if (predicted === undefined || !config.classes.includes(predicted)) return fail("NO_SCORES", "the scores hold no finite value for any label");
    return {
      rowIndex: item.rowIndex,
      predicted,
      scores: { calibrated: parsed.data.calibrated, scores: parsed.data.scores },
      errorCode: null,
      errorMessage: null,
      durationMs: performance.now() - started,
    };
  }

  /** The audit this engine is running right now, if any (for tests and the health of the queue). */
  get current(): string | undefined {
    return this.active?.audit.id;
  }
}

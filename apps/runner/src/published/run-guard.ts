import type { ServerResponse } from "node:http";
import { RunCanceller } from "@attune/runtime";

/**
 * What may cancel a published run: its time limit, its client going away, and runner shutdown.
 *
 * Nothing can cancel a run in the middle of an event-loop turn (timers, socket closes and
 * shutdown are all events), and most runs end within the turn they started in. So the watches
 * are set up only for runs still going at the end of their turn (one shared setImmediate for all
 * of them): a quick run never creates a timer, never adds a "close" listener and never enters the
 * shutdown set. The deadline still counts from the run's start, so no run gets longer than its limit.
 */
export class RunTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`the run took longer than its limit of ${limitMs} ms`);
    this.name = "RunTimeoutError";
  }
}

/** The runs being watched, so that shutdown can cancel them; one per route plugin. */
export class WatchedRuns {
  private readonly runs = new Set<GuardedRun>();
  private shutdownReason: Error | undefined;

  /** Cancels every watched run, and any run that would start being watched from now on. */
  cancelAll(reason: Error): void {
    this.shutdownReason = reason;
    for (const run of this.runs) run.cancel(reason);
  }

  add(run: GuardedRun): void {
    if (this.shutdownReason) run.cancel(this.shutdownReason);
    else this.runs.add(run);
  }

  delete(run: GuardedRun): void {
    this.runs.delete(run);
  }
}

/** The run a response is waiting for, kept on the response for the shared "close" listener. */
const GUARDED_RUN = Symbol("attune.guardedRun");
type WatchedResponse = ServerResponse & { [GUARDED_RUN]?: GuardedRun | undefined };

/** One "close" listener shared by every watched response (no per-run closure). */
function onClientGone(this: WatchedResponse): void {
  const run = this[GUARDED_RUN];
  if (run && !this.writableEnded) run.cancel(new Error("the client disconnected"));
}

// Module-level on purpose: per-run closures would cost an allocation (and, under tsx, a
// defineProperty of their name) on every call.
function cancelOnTimeout(run: GuardedRun): void {
  run.cancel(new RunTimeoutError(run.limitMs));
}

export class GuardedRun extends RunCanceller {
  private readonly dueAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private watching = false;
  private ended = false;

  constructor(
    readonly limitMs: number,
    private readonly response: ServerResponse,
    private readonly watched: WatchedRuns,
  ) {
    super();
    this.dueAt = performance.now() + limitMs;
    if (unwatched.length < UNWATCHED_MAX) {
      if (unwatched.push(this) === 1) setImmediate(watchUnfinishedRuns);
    } else {
      this.watch(performance.now());
    }
  }

  /** Called once the run has finished, however it finished. */
  end(): void {
    this.ended = true;
    if (!this.watching) return;
    clearTimeout(this.timer);
    this.watched.delete(this);
    const response = this.response as WatchedResponse;
    response[GUARDED_RUN] = undefined;
    response.off("close", onClientGone);
  }

  watch(now: number): void {
    if (this.ended || this.watching) return;
    this.watching = true;
    this.timer = setTimeout(cancelOnTimeout, Math.max(0, this.dueAt - now), this);
    const response = this.response as WatchedResponse;
    response[GUARDED_RUN] = this;
    response.on("close", onClientGone);
    // The client may have left before this turn ended: "close" has then already been emitted.
    if (response.destroyed && !response.writableEnded) this.cancel(new Error("the client disconnected"));
    this.watched.add(this);
  }
}

/** Runs started in this turn, watched at its end if they are still going. */
let unwatched: GuardedRun[] = [];
/** Past this many in one turn (a turn that never yields), runs are watched at once. */
const UNWATCHED_MAX = 4096;

function watchUnfinishedRuns(): void {
  const runs = unwatched;
  unwatched = [];
  const now = performance.now();
  for (const run of runs) run.watch(now);
}

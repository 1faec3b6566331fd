import type { ResultCache, SessionStateStore } from "@attune/runtime";

/**
 * What a live-preview session keeps between keystrokes: the result cache (so an edit re-runs only
 * the edited node and its descendants), per-session node state, and the run in flight (so a newer
 * preview supersedes it).
 */
export interface PreviewSession {
  readonly id: string;
  readonly cache: ResultCache;
  readonly state: SessionStateStore;
  /** The still-running preview of this session, if any. */
  current: AbortController | undefined;
  lastUsedAt: number;
}

export interface PreviewSessionsOptions {
  max: number;
  ttlMs: number;
  createCache: () => ResultCache;
  createState: () => SessionStateStore;
  now?: () => number;
}

/** Why a run was aborted; reaches the runtime as `signal.reason`. */
export class RunAbortedError extends Error {
  constructor(readonly code: "SUPERSEDED" | "CLIENT_DISCONNECTED" | "SESSION_EVICTED" | "SHUTTING_DOWN", message: string) {
    super(message);
    this.name = "RunAbortedError";
  }
}

/**
 * Preview sessions, bounded in number (least recently used goes first) and in idle time, so a
 * studio that opens many tabs or forgets to close them cannot grow the runner without limit.
 */
export class PreviewSessions {
  // Map iteration order is insertion order: re-inserting on use keeps the oldest first.
  private readonly sessions = new Map<string, PreviewSession>();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: PreviewSessionsOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.sweep(), Math.min(options.ttlMs, 60_000));
    // The sweeper must never keep the process alive on its own.
    this.timer.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Returns the session (creating it if needed) and marks it as most recently used. */
  acquire(id: string): PreviewSession {
    this.sweep();
    let session = this.sessions.get(id);
    if (session) {
      this.sessions.delete(id);
    } else {
      session = {
        id,
        cache: this.options.createCache(),
        state: this.options.createState(),
        current: undefined,
        lastUsedAt: this.now(),
      };
    }
    session.lastUsedAt = this.now();
    this.sessions.set(id, session);
    while (this.sessions.size > this.options.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.evict(oldest, "evicted: too many preview sessions");
    }
    return session;
  }

  /** Marks a session's run as done (unless a newer run replaced it) and the session as just used. */
  release(session: PreviewSession, run: AbortController): void {
    if (session.current === run) session.current = undefined;
    session.lastUsedAt = this.now();
  }

  /** Forgets a session, aborting its running preview. Returns whether it existed. */
  drop(id: string): boolean {
    return this.evict(id, "preview session closed");
  }

  /** Drops sessions idle for longer than the TTL. */
  sweep(): void {
    const cutoff = this.now() - this.options.ttlMs;
    for (const [id, session] of this.sessions) {
      // A session with a run in flight is in use, however long the run takes.
      if (session.lastUsedAt < cutoff && !session.current) this.evict(id, "preview session expired");
    }
  }

  /** Stops the sweeper and aborts every running preview (server shutdown). */
  close(): void {
    clearInterval(this.timer);
    for (const id of [...this.sessions.keys()]) this.evict(id, "runner is shutting down", "SHUTTING_DOWN");
  }

  private evict(id: string, message: string, code: RunAbortedError["code"] = "SESSION_EVICTED"): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    session.current?.abort(new RunAbortedError(code, message));
    session.current = undefined;
    return true;
  }
}

import type { CodeSandbox, Logger, ModelService, NodeDefinition, NodeError, Plan, PortValues, RunEvent } from "@attune/graph";

/** Looks up runnable node definitions by type id (a NodeRegistry<NodeDefinition> fits). */
export type DefinitionLookup = { get(type: string): NodeDefinition<any> | undefined };

/** Result cache keyed by a node's effective cache key (plan key + run input values). */
export interface ResultCache {
  get(key: string): PortValues | undefined;
  set(key: string, value: PortValues): void;
}

/** Per-session state, partitioned by session id and node id; in-memory now, pluggable later. */
export interface SessionStateStore {
  get(sessionId: string, nodeId: string, key: string): unknown;
  set(sessionId: string, nodeId: string, key: string, value: unknown): void;
  delete(sessionId: string, nodeId: string, key: string): void;
  clearSession(sessionId: string): void;
}

export interface ExecuteOptions {
  registry: DefinitionLookup;
  /** Pipeline run inputs by name, e.g. `{ text: "I love it" }`. */
  inputs: Record<string, unknown>;
  runId?: string;
  cache?: ResultCache;
  signal?: AbortSignal;
  /**
   * Cancels the run from outside like `signal`, without the cost of an AbortSignal (microseconds
   * and an EventTarget per run, which shows on a hot API path). One canceller serves one run.
   */
  canceller?: RunCanceller;
  /** Per-node time limit; a node past it fails with code TIMEOUT. Default 30 s. */
  nodeTimeoutMs?: number;
  sessionId?: string;
  state?: SessionStateStore;
  services?: Record<string, unknown>;
  /** Model inference handed to every node as `ctx.models` (the runner's session pool). */
  models?: ModelService;
  /** Runs user JavaScript for `core.code`, handed to every node as `ctx.sandbox` (the runner's worker pool). */
  sandbox?: CodeSandbox;
  logger?: Logger;
  /** The clock nodes read through `ctx.now()`, in ms since the epoch; Date.now by default. */
  now?: () => number;
  onEvent?: (event: RunEvent) => void;
}

export type NodeStatus = "ok" | "failed" | "skipped" | "cancelled";

export interface NodeResult {
  status: NodeStatus;
  durationMs: number;
  cached: boolean;
  outputs?: PortValues;
  error?: NodeError;
  /**
   * For skipped nodes: which upstream node failed. Nodes that ran without a failed upstream
   * (ports with `tolerateMissing`) have none.
   */
  skippedBecause?: string;
}

export interface RunResult {
  runId: string;
  status: "ok" | "partial" | "failed" | "cancelled";
  durationMs: number;
  /** Result field name -> value, from the plan's output nodes that succeeded. */
  outputs: Record<string, unknown>;
  nodes: Record<string, NodeResult>;
}

export type Execute = (plan: Plan, options: ExecuteOptions) => Promise<RunResult>;

/**
 * A cheap cancellation handle for one run (see ExecuteOptions.canceller): `cancel(reason)` has the
 * effect of aborting the run's signal. Cancelling before the run starts makes it run nothing.
 */
export class RunCanceller {
  private listener: (() => void) | undefined;
  private cancelledWith: { reason: unknown } | undefined;

  get cancelled(): boolean {
    return this.cancelledWith !== undefined;
  }

  /** What cancel() was called with; undefined until then. */
  get reason(): unknown {
    return this.cancelledWith?.reason;
  }

  cancel(reason?: unknown): void {
    if (this.cancelledWith) return;
    this.cancelledWith = { reason };
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }

  /** Used by execute(): at most one run listens at a time. */
  listen(listener: () => void): void {
    if (this.listener) throw new Error("RunCanceller: one canceller serves one run");
    this.listener = listener;
  }

  unlisten(listener: () => void): void {
    if (this.listener === listener) this.listener = undefined;
  }
}

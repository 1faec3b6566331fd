import {
  canonicalJson,
  type CodeSandbox,
  sha256Hex,
  type Logger,
  type ModelService,
  type NodeDefinition,
  type NodeError,
  type NodeStateStore,
  type Plan,
  type PlanNode,
  type PortValues,
  type PreviewSummary,
  type RunContext,
  type RunEvent,
} from "@attune/graph";
import { nodeStateView } from "./session-state";
import { summarizeOutputs, summarizeValue } from "./summarize";
import type { ExecuteOptions, NodeResult, NodeStatus, RunResult } from "./types";

/** Default per-node time limit. */
export const DEFAULT_NODE_TIMEOUT_MS = 30_000;

/**
 * Runs a compiled plan. Every node starts as soon as all its inputs are ready, so independent
 * branches run concurrently. Errors are data: a node that throws (or passes its time limit) is
 * `failed`, its descendants are `skipped` naming it, and everything else still finishes. The
 * returned promise always resolves, also when the run is cancelled or a node never settles.
 *
 * Result field values: an output-role node contributes the value of its first declared output
 * port, or, if it declares none, the value on its first input port.
 *
 * With a `cache`, a cacheable node whose effective key was seen before is not run again. The
 * effective key is the plan's cache key, extended by the run input value for input-role nodes and
 * by the actual outputs of non-cacheable (stateful) upstream nodes, so a changed run input or a
 * changed mood recomputes exactly what depends on it.
 */
export function execute(plan: Plan, options: ExecuteOptions): Promise<RunResult> {
  try {
    return new Run(plan, options).start();
  } catch (error) {
    // A malformed plan is the caller's bug, reported the async way like everything else here.
    return Promise.reject(error);
  }
}

/** Per-plan facts that do not change between runs; plans are reused for every keystroke. */
interface Prepared {
  /** Per node, its inputs as [port, upstream index, upstream port], ports sorted. */
  deps: [port: string, from: number, fromPort: string][][];
  dependants: number[][];
  pending: Int32Array;
  ids: string[];
  /** Output-role node index -> result field name. */
  outputName: (string | undefined)[];
  /** Params handed to run(), per node. */
  params: Record<string, unknown>[];
}

const preparedPlans = new WeakMap<Plan, Prepared>();

function prepare(plan: Plan): Prepared {
  const cached = preparedPlans.get(plan);
  if (cached) return cached;
  const n = plan.nodes.length;
  const index = new Map<string, number>();
  plan.nodes.forEach((node, i) => index.set(node.id, i));
  const deps: Prepared["deps"] = [];
  const dependants: number[][] = plan.nodes.map(() => []);
  const pending = new Int32Array(n);
  plan.nodes.forEach((node, i) => {
    const list: Prepared["deps"][number] = [];
    for (const port of Object.keys(node.inputs).sort()) {
      const src = node.inputs[port]!;
      const from = index.get(src.node);
      if (from === undefined || from >= i) {
        throw new Error(`execute: plan node '${node.id}' reads '${src.node}', which does not come before it in the plan`);
      }
      list.push([port, from, src.port]);
      // One upstream feeding two ports of the same node still counts once per edge; the
      // countdown below decrements once per edge as well.
      dependants[from]!.push(i);
    }
    deps.push(list);
    pending[i] = list.length;
  });
  const outputName: (string | undefined)[] = new Array(n).fill(undefined);
  for (const [name, id] of Object.entries(plan.outputs)) {
    const i = index.get(id);
    if (i !== undefined) outputName[i] = name;
  }
  // Nodes get a frozen copy of their params in development, so one that edits them fails loudly
  // instead of silently changing the plan for every later run.
  const params = plan.nodes.map((node) => (FREEZE_OUTPUTS ? frozenCopy(node.params) : node.params));
  const prepared: Prepared = { deps, dependants, pending, ids: plan.nodes.map((node) => node.id), outputName, params };
  preparedPlans.set(plan, prepared);
  return prepared;
}

const NO_FLAGS = new Uint8Array(0);
const NO_KEYS: (string | undefined)[] = Object.freeze([]) as unknown as (string | undefined)[];

const PENDING = 0;
const RUNNING = 1;
const OK = 2;
const FAILED = 3;
const SKIPPED = 4;
const CANCELLED = 5;
const STATUS_NAMES: NodeStatus[] = ["skipped", "skipped", "ok", "failed", "skipped", "cancelled"];

const noop = (): void => {};
const silentLogger: Logger = { debug: noop, info: noop, warn: noop };

// Freezing outputs makes a node that mutates its inputs fail loudly in development instead of
// corrupting a cached result for everyone; production skips the walk.
const FREEZE_OUTPUTS = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.["NODE_ENV"] !== "production";

class Run {
  private readonly prepared: Prepared;
  private readonly nodes: PlanNode[];
  private readonly n: number;
  readonly runId: string;
  private readonly emit: ((event: RunEvent) => void) | undefined;
  private readonly timeoutMs: number;
  readonly runInputs: Readonly<Record<string, unknown>>;
  private readonly runInputValues: ReadonlySet<unknown>;
  readonly logger: Logger;

  private readonly status: Uint8Array;
  private readonly pending: Int32Array;
  private readonly outputs: (PortValues | undefined)[];
  private readonly started: Float64Array;
  private readonly durations: Float64Array;
  /** Cache hits, derived keys and effective keys exist only for runs with a cache (see below). */
  private readonly cached: Uint8Array;
  private readonly errors: (NodeError | undefined)[] = [];
  private readonly skippedBecause: (string | undefined)[] = [];
  private readonly contexts: (NodeContext | undefined)[] = [];
  /** Effective key a node's dependants build on; undefined means "do not cache downstream". */
  private readonly keys: (string | undefined)[];
  /** Whether keys[i] differs from the plan cache key (a run input or live state is upstream). */
  private readonly derived: Uint8Array;

  /** Result field values of output-role nodes that succeeded, by node index. */
  private readonly resultValues: unknown[] = [];
  private readonly ready: number[] = [];
  private readyHead = 0;
  private readonly startOrder: number[] = [];
  private watchdogHead = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  /** Index in queuedWatchdogs while queued there, else -1. */
  watchdogSlot = -1;
  private draining = false;
  private settled = 0;
  private finished = false;
  private cancelled = false;
  private t0 = 0;
  private resolve: (result: RunResult) => void = noop;
  private readonly onAbort = Run.abortListener(this);

  constructor(
    plan: Plan,
    readonly options: ExecuteOptions,
  ) {
    this.prepared = prepare(plan);
    this.nodes = plan.nodes;
    this.n = plan.nodes.length;
    this.runId = options.runId ?? globalThis.crypto.randomUUID();
    this.emit = options.onEvent;
    this.timeoutMs = options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
    this.runInputs = Object.freeze({ ...options.inputs });
    this.runInputValues = objectValues(options.inputs);
    this.logger = options.logger ?? silentLogger;
    this.status = new Uint8Array(this.n);
    this.pending = this.prepared.pending.slice();
    this.outputs = new Array(this.n);
    this.started = new Float64Array(this.n);
    this.durations = new Float64Array(this.n);
    // Without a cache nothing is ever a hit, and keys are never computed: zero-length stand-ins
    // (reads give undefined, which every check below treats as 0/unset) save three allocations per run.
    const cacheArrays = options.cache !== undefined;
    this.cached = cacheArrays ? new Uint8Array(this.n) : NO_FLAGS;
    this.keys = cacheArrays ? new Array(this.n) : NO_KEYS;
    this.derived = cacheArrays ? new Uint8Array(this.n) : NO_FLAGS;
  }

  /** Returned, not assigned to a named field, so the closure is not renamed on every run by tsx/esbuild keepNames. */
  private static abortListener(run: Run): () => void {
    return () => run.cancel();
  }

  start(): Promise<RunResult> {
    return new Promise<RunResult>((resolve) => {
      this.resolve = resolve;
      this.t0 = performance.now();
      // Events are built only when someone listens: the published API runs without a listener.
      if (this.emit) this.send({ type: "run-started", runId: this.runId, at: Date.now(), nodeIds: this.prepared.ids.slice() });
      const { signal, canceller } = this.options;
      if (signal?.aborted || canceller?.cancelled) return this.cancel();
      signal?.addEventListener("abort", this.onAbort, { once: true });
      canceller?.listen(this.onAbort);
      for (let i = 0; i < this.n; i++) if (this.pending[i] === 0) this.ready.push(i);
      this.drain();
      if (this.n === 0) this.finish();
    });
  }

  /** Starts ready nodes; a loop rather than recursion so long chains of cache hits stay flat. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.readyHead < this.ready.length && !this.finished) this.launch(this.ready[this.readyHead++]!);
    } finally {
      this.ready.length = 0;
      this.readyHead = 0;
      this.draining = false;
    }
  }

  private launch(i: number): void {
    if (this.status[i] !== PENDING) return; // skipped while waiting for another upstream
    const node = this.nodes[i]!;
    const def = this.options.registry.get(node.type);
    this.status[i] = RUNNING;
    this.started[i] = performance.now();
    if (this.emit) this.send({ type: "node-started", runId: this.runId, nodeId: node.id, at: Date.now() });
    if (!def) return this.fail(i, { message: `node type '${node.type}' is not installed on this runner`, code: "UNKNOWN_NODE_TYPE" });

    const inputs: PortValues = {};
    // An upstream that failed or was skipped has no outputs; only ports declared
    // `tolerateMissing` get here with one (see fail()), and they read undefined.
    for (const [port, from, fromPort] of this.prepared.deps[i]!) inputs[port] = this.outputs[from]?.[fromPort];

    const cache = this.options.cache;
    let key: string | undefined;
    if (cache && node.cacheable) {
      key = this.effectiveKey(i, node);
      const hit = key === undefined ? undefined : cache.get(key);
      if (hit !== undefined) {
        this.cached[i] = 1;
        this.keys[i] = key;
        return this.succeed(i, def, hit, inputs);
      }
    }

    const ctx = new NodeContext(this, node.id);
    this.contexts[i] = ctx;
    this.startOrder.push(i);
    if (this.watchdog === undefined && this.watchdogSlot < 0) {
      // Armed at the end of this event-loop turn, and only if the run is still going then: most
      // small runs finish within the turn and never create (and clear) a timer. Deadlines still
      // count from each node's start, so no limit gets longer. A turn that never yields (runs
      // awaited back to back) queues at most WATCHDOG_QUEUE_MAX runs; past that, timers as before.
      if (queuedWatchdogs.length < WATCHDOG_QUEUE_MAX) {
        this.watchdogSlot = queuedWatchdogs.length;
        if (queuedWatchdogs.push(this) === 1) setImmediate(armQueuedWatchdogs);
      } else {
        this.armWatchdog(this.timeoutMs);
      }
    }

    let promise: Promise<PortValues>;
    try {
      promise = def.run(inputs, this.prepared.params[i]!, ctx);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (outputs) => {
        if (this.status[i] !== RUNNING) return; // timed out or cancelled meanwhile
        if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
          this.fail(i, { message: `run() resolved to ${describe(outputs)} instead of an object of port values`, code: "BAD_OUTPUT" });
        } else {
          if (cache) this.keys[i] = node.cacheable ? key : this.stateKey(i, node, outputs);
          if (cache && node.cacheable && key !== undefined) cache.set(key, this.freeze(outputs));
          this.succeed(i, def, outputs, inputs);
        }
        this.drain();
      },
      (error: unknown) => {
        if (this.status[i] !== RUNNING) return;
        this.fail(i, toNodeError(error));
        this.drain();
      },
    );
  }

  /**
   * The key this node's result is cached under for this run, or undefined when it cannot be
   * cached (a run input JSON cannot express, or an uncacheable upstream).
   */
  private effectiveKey(i: number, node: PlanNode): string | undefined {
    if (node.role === "input") {
      const name = node.params["name"];
      const value = typeof name === "string" ? this.runInputs[name] : undefined;
      try {
        this.derived[i] = 1;
        // Wrapped so that a missing input ({}) and an explicit null ({"v":null}) differ.
        return sha256Hex(`${node.cacheKey}\n${canonicalJson({ v: value })}`);
      } catch {
        return undefined;
      }
    }
    const deps = this.prepared.deps[i]!;
    let derived = false;
    for (const [, from] of deps) {
      if (this.keys[from] === undefined) return undefined;
      if (this.derived[from]) derived = true;
    }
    if (!derived) return node.cacheKey;
    this.derived[i] = 1;
    let source = node.cacheKey;
    for (const [port, from, fromPort] of deps) source += `\n${port}=${this.keys[from]}:${fromPort}`;
    return sha256Hex(source);
  }

  /** Key for the dependants of an uncacheable node: its plan key plus what it actually produced. */
  private stateKey(i: number, node: PlanNode, outputs: PortValues): string | undefined {
    try {
      this.derived[i] = 1;
      return sha256Hex(`${node.cacheKey}\n${canonicalJson(outputs)}`);
    } catch {
      return undefined;
    }
  }

  private succeed(i: number, def: NodeDefinition<any>, outputs: PortValues, inputs: PortValues): void {
    const node = this.nodes[i]!;
    this.status[i] = OK;
    this.outputs[i] = this.cached[i] ? outputs : this.freeze(outputs);
    const durationMs = performance.now() - this.started[i]!;
    this.durations[i] = durationMs;
    this.contexts[i] = undefined;
    this.settled++;
    if (this.emit) {
      this.send({ type: "node-finished", runId: this.runId, nodeId: node.id, durationMs, cached: this.cached[i] === 1 });
      this.send({ type: "preview", runId: this.runId, nodeId: node.id, preview: this.preview(def, i, outputs, inputs) });
    }
    if (this.prepared.outputName[i] !== undefined) this.resultValues[i] = resultValue(def, outputs, inputs);
    for (const d of this.prepared.dependants[i]!) if (--this.pending[d]! === 0) this.ready.push(d);
    if (this.settled === this.n) this.finish();
  }

  private fail(i: number, error: NodeError): void {
    const node = this.nodes[i]!;
    this.status[i] = FAILED;
    this.errors[i] = error;
    const durationMs = performance.now() - this.started[i]!;
    this.durations[i] = durationMs;
    this.abortNode(i, error.code === "TIMEOUT" ? "timeout" : "failed");
    this.settled++;
    this.send({ type: "node-failed", runId: this.runId, nodeId: node.id, durationMs, error });

    // Skip every not-yet-started descendant, in plan order, naming the node that failed. A
    // dependant whose ports from the dead node all tolerate a missing value instead counts that
    // edge as settled and runs without it (e.g. fusion leaving out a failed modality).
    const doomed: number[] = [];
    const stack = [i];
    while (stack.length > 0) {
      const dead = stack.pop()!;
      for (const d of this.prepared.dependants[dead]!) {
        if (this.status[d] !== PENDING) continue;
        if (this.toleratesMissing(d, dead)) {
          if (--this.pending[d]! === 0) this.ready.push(d);
          continue;
        }
        this.status[d] = SKIPPED;
        doomed.push(d);
        stack.push(d);
      }
    }
    doomed.sort((a, b) => a - b);
    for (const d of doomed) {
      this.skippedBecause[d] = node.id;
      this.settled++;
      this.send({
        type: "node-skipped",
        runId: this.runId,
        nodeId: this.nodes[d]!.id,
        reason: `upstream node '${node.id}' failed: ${error.message}`,
      });
    }
    if (this.settled === this.n) this.finish();
  }

  /** Whether every port of node `d` fed by node `dead` is declared `tolerateMissing`. */
  private toleratesMissing(d: number, dead: number): boolean {
    const def = this.options.registry.get(this.nodes[d]!.type);
    if (!def) return false;
    let fed = false;
    for (const [port, from] of this.prepared.deps[d]!) {
      if (from !== dead) continue;
      fed = true;
      if (!def.inputs.find((p) => p.id === port)?.tolerateMissing) return false;
    }
    return fed;
  }

  private cancel(): void {
    if (this.finished || this.cancelled) return;
    this.cancelled = true;
    const now = performance.now();
    for (let i = 0; i < this.n; i++) {
      const status = this.status[i];
      if (status === RUNNING) {
        this.status[i] = CANCELLED;
        this.durations[i] = now - this.started[i]!;
        this.errors[i] = { message: "run cancelled", code: "CANCELLED" };
        this.abortNode(i, "cancelled");
        this.send({ type: "node-failed", runId: this.runId, nodeId: this.nodes[i]!.id, durationMs: this.durations[i]!, error: this.errors[i]! });
      } else if (status === PENDING) {
        this.status[i] = CANCELLED;
        this.send({ type: "node-skipped", runId: this.runId, nodeId: this.nodes[i]!.id, reason: "run cancelled" });
      }
    }
    this.finish();
  }

  private abortNode(i: number, why: "timeout" | "cancelled" | "failed"): void {
    const ctx = this.contexts[i];
    this.contexts[i] = undefined;
    if (!ctx) return;
    const reason =
      why === "timeout"
        ? new DOMException(`node '${this.nodes[i]!.id}' passed its ${this.timeoutMs} ms time limit`, "TimeoutError")
        : new DOMException(why === "cancelled" ? "run cancelled" : "node failed", "AbortError");
    ctx.abort(reason);
  }

  /**
   * One timer per run instead of one per node: every node gets the same limit, so deadlines come
   * in start order and the earliest still-running node is always the next to expire.
   */
  private armWatchdog(delayMs: number): void {
    // A module-level callback with the run as its argument: no closure per run.
    this.watchdog = setTimeout(checkRunDeadlines, Math.max(0, delayMs), this);
  }

  /** Called once the turn that queued this run's watchdog is over (armQueuedWatchdogs). */
  armQueuedWatchdog(): void {
    this.watchdogSlot = -1;
    if (this.finished || this.watchdog !== undefined) return;
    this.checkDeadlines();
  }

  checkDeadlines(): void {
    this.watchdog = undefined;
    if (this.finished) return;
    const now = performance.now();
    while (this.watchdogHead < this.startOrder.length) {
      const i = this.startOrder[this.watchdogHead]!;
      if (this.status[i] !== RUNNING) {
        this.watchdogHead++;
        continue;
      }
      const due = this.started[i]! + this.timeoutMs;
      // Timers may fire a hair early against performance.now(); a millisecond of slack keeps a
      // due node from waiting a whole extra period.
      if (due - now > 1) return this.armWatchdog(due - now);
      this.watchdogHead++;
      this.fail(i, { message: `timed out after ${this.timeoutMs} ms`, code: "TIMEOUT" });
    }
    this.drain();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    if (this.watchdogSlot >= 0) {
      // Let go of the run now rather than when the queue is walked (checked: the slot may be
      // from a queue that is being walked right now, and so not the current one).
      if (queuedWatchdogs[this.watchdogSlot] === this) queuedWatchdogs[this.watchdogSlot] = undefined;
      this.watchdogSlot = -1;
    }
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.options.canceller?.unlisten(this.onAbort);

    const outputs: Record<string, unknown> = {};
    const nodes: Record<string, NodeResult> = {};
    let failures = 0;
    let outputsOk = 0;
    for (let i = 0; i < this.n; i++) {
      const status = this.status[i]!;
      const result: NodeResult = { status: STATUS_NAMES[status]!, durationMs: this.durations[i]!, cached: this.cached[i] === 1 };
      if (status === OK) result.outputs = this.outputs[i]!;
      const error = this.errors[i];
      if (error) result.error = error;
      const because = this.skippedBecause[i];
      if (because !== undefined) result.skippedBecause = because;
      if (status === FAILED) failures++;
      nodes[this.nodes[i]!.id] = result;
      const name = this.prepared.outputName[i];
      if (name !== undefined && status === OK) {
        outputs[name] = this.resultValues[i];
        outputsOk++;
      }
    }
    const status: RunResult["status"] = this.cancelled
      ? "cancelled"
      : failures === 0
        ? "ok"
        : outputsOk > 0
          ? "partial"
          : "failed";
    const durationMs = performance.now() - this.t0;
    if (this.emit) this.send({ type: "run-finished", runId: this.runId, durationMs, status, outputs });
    this.resolve({ runId: this.runId, status, durationMs, outputs, nodes });
  }

  private preview(def: NodeDefinition<any>, i: number, outputs: PortValues, inputs: PortValues): PreviewSummary {
    const node = this.nodes[i]!;
    if (def.preview) {
      try {
        return def.preview(outputs, this.prepared.params[i]!);
      } catch (error) {
        this.logger.warn("preview failed; using the generic summary", { nodeId: node.id, error: toNodeError(error).message });
      }
    }
    // A sink (an output node with no output ports) previews what it received.
    const firstInput = def.inputs[0];
    if (def.outputs.length === 0 && firstInput) return summarizeValue(inputs[firstInput.id]);
    return summarizeOutputs(outputs);
  }

  private send(event: RunEvent): void {
    if (!this.emit) return;
    try {
      this.emit(event);
    } catch (error) {
      // A broken listener must not break the run it is listening to.
      this.logger.warn("run event listener threw", { runId: this.runId, error: toNodeError(error).message });
    }
  }

  private freeze(outputs: PortValues): PortValues {
    if (FREEZE_OUTPUTS) deepFreeze(outputs, this.runInputValues);
    return outputs;
  }

  /** A scratch state store for runs without a session: state lives as long as the run. */
  ephemeralState(): NodeStateStore {
    const map = new Map<string, unknown>();
    return {
      get: <T = unknown>(key: string) => map.get(key) as T | undefined,
      set: (key, value) => void map.set(key, value),
      delete: (key) => void map.delete(key),
    };
  }
}

/**
 * What a running node sees. The AbortController, state view and logger are created only when
 * a node asks for them: most nodes never do, and creating them eagerly dominated the per-node
 * overhead of the executor.
 */
class NodeContext implements RunContext {
  private controller: AbortController | undefined;
  private abortedWith: unknown;
  private stateView: NodeStateStore | undefined;
  private nodeLogger: Logger | undefined;

  constructor(
    private readonly run: Run,
    readonly nodeId: string,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith !== undefined) this.controller.abort(this.abortedWith);
    }
    return this.controller.signal;
  }

  /**
   * Whether this node was aborted, without building the signal (not part of RunContext): a node
   * that only checks before it starts (nodes/nlp sentiment) reads this when it is there.
   */
  get aborted(): boolean {
    return this.abortedWith !== undefined;
  }

  get runInputs(): Readonly<Record<string, unknown>> {
    return this.run.runInputs;
  }

  get sessionId(): string | undefined {
    return this.run.options.sessionId;
  }

  get models(): ModelService | undefined {
    return this.run.options.models;
  }

  get sandbox(): CodeSandbox | undefined {
    return this.run.options.sandbox;
  }

  get services(): Readonly<Record<string, unknown>> {
    return this.run.options.services ?? EMPTY;
  }

  now(): number {
    const clock = this.run.options.now;
    return clock ? clock() : Date.now();
  }

  get state(): NodeStateStore {
    if (!this.stateView) {
      const { state, sessionId } = this.run.options;
      this.stateView = state && sessionId !== undefined ? nodeStateView(state, sessionId, this.nodeId) : this.run.ephemeralState();
    }
    return this.stateView;
  }

  get logger(): Logger {
    if (!this.nodeLogger) {
      const base = this.run.logger;
      const tag = { runId: this.run.runId, nodeId: this.nodeId };
      this.nodeLogger = {
        debug: (message, data) => base.debug(message, { ...tag, ...data }),
        info: (message, data) => base.info(message, { ...tag, ...data }),
        warn: (message, data) => base.warn(message, { ...tag, ...data }),
      };
    }
    return this.nodeLogger;
  }

  abort(reason: unknown): void {
    this.abortedWith = reason;
    this.controller?.abort(reason);
  }
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

function checkRunDeadlines(run: Run): void {
  run.checkDeadlines();
}

/** Runs that started a node this event-loop turn and want their watchdog armed (one shared setImmediate). */
let queuedWatchdogs: (Run | undefined)[] = [];
const WATCHDOG_QUEUE_MAX = 4096;

function armQueuedWatchdogs(): void {
  const runs = queuedWatchdogs;
  queuedWatchdogs = [];
  for (const run of runs) run?.armQueuedWatchdog();
}

function resultValue(def: NodeDefinition<any>, outputs: PortValues, inputs: PortValues): unknown {
  const port = def.outputs[0];
  if (port) return outputs[port.id];
  const input = def.inputs[0];
  return input ? inputs[input.id] : undefined;
}

function toNodeError(error: unknown): NodeError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? { message: error.message, code } : { message: error.message };
  }
  return { message: typeof error === "string" ? error : `non-error thrown: ${describe(error)}` };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value).slice(0, 40)}`;
}

const EMPTY_SET: ReadonlySet<unknown> = new Set();

/** The run inputs that are objects (deepFreeze leaves them alone); most runs have none. */
function objectValues(inputs: Record<string, unknown>): ReadonlySet<unknown> {
  let found: Set<unknown> | undefined;
  for (const key in inputs) {
    if (!Object.prototype.hasOwnProperty.call(inputs, key)) continue;
    const value = inputs[key];
    if (typeof value === "object" && value !== null) (found ??= new Set()).add(value);
  }
  return found ?? EMPTY_SET;
}

function frozenCopy(params: Record<string, unknown>): Record<string, unknown> {
  try {
    return deepFreeze(structuredClone(params), EMPTY_SET);
  } catch {
    return params; // not cloneable (a hand-built plan holding functions): hand it over as is
  }
}

function deepFreeze<T>(value: T, skip: ReadonlySet<unknown>): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value) || (skip.size > 0 && skip.has(value))) return value;
  // Only plain data: freezing class instances (tensors, sessions) could break their internals,
  // and typed arrays with elements cannot be frozen at all.
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  // for-in over own keys: no key array allocated (plain objects and arrays only get here).
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) deepFreeze((value as Record<string, unknown>)[key], skip);
  return value;
}

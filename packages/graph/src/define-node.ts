import type { z } from "zod";
import type { ModelService } from "./model-service";
import type { IssueCode } from "./plan";
import type { PortAccepts, PortType } from "./port-types";

export const NODE_FAMILIES = ["core", "nlp", "vision", "audio", "fusion", "state", "policy", "model"] as const;
export type NodeFamily = (typeof NODE_FAMILIES)[number];

export interface InputPortSpec {
  id: string;
  label: string;
  accepts: PortAccepts;
  /** Optional inputs may stay unconnected; required ones raise MISSING_REQUIRED_INPUT. */
  optional?: boolean;
  /**
   * The node still runs when the upstream node feeding this port failed or was skipped; the port
   * then reads `undefined`, exactly as if it were unconnected. For nodes that are designed to work
   * without some inputs (late fusion leaving out a failed modality). Without it, a failed
   * upstream skips this node.
   */
  tolerateMissing?: boolean;
  description?: string;
}

export interface OutputPortSpec {
  id: string;
  label: string;
  type: PortType;
  description?: string;
}

/**
 * Roles let the compiler and runtime treat pipeline boundaries specially without knowing node types:
 * an `input` node reads `ctx.runInputs[params.name]`; an `output` node names a field of the result.
 * The field's value is the output node's first output port, or, when it declares no output
 * ports, the value on its first input port.
 */
export type NodeRole = "input" | "output";

/**
 * Everything about a node type except how it runs: safe to import in the browser (palette,
 * inspector, canvas validation). Params are a zod object whose defaults make `{}` valid.
 */
export interface NodeSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  type: string;
  version: number;
  family: NodeFamily;
  title: string;
  description: string;
  inputs: readonly InputPortSpec[];
  outputs: readonly OutputPortSpec[];
  params: z.ZodType<P, Record<string, unknown>>;
  role?: NodeRole;
  /** Stateful or non-deterministic nodes opt out of the result cache. */
  cacheable?: boolean;
  /** Upgrades params saved by an older version of this node type. */
  migrate?: (params: Record<string, unknown>, fromVersion: number) => Record<string, unknown>;
  /** Free-form keywords for palette search. */
  keywords?: readonly string[];
  /**
   * What this node infers about people, for the responsible-use rules in validate(): a node that
   * reads emotion from a face or a voice makes a pipeline fall under EU AI Act Art. 5(1)(f) in a
   * workplace or education setting.
   */
  infers?: readonly AffectInference[];
  /**
   * Node-level checks that depend on what is wired in, beyond `canConnect` per edge (e.g. all
   * fused inputs must share one taxonomy). validate() calls it with the output port type feeding
   * each connected input port and the resolved params; it must be pure and cheap.
   */
  validateConnections?(connected: Readonly<Record<string, PortType>>, params: P): NodeCheckIssue[];
  /**
   * The actions this node can emit given its params and what triggers them, so validate() can
   * flag a rule that routes negative affect to sales or retention (POSSIBLE_MANIPULATION).
   */
  declaredActions?(params: P): DeclaredAction[];
}

/** Kinds of affect inference a node performs; face and voice are biometric under the EU AI Act. */
export const AFFECT_INFERENCES = ["emotion-from-face", "emotion-from-voice", "emotion-from-text"] as const;
export type AffectInference = (typeof AFFECT_INFERENCES)[number];

/** A problem found by a node's own `validateConnections`; validate() adds the node id. */
export interface NodeCheckIssue {
  code: IssueCode;
  message: string;
  portId?: string;
  /** Defaults to "error". */
  severity?: "error" | "warning";
}

/** One action a policy node may emit, and whether negative affect is what triggers it. */
export interface DeclaredAction {
  name: string;
  tags?: readonly string[];
  trigger: "negative-affect" | "other";
  /** Which rule inside the node declares it (e.g. a decision-table row id), for messages. */
  source?: string;
}

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

/** Per-session key/value state for stateful nodes (mood, smoothing); scoped to one node instance. */
export interface NodeStateStore {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/**
 * What a running node may touch. Nodes are pure apart from `ctx`: they keep no module state
 * and never mutate their inputs.
 */
export interface RunContext {
  /** Aborted when the run is cancelled or the node's time limit passes. */
  signal: AbortSignal;
  /** The pipeline's run inputs by name (read by `input` role nodes). */
  runInputs: Readonly<Record<string, unknown>>;
  nodeId: string;
  sessionId: string | undefined;
  state: NodeStateStore;
  logger: Logger;
  /** Model inference (onnxruntime in the runner); absent where no models are wired, e.g. unit tests. */
  models?: ModelService;
  /**
   * Runs untrusted user JavaScript (the `core.code` node) off the runner's main thread; absent where
   * none is wired, e.g. unit tests that call `node.run` directly, and nodes that need it then fail.
   */
  sandbox?: CodeSandbox;
  /** Shared services keyed by name; later issues add entries. */
  services: Readonly<Record<string, unknown>>;
  /**
   * Wall-clock time in ms since the epoch, for nodes that reason about elapsed time (smoothing,
   * mood decay, durations, cooldowns). Provided by the runtime (Date.now unless the caller injects
   * a clock); optional so hand-built contexts stay valid: read it through `nowOf(ctx)`.
   */
  now?(): number;
}

/** One run of user code: a function body, its input as JSON text and the limits it runs under. */
export interface CodeSandboxRequest {
  /** The body of `function (input) { ... }`; what it returns is the output. */
  code: string;
  /** The input as JSON text; undefined when nothing is connected. */
  inputJson?: string | undefined;
  /** Execution time budget; queue time waiting for a free worker does not count. */
  timeoutMs: number;
  /** Heap limit of the code's engine. */
  memoryLimitMb: number;
  /** Largest output accepted, as JSON text. */
  maxOutputKb: number;
}

export interface CodeSandboxResult {
  /** What the code returned, as JSON text (`undefined` becomes `null`). */
  outputJson: string;
  /** The console.log lines the code wrote, in order (capped by the sandbox). */
  logs: string[];
}

/**
 * Where `core.code` runs user JavaScript: isolated from the host, with the request's limits, and
 * without blocking other runs (the runner's implementation is a small pool of worker threads). A
 * failure of the user's code rejects with an Error carrying a stable `code` (CODE_SYNTAX,
 * CODE_ERROR, CODE_TIMEOUT, CODE_MEMORY_LIMIT, CODE_STACK_OVERFLOW, CODE_OUTPUT_TOO_LARGE) and the
 * `logs` written before it failed; an aborted `signal` stops the code and rejects with its reason.
 */
export interface CodeSandbox {
  run(request: CodeSandboxRequest, signal?: AbortSignal): Promise<CodeSandboxResult>;
}

/** The run's clock: `ctx.now()` when the runtime provides it, otherwise Date.now(). */
export function nowOf(ctx: Pick<RunContext, "now">): number {
  return ctx.now ? ctx.now() : Date.now();
}

export type PortValues = Record<string, unknown>;

/** A summary small enough to send to the browser on every keystroke. */
export type PreviewSummary =
  | { kind: "text"; text: string; truncated: boolean }
  | { kind: "number"; value: number; label?: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "scores"; taxonomy: string; calibrated: boolean; top: { label: string; score: number }[]; extra?: Record<string, number> }
  | { kind: "action"; action: { name: string; reason: string } | null }
  | { kind: "json"; json: string; truncated: boolean }
  /** A small JPEG data URL (at most ~256 px on the long side) of an image. */
  | { kind: "image"; width: number; height: number; thumbnail: string }
  /** Faces drawn over an optional thumbnail; coordinates in the original image's pixels. */
  | { kind: "faces"; width: number; height: number; thumbnail?: string; faces: PreviewFace[] }
  /** A waveform overview (at most 400 peaks) with optional speech segments. */
  | { kind: "audio"; durationSec: number; peaks: number[]; segments?: { start: number; end: number }[] }
  | { kind: "segments"; durationSec: number; segments: { start: number; end: number; probability: number }[] }
  /** Time series such as a pitch contour (at most 400 points each; null = unvoiced/missing). */
  | { kind: "series"; durationSec: number; series: { name: string; unit: string; values: (number | null)[] }[]; stats?: Record<string, number> }
  | { kind: "gauge"; label: string; value: number; min: number; max: number; flag?: string };

export interface PreviewFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** Top emotions for the face when known, highest first. */
  top?: { label: string; score: number }[];
}

export interface NodeDefinition<P extends Record<string, unknown> = Record<string, unknown>> extends NodeSpec<P> {
  run(inputs: PortValues, params: P, ctx: RunContext): Promise<PortValues>;
  /** Turns this node's outputs into a preview; the runtime has a generic fallback. */
  preview?(outputs: PortValues, params: P): PreviewSummary;
  /** A small runnable example: the registry contract test runs every node on its own. */
  example: NodeExample<P>;
}

export interface NodeExample<P> {
  inputs: PortValues;
  params?: Partial<P>;
  runInputs?: Record<string, unknown>;
}

/** Declares a node's spec (browser-safe). Returns it unchanged, typed. */
export function defineNodeSpec<P extends Record<string, unknown>>(spec: NodeSpec<P>): NodeSpec<P> {
  return spec;
}

/** Joins a spec with its run code (server-only). */
export function defineNode<P extends Record<string, unknown>>(
  spec: NodeSpec<P>,
  impl: Pick<NodeDefinition<P>, "run" | "preview" | "example">,
): NodeDefinition<P> {
  return { ...spec, ...impl };
}

/** Helper for accepts-lists: an input port's accepted types as an array. */
export function acceptedTypes(port: InputPortSpec): readonly PortType[] {
  return typeof port.accepts === "string" ? [port.accepts] : port.accepts;
}

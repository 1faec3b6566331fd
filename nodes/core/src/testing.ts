import type { Logger, NodeStateStore, RunContext } from "@attune/graph";

/** What a test can inspect after a run: the log lines a node wrote and its state. */
export interface TestContext extends RunContext {
  logs: { level: "debug" | "info" | "warn"; message: string; data?: Record<string, unknown> }[];
  stateMap: Map<string, unknown>;
  abort: AbortController;
}

/**
 * A RunContext for calling `node.run(...)` directly in unit and contract tests: a live
 * AbortSignal, a Map-backed state store and a logger that records instead of printing. Nodes that
 * run user code need a `sandbox` (createCodeSandbox from @attune/nodes-core/code-sandbox; close it
 * after the tests).
 */
export function makeTestContext(overrides: Partial<Pick<RunContext, "runInputs" | "nodeId" | "sessionId" | "services" | "models" | "sandbox" | "now">> = {}): TestContext {
  const abort = new AbortController();
  const stateMap = new Map<string, unknown>();
  const logs: TestContext["logs"] = [];
  const state: NodeStateStore = {
    get: <T,>(key: string) => stateMap.get(key) as T | undefined,
    set: (key, value) => void stateMap.set(key, value),
    delete: (key) => void stateMap.delete(key),
  };
  const logger: Logger = {
    debug: (message, data) => void logs.push({ level: "debug", message, data }),
    info: (message, data) => void logs.push({ level: "info", message, data }),
    warn: (message, data) => void logs.push({ level: "warn", message, data }),
  };
  return {
    signal: abort.signal,
    runInputs: overrides.runInputs ?? {},
    nodeId: overrides.nodeId ?? "n1",
    sessionId: overrides.sessionId,
    services: overrides.services ?? {},
    models: overrides.models,
    sandbox: overrides.sandbox,
    now: overrides.now ?? (() => Date.now()),
    state,
    logger,
    logs,
    stateMap,
    abort,
  };
}

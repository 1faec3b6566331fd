import type { CodeSandboxRequest, CodeSandboxResult } from "@attune/graph";
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from "quickjs-emscripten-core";
import { CodeError } from "./errors";

/**
 * Runs one request in QuickJS. Only the sandbox worker calls this (sandbox-worker.ts): the
 * synchronous QuickJS call blocks the thread it runs on until the interrupt handler stops it.
 *
 * The user's code becomes the body of `__user`. The wrapper captures JSON and Promise before user
 * code runs, so code that replaces them cannot change how input arrives or output leaves, and it
 * swaps the host log hook for a plain console.log. Only this string crosses in; only a string
 * crosses out.
 */
const PRELUDE =
  "(function () { const __parse = JSON.parse, __stringify = JSON.stringify, __Promise = Promise, __log = globalThis.__attuneLog; " +
  "delete globalThis.__attuneLog; " +
  "globalThis.console = { log: (...a) => __log(a.map((x) => typeof x === 'string' ? x : String(__stringify(x))).join(' ')) }; " +
  "const __user = function (input) {\n";
const POSTLUDE =
  "\n}; return function (json) { const r = __user(json === undefined ? undefined : __parse(json)); " +
  "if (r instanceof __Promise) throw new TypeError('the code returned a Promise: async code is not supported, return a value'); " +
  "const s = __stringify(r); return s === undefined ? 'null' : s; }; })()";
/** Lines the prelude adds before the user's first line. */
const LINE_OFFSET = 1;
const FILE = "code.js";
const MAX_LOG_LINES = 100;
const MAX_LOG_CHARS = 1_000;

/**
 * What one evaluation produced. `faulted` means QuickJS itself failed (not the user's code): its
 * WebAssembly module may be half-way through a call and must not run anything again, so the
 * worker that owns it is replaced.
 */
export type Evaluation = ({ ok: true; result: CodeSandboxResult } | { ok: false; error: Error }) & { faulted: boolean };

export function evaluate(quickjs: QuickJSWASMModule, request: CodeSandboxRequest): Evaluation {
  const logs: string[] = [];
  let faulted = false;
  /**
   * Some failures (a stack overflow) leave objects QuickJS cannot free, and freeing the runtime
   * then aborts the whole WebAssembly module. The run's own outcome is the one worth reporting.
   */
  const disposeQuietly = (dispose: () => void) => {
    try {
      dispose();
    } catch {
      faulted = true;
    }
  };
  try {
    const outputJson = run(quickjs, request, logs, disposeQuietly);
    return { ok: true, result: { outputJson, logs }, faulted };
  } catch (thrown) {
    if (thrown instanceof CodeError) return { ok: false, error: new CodeError(thrown.message, thrown.code, logs), faulted };
    if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) {
      return { ok: false, error: new CodeError("stack overflow: recursion too deep", "CODE_STACK_OVERFLOW", logs), faulted: true };
    }
    return { ok: false, error: thrown instanceof Error ? thrown : new Error(String(thrown)), faulted: true };
  }
}

function run(quickjs: QuickJSWASMModule, request: CodeSandboxRequest, logs: string[], disposeQuietly: (dispose: () => void) => void): string {
  const runtime = quickjs.newRuntime();
  const started = performance.now();
  let interrupted = false;
  try {
    runtime.setMemoryLimit(request.memoryLimitMb * 1024 * 1024);
    runtime.setMaxStackSize(256 * 1024);
    const deadline = started + request.timeoutMs;
    runtime.setInterruptHandler(() => {
      if (performance.now() > deadline) interrupted = true;
      return interrupted;
    });
    const vm = runtime.newContext();
    try {
      const logHook = vm.newFunction("__attuneLog", (line) => {
        if (logs.length < MAX_LOG_LINES) logs.push(vm.getString(line).slice(0, MAX_LOG_CHARS));
      });
      vm.setProp(vm.global, "__attuneLog", logHook);
      logHook.dispose();

      const compiled = vm.evalCode(`${PRELUDE}${request.code}${POSTLUDE}`, FILE);
      if (compiled.error) throw toCodeError(vm, compiled.error, request, interrupted, started, true);
      const fn = compiled.value;
      try {
        const { inputJson } = request;
        const arg = inputJson === undefined ? vm.undefined : vm.newString(inputJson);
        const called = vm.callFunction(fn, vm.undefined, arg);
        if (inputJson !== undefined) arg.dispose();
        if (called.error) throw toCodeError(vm, called.error, request, interrupted, started, false);
        const result = called.value;
        try {
          return readOutput(vm, result, request);
        } finally {
          result.dispose();
        }
      } finally {
        fn.dispose();
      }
    } finally {
      disposeQuietly(() => vm.dispose());
    }
  } finally {
    disposeQuietly(() => runtime.dispose());
  }
}

function readOutput(vm: QuickJSContext, result: QuickJSHandle, request: CodeSandboxRequest): string {
  const limit = request.maxOutputKb * 1024;
  // Measure inside the sandbox first, so a huge result is refused without copying it out.
  const lengthHandle = vm.getProp(result, "length");
  const length = vm.getNumber(lengthHandle);
  lengthHandle.dispose();
  if (length > limit) {
    throw new CodeError(`the output is ${Math.ceil(length / 1024)} KB of JSON, over the ${request.maxOutputKb} KB limit`, "CODE_OUTPUT_TOO_LARGE");
  }
  return vm.getString(result);
}

function toCodeError(
  vm: QuickJSContext,
  handle: QuickJSHandle,
  request: CodeSandboxRequest,
  interrupted: boolean,
  started: number,
  compiling: boolean,
): CodeError {
  let raw: { name?: unknown; message?: unknown; stack?: unknown; lineNumber?: unknown } = {};
  try {
    const dumped: unknown = vm.dump(handle);
    raw = typeof dumped === "object" && dumped !== null ? dumped : { message: String(dumped) };
  } catch {
    raw = { name: "InternalError", message: "out of memory" }; // too far gone to even describe itself
  } finally {
    handle.dispose();
  }
  const name = typeof raw.name === "string" ? raw.name : "Error";
  const message = typeof raw.message === "string" ? raw.message : String(raw.message ?? "thrown value");

  if (interrupted) {
    const ms = Math.round(performance.now() - started);
    return new CodeError(`timed out after ${ms} ms (limit ${request.timeoutMs} ms): is there an endless loop?`, "CODE_TIMEOUT");
  }
  if (name === "InternalError" && (message === "out of memory" || message === "string too long" || message.startsWith("invalid array length"))) {
    return new CodeError(`ran out of memory (${message}); the sandbox is limited to ${request.memoryLimitMb} MB`, "CODE_MEMORY_LIMIT");
  }
  if (name === "InternalError" && message === "stack overflow") {
    return new CodeError("stack overflow: recursion too deep", "CODE_STACK_OVERFLOW");
  }
  const line = userLine(raw);
  const where = line !== undefined ? ` on line ${line}` : "";
  if (name === "SyntaxError" && compiling) return new CodeError(`SyntaxError${where}: ${message}`, "CODE_SYNTAX");
  return new CodeError(`${name}${where}: ${message}`, "CODE_ERROR");
}

/** The line in the user's code, from QuickJS's lineNumber or the first `code.js:L` stack frame. */
function userLine(raw: { stack?: unknown; lineNumber?: unknown }): number | undefined {
  let line: number | undefined = typeof raw.lineNumber === "number" ? raw.lineNumber : undefined;
  if (line === undefined && typeof raw.stack === "string") {
    const m = /code\.js:(\d+)/.exec(raw.stack);
    if (m) line = Number(m[1]);
  }
  if (line === undefined) return undefined;
  const user = line - LINE_OFFSET;
  return user >= 1 ? user : undefined;
}

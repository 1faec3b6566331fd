import variant from "@jitl/quickjs-wasmfile-release-sync";
import type { PortValues, RunContext } from "@attune/graph";
import { newQuickJSWASMModuleFromVariant, type QuickJSContext, type QuickJSHandle, type QuickJSWASMModule } from "quickjs-emscripten-core";
import type { CodeParams } from "./spec";

/**
 * The compiled QuickJS WebAssembly module, loaded once per process. It is an immutable engine
 * (like a model file), not run state: every run gets its own runtime and context, with its own
 * heap limit, which are disposed when the run ends, so nothing one run does is visible to the next.
 */
let engine: Promise<QuickJSWASMModule> | undefined;

function loadQuickJS(): Promise<QuickJSWASMModule> {
  engine ??= newQuickJSWASMModuleFromVariant(variant).catch((error: unknown) => {
    engine = undefined;
    throw error;
  });
  return engine;
}

/** After an unexpected failure inside QuickJS itself, the next run starts from a fresh module. */
function discardEngine(): void {
  engine = undefined;
}

/**
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
const MAX_INPUT_CHARS = 5_000_000;
const MAX_LOG_LINES = 100;
const MAX_LOG_CHARS = 1_000;

/** A failure of the user's code, with a stable code the UI can key on. */
export class CodeError extends Error {
  constructor(
    message: string,
    readonly code: "CODE_SYNTAX" | "CODE_ERROR" | "CODE_TIMEOUT" | "CODE_MEMORY_LIMIT" | "CODE_STACK_OVERFLOW" | "CODE_OUTPUT_TOO_LARGE" | "CODE_INPUT",
  ) {
    super(message);
    this.name = "CodeError";
  }
}

export async function runCode(inputs: PortValues, params: CodeParams, ctx: RunContext): Promise<PortValues> {
  try {
    return await runInSandbox(inputs, params, ctx);
  } catch (error) {
    if (error instanceof CodeError) throw error;
    // Anything else came from inside QuickJS and may have left its module half-way through a
    // call: never reuse it.
    discardEngine();
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new CodeError("stack overflow: recursion too deep", "CODE_STACK_OVERFLOW");
    }
    throw error;
  }
}

async function runInSandbox(inputs: PortValues, params: CodeParams, ctx: RunContext): Promise<PortValues> {
  let inputJson: string | undefined;
  if (inputs.input !== undefined) {
    try {
      inputJson = JSON.stringify(inputs.input);
    } catch (error) {
      throw new CodeError(`the input cannot be passed as JSON: ${error instanceof Error ? error.message : String(error)}`, "CODE_INPUT");
    }
    if (inputJson !== undefined && inputJson.length > MAX_INPUT_CHARS) {
      throw new CodeError(`the input is ${inputJson.length} characters of JSON, over the ${MAX_INPUT_CHARS} limit`, "CODE_INPUT");
    }
  }

  const quickjs = await loadQuickJS();
  const runtime = quickjs.newRuntime();
  const logs: string[] = [];
  const started = performance.now();
  let interrupted = false;
  try {
    runtime.setMemoryLimit(params.memoryLimitMb * 1024 * 1024);
    runtime.setMaxStackSize(256 * 1024);
    const deadline = started + params.timeoutMs;
    runtime.setInterruptHandler(() => {
      if (performance.now() > deadline || ctx.signal.aborted) interrupted = true;
      return interrupted;
    });
    const vm = runtime.newContext();
    try {
      const logHook = vm.newFunction("__attuneLog", (line) => {
        if (logs.length < MAX_LOG_LINES) logs.push(vm.getString(line).slice(0, MAX_LOG_CHARS));
      });
      vm.setProp(vm.global, "__attuneLog", logHook);
      logHook.dispose();

      const compiled = vm.evalCode(`${PRELUDE}${params.code}${POSTLUDE}`, FILE);
      if (compiled.error) throw toCodeError(vm, compiled.error, params, interrupted, started, true);
      const fn = compiled.value;
      try {
        const arg = inputJson === undefined ? vm.undefined : vm.newString(inputJson);
        const called = vm.callFunction(fn, vm.undefined, arg);
        if (inputJson !== undefined) arg.dispose();
        if (called.error) throw toCodeError(vm, called.error, params, interrupted, started, false);
        const result = called.value;
        try {
          return { output: readOutput(vm, result, params) };
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
    for (const line of logs) ctx.logger.info(line, { source: "console.log" });
  }
}

/**
 * Some failures (a stack overflow) leave objects QuickJS cannot free, and freeing the runtime then
 * aborts the whole WebAssembly module. The run's own error is the one worth reporting; the dead
 * module is dropped so the next run loads a fresh one.
 */
function disposeQuietly(dispose: () => void): void {
  try {
    dispose();
  } catch {
    discardEngine();
  }
}

function readOutput(vm: QuickJSContext, result: QuickJSHandle, params: CodeParams): unknown {
  const limit = params.maxOutputKb * 1024;
  // Measure inside the sandbox first, so a huge result is refused without copying it out.
  const lengthHandle = vm.getProp(result, "length");
  const length = vm.getNumber(lengthHandle);
  lengthHandle.dispose();
  if (length > limit) {
    throw new CodeError(`the output is ${Math.ceil(length / 1024)} KB of JSON, over the ${params.maxOutputKb} KB limit`, "CODE_OUTPUT_TOO_LARGE");
  }
  return JSON.parse(vm.getString(result));
}

function toCodeError(
  vm: QuickJSContext,
  handle: QuickJSHandle,
  params: CodeParams,
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
    return new CodeError(`timed out after ${ms} ms (limit ${params.timeoutMs} ms): is there an endless loop?`, "CODE_TIMEOUT");
  }
  if (name === "InternalError" && (message === "out of memory" || message === "string too long" || message.startsWith("invalid array length"))) {
    return new CodeError(`ran out of memory (${message}); the sandbox is limited to ${params.memoryLimitMb} MB`, "CODE_MEMORY_LIMIT");
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

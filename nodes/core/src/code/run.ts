import type { PortValues, RunContext } from "@attune/graph";
import { CodeError } from "./errors";
import type { CodeParams } from "./spec";

export { CodeError, type CodeErrorCode } from "./errors";

const MAX_INPUT_CHARS = 5_000_000;

/**
 * Hands the code to `ctx.sandbox` (worker threads running QuickJS; see sandbox.ts) and turns its
 * JSON answer back into a value. The node itself holds nothing between runs.
 */
export async function runCode(inputs: PortValues, params: CodeParams, ctx: RunContext): Promise<PortValues> {
  const sandbox = ctx.sandbox;
  if (!sandbox) {
    throw new Error(
      "no code sandbox is available: core.code runs user JavaScript through ctx.sandbox, which the runner provides " +
        "(pass `sandbox` to execute(), or to makeTestContext() in tests)",
    );
  }
  const inputJson = toInputJson(inputs.input);
  try {
    const { outputJson, logs } = await sandbox.run(
      { code: params.code, inputJson, timeoutMs: params.timeoutMs, memoryLimitMb: params.memoryLimitMb, maxOutputKb: params.maxOutputKb },
      ctx.signal,
    );
    writeLogs(ctx, logs);
    return { output: JSON.parse(outputJson) };
  } catch (error) {
    if (error instanceof CodeError) writeLogs(ctx, error.logs);
    throw error;
  }
}

function toInputJson(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch (error) {
    throw new CodeError(`the input cannot be passed as JSON: ${error instanceof Error ? error.message : String(error)}`, "CODE_INPUT");
  }
  if (json !== undefined && json.length > MAX_INPUT_CHARS) {
    throw new CodeError(`the input is ${json.length} characters of JSON, over the ${MAX_INPUT_CHARS} limit`, "CODE_INPUT");
  }
  return json;
}

function writeLogs(ctx: RunContext, logs: readonly string[]): void {
  for (const line of logs) ctx.logger.info(line, { source: "console.log" });
}

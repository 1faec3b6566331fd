import type { PortValues, RunContext } from "@attune/graph";
import type { OutputParams } from "./spec";

export async function runOutput(inputs: PortValues, _params: OutputParams, _ctx: RunContext): Promise<PortValues> {
  // Passed through by reference: nodes never mutate values, so a copy would only cost time.
  return { value: inputs.value };
}

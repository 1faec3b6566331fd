import type { PortValues, RunContext } from "@attune/graph";
import { describeType } from "../shared";
import type { TextInputParams } from "./spec";

export async function runTextInput(_inputs: PortValues, params: TextInputParams, ctx: RunContext): Promise<PortValues> {
  // Only a missing value falls back to the sample: an explicit null or number is a caller mistake
  // worth reporting rather than silently replacing.
  const given = ctx.runInputs[params.name];
  const text = given === undefined ? params.sample : given;
  if (typeof text !== "string") {
    throw new Error(`run input '${params.name}' must be a string, got ${describeType(text)}`);
  }
  if (text.length > params.maxChars) {
    const what = given === undefined ? "the sample text" : `run input '${params.name}'`;
    throw new Error(`${what} has ${text.length} characters; this input allows at most ${params.maxChars}`);
  }
  return { text };
}

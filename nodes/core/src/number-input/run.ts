import type { PortValues, RunContext } from "@attune/graph";
import { describeType } from "../shared";
import type { NumberInputParams } from "./spec";

export async function runNumberInput(
  _inputs: PortValues,
  params: NumberInputParams,
  ctx: RunContext,
): Promise<PortValues> {
  const given = ctx.runInputs[params.name];
  const value = given === undefined ? params.sample : given;
  // Numeric strings are refused on purpose: coercing "4" but not "four" would make the endpoint's
  // contract depend on string contents; JSON callers can send a number.
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`run input '${params.name}' must be a finite number, got ${describeType(value)}`);
  }
  return { number: value };
}

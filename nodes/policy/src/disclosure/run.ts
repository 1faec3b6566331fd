import type { PortValues, RunContext } from "@attune/graph";
import type { DisclosureParams } from "./spec";

const SEPARATORS: Record<DisclosureParams["separator"], string> = { newline: "\n", "blank-line": "\n\n", space: " " };

/** Case and whitespace differences must not make a present disclosure look absent. */
function squash(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

export async function runDisclosure(inputs: PortValues, params: DisclosureParams, _ctx: RunContext): Promise<PortValues> {
  const raw = inputs.text;
  if (raw !== undefined && raw !== null && typeof raw !== "string") throw new Error("input 'text' must be text");
  const response = typeof raw === "string" ? raw : "";
  if (response.trim() === "") return { text: params.text, disclosed: true, added: true };
  if (squash(response).includes(squash(params.text))) return { text: response, disclosed: true, added: false };
  const sep = SEPARATORS[params.separator];
  const text = params.position === "prefix" ? `${params.text}${sep}${response}` : `${response}${sep}${params.text}`;
  return { text, disclosed: true, added: true };
}

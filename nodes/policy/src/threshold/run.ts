import { emotionScoresSchema, type Action, type PortValues, type RunContext } from "@attune/graph";
import type { ThresholdOp, ThresholdParams } from "./spec";

function compare(value: number, op: ThresholdOp, threshold: number): boolean {
  switch (op) {
    case ">": return value > threshold;
    case ">=": return value >= threshold;
    case "<": return value < threshold;
    case "<=": return value <= threshold;
  }
}

/** Reads the number to compare and the name it goes by in the reason. */
function readValue(input: unknown, label: string): { value: number; label: string; taxonomy?: string } {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new Error(`input 'value' must be a finite number, got ${input}`);
    return { value: input, label: "value" };
  }
  const parsed = emotionScoresSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error("input 'value' must be a number or emotion scores ({ taxonomy, calibrated, scores })");
  }
  const { taxonomy, scores } = parsed.data;
  const score = Object.hasOwn(scores, label) ? scores[label] : undefined;
  if (score === undefined) {
    const available = Object.keys(scores).join(", ") || "none";
    throw new Error(`label '${label}' is not in the ${taxonomy} scores; available labels: ${available}`);
  }
  return { value: score, label, taxonomy };
}

/** Three decimals read well in a reason and keep lexicon noise (0.6000000001) out of it. */
function formatNumber(n: number): string {
  return String(Number(n.toFixed(3)));
}

export async function runThreshold(inputs: PortValues, params: ThresholdParams, _ctx: RunContext): Promise<PortValues> {
  const { value, label, taxonomy } = readValue(inputs.value, params.label);
  const triggered = compare(value, params.op, params.threshold);
  if (!triggered) return { action: null, triggered: false };

  const fill: Record<string, string> = {
    label,
    value: formatNumber(value),
    op: params.op,
    threshold: formatNumber(params.threshold),
    action: params.action,
  };
  // Unknown placeholders are refused by the params schema; leaving any survivor verbatim keeps
  // a hand-built params object from crashing a run.
  const reason = params.reason.replace(/\{([^{}]*)\}/g, (whole, name: string) => fill[name] ?? whole);
  const action: Action = {
    name: params.action,
    reason,
    detail: { label, value, op: params.op, threshold: params.threshold, ...(taxonomy ? { taxonomy } : {}) },
  };
  return { action, triggered: true };
}

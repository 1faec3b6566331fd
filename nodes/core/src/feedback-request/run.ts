import { emotionScoresSchema, nowOf, type PortValues, type RunContext } from "@attune/graph";
import type { FeedbackRequestParams, ScoreCondition } from "./spec";

/** What a session remembers between turns. */
interface SessionState {
  turn: number;
  /** Turn of the last ask; 0 when never asked. */
  lastAskTurn: number;
  tone: string | undefined;
  at: number;
}

const STATE_KEY = "feedback-request";

function compare(x: number, c: ScoreCondition): boolean {
  switch (c.op) {
    case ">":
      return x > c.value;
    case ">=":
      return x >= c.value;
    case "<":
      return x < c.value;
    case "<=":
      return x <= c.value;
  }
}

function actionOf(value: unknown): { name: string; tone: string | undefined } | undefined {
  if (typeof value !== "object" || value === null || typeof (value as { name?: unknown }).name !== "string") return undefined;
  const detail = (value as { detail?: Record<string, unknown> }).detail;
  const tone = detail && typeof detail["tone"] === "string" ? detail["tone"] : undefined;
  return { name: (value as { name: string }).name, tone };
}

export async function runFeedbackRequest(inputs: PortValues, params: FeedbackRequestParams, ctx: RunContext): Promise<PortValues> {
  const now = nowOf(ctx);
  const stored = ctx.state.get<SessionState>(STATE_KEY);
  const live = stored && now - stored.at <= params.ttlSec * 1000 ? stored : undefined;
  const turn = (live?.turn ?? 0) + 1;
  const lastAskTurn = live?.lastAskTurn ?? 0;
  const sinceAsk = turn - lastAskTurn;

  const action = actionOf(inputs["action"]);
  const toneInput = typeof inputs["tone"] === "string" && inputs["tone"] !== "" ? inputs["tone"] : undefined;
  const tone = toneInput ?? action?.tone ?? live?.tone;

  // Conditions that hold this turn, in the words the reason output uses.
  const held: string[] = [];
  if (action && params.onActions.includes(action.name)) held.push(`action ${action.name}`);
  if (params.onToneChange && live?.tone !== undefined && tone !== undefined && tone !== live.tone) held.push(`tone changed from ${live.tone} to ${tone}`);
  if (params.onFlag && inputs["ask"] === true) held.push("the ask input is true");
  if (params.onScore) {
    const parsed = emotionScoresSchema.safeParse(inputs["scores"]);
    const x = parsed.success ? parsed.data.scores[params.onScore.label] : undefined;
    if (typeof x === "number" && compare(x, params.onScore)) held.push(`${params.onScore.label} ${Number(x.toFixed(3))} ${params.onScore.op} ${params.onScore.value}`);
  }

  const scheduled = params.everyNTurns > 0 && sinceAsk >= params.everyNTurns;
  const gapOk = lastAskTurn === 0 || sinceAsk > params.minGapTurns;
  let ask = false;
  let reason: string;
  if (scheduled) {
    ask = true;
    reason = `turn ${turn}: every ${params.everyNTurns} turns${held.length ? `; also ${held.join(", ")}` : ""}`;
  } else if (held.length > 0 && gapOk) {
    ask = true;
    reason = `turn ${turn}: ${held.join(", ")}`;
  } else if (held.length > 0) {
    reason = `turn ${turn}: ${held.join(", ")}, but feedback was asked ${sinceAsk} turn${sinceAsk === 1 ? "" : "s"} ago (minimum gap ${params.minGapTurns})`;
  } else {
    reason =
      params.everyNTurns > 0
        ? `turn ${turn}: not asking; next scheduled ask in ${params.everyNTurns - sinceAsk} turn${params.everyNTurns - sinceAsk === 1 ? "" : "s"}`
        : `turn ${turn}: not asking; no condition holds`;
  }

  ctx.state.set(STATE_KEY, { turn, lastAskTurn: ask ? turn : lastAskTurn, tone, at: now } satisfies SessionState);
  return { askForFeedback: ask, prompt: ask ? params.prompt : "", reason };
}

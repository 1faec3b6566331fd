import {
  actionSchema,
  emotionScoresSchema,
  isCommercialAction,
  labelPolarity,
  valenceArousalSchema,
  type Action,
  type PortValues,
  type RunContext,
} from "@attune/graph";
import type { PurposeGuardParams } from "./spec";

export async function runPurposeGuard(inputs: PortValues, params: PurposeGuardParams, _ctx: RunContext): Promise<PortValues> {
  if (inputs.action === null || inputs.action === undefined) return { action: null, blocked: false, explanation: "no action" };
  const parsed = actionSchema.safeParse(inputs.action);
  if (!parsed.success) throw new Error("input 'action' must be an action ({ name, reason }) or null");
  const action = parsed.data;

  const rawTags = action.detail?.tags;
  const tags = Array.isArray(rawTags) ? rawTags.filter((t): t is string => typeof t === "string") : [];
  if (!isCommercialAction({ name: action.name, tags })) {
    return { action: inputs.action, blocked: false, explanation: `'${action.name}' is not a sales or retention action` };
  }

  const signs: string[] = [];
  if (inputs.scores !== undefined && inputs.scores !== null) {
    const scores = emotionScoresSchema.safeParse(inputs.scores);
    if (!scores.success) throw new Error("input 'scores' must be emotion scores");
    let total = 0;
    let negative = 0;
    for (const [label, v] of Object.entries(scores.data.scores)) {
      const x = Math.max(0, v);
      total += x;
      if (labelPolarity(label) === "negative") negative += x;
    }
    const share = total > 0 ? negative / total : 0;
    if (share >= params.negativeAt) signs.push(`negative affect ${fmt(share)} >= ${fmt(params.negativeAt)}`);
  }
  if (inputs.mood !== undefined && inputs.mood !== null) {
    const mood = valenceArousalSchema.safeParse(inputs.mood);
    if (!mood.success) throw new Error("input 'mood' must be valence/arousal");
    if (mood.data.valence <= params.moodValenceAt) signs.push(`mood valence ${fmt(mood.data.valence)} <= ${fmt(params.moodValenceAt)}`);
  }
  if (signs.length === 0) {
    return { action: inputs.action, blocked: false, explanation: `'${action.name}' allowed: no sign of negative affect` };
  }

  const why = `blocked '${action.name}' (a sales or retention action) because ${signs.join(" and ")}: emotion must not be used to sell to someone who is upset`;
  const replacement: Action | null =
    params.replaceWith === "escalate_to_human"
      ? { name: "escalate_to_human", reason: why, detail: { blocked: action.name } }
      : null;
  return { action: replacement, blocked: true, explanation: why };
}

function fmt(n: number): string {
  return String(Number(n.toFixed(3)));
}

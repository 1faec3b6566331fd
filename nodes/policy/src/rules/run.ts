import {
  emotionScoresSchema,
  nowOf,
  valenceArousalSchema,
  type Action,
  type EmotionScores,
  type PortValues,
  type RunContext,
  type ValenceArousal,
} from "@attune/graph";
import type { Condition, Rule, RuleOp, RulesParams, Tone } from "./spec";

/** Per rule, what a session remembers between turns. */
interface RuleState {
  streak: number;
  /** ms when the conditions started holding without a break. */
  since: number | undefined;
  /** Conditions held long enough last turn: hysteresis thresholds apply. */
  engaged: boolean;
  firedAt: number | undefined;
  firedTurn: number | undefined;
}

interface SessionState {
  turn: number;
  at: number;
  tone: Tone;
  rules: Record<string, RuleState>;
}

const STATE_KEY = "rules";

interface Inputs {
  scores: EmotionScores | undefined;
  mood: ValenceArousal | undefined;
  value: number | undefined;
}

function readInputs(inputs: PortValues): Inputs {
  const out: Inputs = { scores: undefined, mood: undefined, value: undefined };
  if (inputs.scores !== undefined && inputs.scores !== null) {
    const parsed = emotionScoresSchema.safeParse(inputs.scores);
    if (!parsed.success) throw new Error("input 'scores' must be emotion scores ({ taxonomy, calibrated, scores })");
    out.scores = parsed.data;
  }
  if (inputs.mood !== undefined && inputs.mood !== null) {
    const parsed = valenceArousalSchema.safeParse(inputs.mood);
    if (!parsed.success) throw new Error("input 'mood' must be valence/arousal ({ valence, arousal } in -1..1)");
    out.mood = parsed.data;
  }
  if (inputs.value !== undefined && inputs.value !== null) {
    if (typeof inputs.value !== "number" || !Number.isFinite(inputs.value)) throw new Error("input 'value' must be a finite number");
    out.value = inputs.value;
  }
  return out;
}

function compare(x: number, op: RuleOp, threshold: number): boolean {
  switch (op) {
    case ">": return x > threshold;
    case ">=": return x >= threshold;
    case "<": return x < threshold;
    case "<=": return x <= threshold;
  }
}

/** The value a condition reads, or why it cannot be read. */
function read(c: Condition, inputs: Inputs): { ok: true; x: number; name: string } | { ok: false; why: string } {
  switch (c.source) {
    case "scores": {
      if (!inputs.scores) return { ok: false, why: "no scores this turn" };
      const x = Object.hasOwn(inputs.scores.scores, c.key) ? inputs.scores.scores[c.key] : undefined;
      if (x === undefined) return { ok: false, why: `no '${c.key}' in ${inputs.scores.taxonomy} scores` };
      return { ok: true, x, name: c.key };
    }
    case "mood": {
      if (!inputs.mood) return { ok: false, why: "no mood this turn" };
      if (c.key !== "valence" && c.key !== "arousal") return { ok: false, why: `mood has no '${c.key}'` };
      return { ok: true, x: inputs.mood[c.key], name: `mood ${c.key}` };
    }
    case "value":
      if (inputs.value === undefined) return { ok: false, why: "no value this turn" };
      return { ok: true, x: inputs.value, name: "value" };
  }
}

interface Evaluation {
  held: boolean;
  /** "negative 0.82 > 0.7, mood valence -0.4 < -0.3" or the first reason it failed. */
  detail: string;
  values: Record<string, number>;
}

function evaluate(rule: Rule, inputs: Inputs, margin: number): Evaluation {
  const parts: string[] = [];
  const values: Record<string, number> = {};
  for (const c of rule.when) {
    const r = read(c, inputs);
    if (!r.ok) return { held: false, detail: r.why, values };
    // Hysteresis: an engaged rule's thresholds move back by the margin.
    const high = c.op === ">" || c.op === ">=";
    const threshold = high ? c.value - margin : c.value + margin;
    values[r.name] = r.x;
    const shown = `${r.name} ${fmt(r.x)} ${c.op} ${fmt(threshold)}`;
    if (!compare(r.x, c.op, threshold)) return { held: false, detail: `${shown} is false`, values };
    parts.push(shown);
  }
  return { held: true, detail: parts.join(" and "), values };
}

export async function runRules(inputs: PortValues, params: RulesParams, ctx: RunContext): Promise<PortValues> {
  const now = nowOf(ctx);
  const current = readInputs(inputs);
  const stored = ctx.state.get<SessionState>(STATE_KEY);
  const live = stored && now - stored.at <= params.ttlSec * 1000 ? stored : undefined;
  const turn = (live?.turn ?? 0) + 1;
  let tone: Tone = live?.tone ?? "neutral";
  const next: Record<string, RuleState> = {};

  type Candidate = { rule: Rule; index: number; ev: Evaluation; st: RuleState };
  const ready: Candidate[] = [];
  const notes: string[] = [];

  params.rules.forEach((rule, index) => {
    const prev = live?.rules[rule.id];
    const ev = evaluate(rule, current, prev?.engaged ? params.hysteresis : 0);
    const st: RuleState = {
      streak: ev.held ? (prev?.streak ?? 0) + 1 : 0,
      since: ev.held ? (prev?.since ?? now) : undefined,
      engaged: false,
      firedAt: prev?.firedAt,
      firedTurn: prev?.firedTurn,
    };
    next[rule.id] = st;
    if (!ev.held) {
      notes.push(`'${rule.id}' not met (${ev.detail})`);
      return;
    }
    const heldSec = (now - st.since!) / 1000;
    if (st.streak < rule.forTurns || heldSec < rule.forSec) {
      const need = [
        st.streak < rule.forTurns ? `${st.streak} of ${rule.forTurns} turns` : undefined,
        heldSec < rule.forSec ? `${fmt(heldSec)} of ${fmt(rule.forSec)} s` : undefined,
      ].filter(Boolean);
      notes.push(`'${rule.id}' holding (${ev.detail}) for ${need.join(", ")}`);
      return;
    }
    st.engaged = true;
    const coolSec = st.firedAt !== undefined ? rule.cooldownSec - (now - st.firedAt) / 1000 : 0;
    const coolTurns = st.firedTurn !== undefined ? rule.cooldownTurns - (turn - st.firedTurn - 1) : 0;
    if (coolSec > 0 || coolTurns > 0) {
      const left = [coolSec > 0 ? `${fmt(coolSec)} s` : undefined, coolTurns > 0 ? `${coolTurns} turns` : undefined].filter(Boolean);
      notes.push(`'${rule.id}' met but cooling down (${left.join(", ")} left)`);
      return;
    }
    ready.push({ rule, index, ev, st });
  });

  // Highest priority first; the earlier rule in the table wins a tie.
  ready.sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index);
  const winner = ready[0];
  for (const other of ready.slice(1)) notes.push(`'${other.rule.id}' also met, lower priority than '${winner!.rule.id}'`);

  let action: Action | null = null;
  let explanation: string;
  if (winner) {
    const { rule, ev, st } = winner;
    st.firedAt = now;
    st.firedTurn = turn;
    if (rule.action === "set_tone" && rule.tone) tone = rule.tone;
    const held = [`${st.streak} turn${st.streak === 1 ? "" : "s"}`];
    const heldSec = (now - st.since!) / 1000;
    if (rule.forSec > 0) held.push(`${fmt(heldSec)} s`);
    const why = `${ev.detail} for ${held.join(", ")}`;
    const reason = `${rule.reason ? `${rule.reason}: ` : ""}${why}${rule.tone && rule.action === "set_tone" ? ` -> tone ${rule.tone}` : ""}`;
    action = {
      name: rule.action,
      reason,
      detail: {
        rule: rule.id,
        priority: rule.priority,
        ...(rule.action === "set_tone" && rule.tone ? { tone: rule.tone } : {}),
        tags: [...rule.tags],
        values: ev.values,
        turns: st.streak,
        heldSec: Math.round(heldSec * 1000) / 1000,
      },
    };
    explanation = `rule '${rule.id}' (priority ${rule.priority}) fired ${rule.action}: ${why}`;
  } else {
    explanation = params.rules.length === 0 ? "no rules configured" : "no rule fired";
  }
  if (notes.length) explanation += `; ${notes.join("; ")}`;

  ctx.state.set(STATE_KEY, { turn, at: now, tone, rules: next } satisfies SessionState);
  return { action, explanation, tone };
}

function fmt(n: number): string {
  return String(Number(n.toFixed(3)));
}

import {
  emotionScoresSchema,
  nowOf,
  valenceArousalSchema,
  type PortValues,
  type RunContext,
  type ValenceArousal,
} from "@attune/graph";
import { toPad, type Pad } from "@attune/nodes-fusion/mapping";
import type { MoodParams } from "./spec";

interface MoodState extends Pad {
  /** ms since the epoch of the last update. */
  at: number;
  turns: number;
}

const STATE_KEY = "mood";

/** Mehrabian's (1996) names for the eight octants of PAD space, keyed by the signs of P, A, D. */
const OCTANTS: Record<string, string> = {
  "+++": "exuberant",
  "---": "bored",
  "++-": "dependent",
  "--+": "disdainful",
  "+-+": "relaxed",
  "-+-": "anxious",
  "+--": "docile",
  "-++": "hostile",
};

export function moodLabel(pad: Pad, neutralRadius: number): string {
  if (Math.hypot(pad.pleasure, pad.arousal, pad.dominance) <= neutralRadius) return "neutral";
  const sign = (x: number) => (x >= 0 ? "+" : "-");
  return OCTANTS[`${sign(pad.pleasure)}${sign(pad.arousal)}${sign(pad.dominance)}`]!;
}

export async function runMood(inputs: PortValues, params: MoodParams, ctx: RunContext): Promise<PortValues> {
  const now = nowOf(ctx);
  const scores = readOptional(inputs.scores, "scores", emotionScoresSchema, "emotion scores");
  const va = readOptional(inputs.va, "va", valenceArousalSchema, "valence/arousal ({ valence, arousal } in -1..1)");

  const prev = ctx.state.get<MoodState>(STATE_KEY);
  const idleMs = prev ? now - prev.at : 0;
  const expired = prev !== undefined && idleMs > params.ttlSec * 1000;
  const m: Pad = prev && !expired ? { pleasure: prev.pleasure, arousal: prev.arousal, dominance: prev.dominance } : { pleasure: 0, arousal: 0, dominance: 0 };

  // Decay toward neutral for the time that passed (a clock going backwards decays nothing).
  if (prev && !expired && idleMs > 0) {
    const keep = Math.pow(0.5, idleMs / 1000 / params.halfLifeSec);
    m.pleasure *= keep;
    m.arousal *= keep;
    m.dominance *= keep;
  }

  // Appraisal: m += gain * (e - w*m), with e the turn's PAD point (neutral at the origin) and w
  // how non-neutral the turn was. A fully emotional turn moves the mood `gain` of the way to
  // that emotion; a neutral turn leaves it to decay alone.
  if (scores) {
    const e = toPad(scores);
    let sum = 0;
    for (const v of Object.values(scores.scores)) sum += Math.max(0, v);
    const neutral = sum > 0 ? Math.max(0, scores.scores.neutral ?? 0) / sum : 1;
    const w = 1 - neutral;
    m.pleasure += params.gain * (e.pleasure - w * m.pleasure);
    m.arousal += params.gain * (e.arousal - w * m.arousal);
    m.dominance += params.gain * (e.dominance - w * m.dominance);
  }
  if (va) {
    const w = Math.min(1, Math.hypot(va.valence, va.arousal));
    m.pleasure += params.gain * (va.valence - w * m.pleasure);
    m.arousal += params.gain * (va.arousal - w * m.arousal);
  }
  for (const k of ["pleasure", "arousal", "dominance"] as const) m[k] = round(clip(m[k]));

  const turns = (prev && !expired ? prev.turns : 0) + (scores || va ? 1 : 0);
  ctx.state.set(STATE_KEY, { ...m, at: now, turns } satisfies MoodState);

  const label = moodLabel(m, params.neutralRadius);
  const mood: ValenceArousal = { valence: m.pleasure, arousal: m.arousal };
  return {
    mood,
    pad: { ...m, label, turns, idleSec: Math.max(0, Math.round(idleMs / 100) / 10), expired },
    label,
  };
}

function readOptional<T>(value: unknown, port: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, what: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`input '${port}' must be ${what}`);
  return parsed.data;
}

function clip(x: number): number {
  return Math.min(1, Math.max(-1, x));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

import { nowOf, type EmotionScores, type PortValues, type RunContext, type Taxonomy } from "@attune/graph";
import { normalised, readScores, topMargin } from "../shared/scores";
import type { SmoothParams } from "./spec";

/** What one session remembers between runs. */
interface SmoothState {
  taxonomy: Taxonomy;
  scores: Record<string, number>;
  /** Time of the last update, seconds. */
  at: number;
  label: string;
  challenger: string | undefined;
  streak: number;
}

const STATE_KEY = "smooth";

export async function runSmooth(inputs: PortValues, params: SmoothParams, ctx: RunContext): Promise<PortValues> {
  const value = readScores(inputs.scores, "scores");
  const t = inputs.t;
  if (t !== undefined && (typeof t !== "number" || !Number.isFinite(t))) throw new Error("input 't' must be a finite number of seconds");
  const now = typeof t === "number" ? t : nowOf(ctx) / 1000;
  const current = normalised(value.taxonomy, value.scores);

  const prev = ctx.state.get<SmoothState>(STATE_KEY);
  const dt = prev ? now - prev.at : 0;
  const fresh = !prev || prev.taxonomy !== value.taxonomy || dt < 0 || dt > params.resetAfterSec;

  let state: SmoothState;
  let changed = false;
  if (fresh) {
    state = { taxonomy: value.taxonomy, scores: current, at: now, label: topMargin(current).label, challenger: undefined, streak: 0 };
    changed = prev !== undefined && prev.label !== state.label;
  } else {
    const a = params.mode === "alpha" ? params.alpha : 1 - Math.pow(0.5, dt / params.halfLifeSec);
    const scores: Record<string, number> = {};
    for (const label of Object.keys(current)) scores[label] = (1 - a) * (prev.scores[label] ?? 0) + a * current[label]!;

    // Hysteresis: a challenger must lead the current label by the margin, minHold runs in a row.
    const top = topMargin(scores).label;
    let { label, challenger, streak } = prev;
    if (top !== label && scores[top]! - (scores[label] ?? 0) >= params.switchMargin) {
      streak = challenger === top ? streak + 1 : 1;
      challenger = top;
      if (streak >= params.minHold) {
        label = top;
        challenger = undefined;
        streak = 0;
        changed = true;
      }
    } else {
      challenger = undefined;
      streak = 0;
    }
    state = { taxonomy: value.taxonomy, scores, at: now, label, challenger, streak };
  }
  ctx.state.set(STATE_KEY, state);

  const out: EmotionScores = { taxonomy: value.taxonomy, calibrated: false, scores: { ...state.scores } };
  return { scores: out, label: state.label, changed };
}

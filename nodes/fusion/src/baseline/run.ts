import type { EmotionScores, PortValues, RunContext, Taxonomy } from "@attune/graph";
import { normalised, readScores } from "../shared/scores";
import type { BaselineParams } from "./spec";

interface SubjectBaseline {
  taxonomy: Taxonomy;
  mean: Record<string, number>;
  n: number;
  /** Monotone use counter, for least-recently-seen eviction. */
  seen: number;
}

interface BaselineState {
  subjects: Record<string, SubjectBaseline>;
  tick: number;
}

const STATE_KEY = "baselines";

export async function runBaseline(inputs: PortValues, params: BaselineParams, ctx: RunContext): Promise<PortValues> {
  const value = readScores(inputs.scores, "scores");
  const subject = readSubject(inputs.subject, params.subject);
  const reset = inputs.reset;
  if (reset !== undefined && reset !== null && typeof reset !== "boolean") throw new Error("input 'reset' must be a boolean");

  const prev = ctx.state.get<BaselineState>(STATE_KEY) ?? { subjects: {}, tick: 0 };
  // Copied, never edited in place: the store may hand out the object it keeps.
  const subjects: Record<string, SubjectBaseline> = { ...prev.subjects };
  const tick = prev.tick + 1;
  const p = normalised(value.taxonomy, value.scores);

  let base = Object.hasOwn(subjects, subject) ? subjects[subject] : undefined;
  // A different taxonomy means a different signal: its old baseline does not apply.
  if (reset === true || (base && base.taxonomy !== value.taxonomy)) base = undefined;

  const ready = base !== undefined && base.n >= params.warmup;
  const deviation: Record<string, number> = {};
  let out: Record<string, number>;
  if (ready) {
    out = {};
    let emotional = 0;
    for (const label of Object.keys(p)) {
      deviation[label] = p[label]! - base!.mean[label]!;
      if (label === "neutral") continue;
      out[label] = Math.max(0, deviation[label]!);
      emotional += out[label]!;
    }
    if (emotional > 1) for (const label of Object.keys(out)) out[label]! /= emotional;
    out.neutral = Math.max(0, 1 - Math.min(1, emotional));
    out = normalised(value.taxonomy, out);
  } else {
    out = p;
    for (const label of Object.keys(p)) deviation[label] = base ? p[label]! - base.mean[label]! : 0;
  }

  // Update after use, so a reading is compared with the baseline before it, not with itself.
  const n = (base?.n ?? 0) + 1;
  const k = Math.max(params.rate, 1 / n);
  const mean: Record<string, number> = {};
  for (const label of Object.keys(p)) mean[label] = base ? (1 - k) * base.mean[label]! + k * p[label]! : p[label]!;
  subjects[subject] = { taxonomy: value.taxonomy, mean, n, seen: tick };
  evict(subjects, params.maxSubjects);
  ctx.state.set(STATE_KEY, { subjects, tick } satisfies BaselineState);

  const scores: EmotionScores = { taxonomy: value.taxonomy, calibrated: ready ? false : value.calibrated, scores: out };
  return { scores, deviation, ready, samples: n };
}

function readSubject(input: unknown, fallback: string): string {
  if (input === undefined || input === null) return fallback;
  if (typeof input !== "string") throw new Error("input 'subject' must be text");
  const id = input.trim();
  if (id.length > 200) throw new Error("input 'subject' is longer than 200 characters");
  return id === "" ? fallback : id;
}

function evict(subjects: Record<string, SubjectBaseline>, max: number): void {
  const ids = Object.keys(subjects);
  if (ids.length <= max) return;
  ids.sort((a, b) => subjects[a]!.seen - subjects[b]!.seen);
  for (const id of ids.slice(0, ids.length - max)) delete subjects[id];
}

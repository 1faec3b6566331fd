import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const smoothParams = z.object({
  /**
   * `alpha`: each run moves the estimate a fixed share toward the new scores (good for turns of a
   * conversation). `half-life`: the old estimate loses half its weight every `halfLifeSec`
   * seconds of elapsed time, so irregular frame rates smooth the same (good for video/audio).
   */
  mode: z.enum(["alpha", "half-life"]).default("alpha"),
  /** Share of the new scores per run in `alpha` mode: 1 = no smoothing, 0.1 = very smooth. */
  alpha: z.number().gt(0).max(1).default(0.4),
  halfLifeSec: z.number().positive().max(86_400).default(2),
  /** The label only changes when a challenger leads the current label by at least this much... */
  switchMargin: z.number().min(0).max(1).default(0.1),
  /** ...for this many consecutive runs: one noisy frame does not flip a decision. */
  minHold: z.number().int().min(1).max(1000).default(2),
  /** A gap longer than this (or time going backwards) starts the session's estimate afresh. */
  resetAfterSec: z.number().positive().max(7 * 86_400).default(600),
});

export type SmoothParams = z.infer<typeof smoothParams>;

export const smoothSpec = defineNodeSpec({
  type: "fusion.smooth",
  version: 1,
  family: "fusion",
  title: "Smooth over time",
  description:
    "Exponential smoothing of emotion scores per session (a fixed alpha per run, or a half-life in seconds using the " +
    "elapsed time), plus hysteresis on the top label: the label switches only when another label leads by a margin " +
    "for several runs in a row, so one noisy frame does not flip a decision. State lives in the session.",
  cacheable: false,
  inputs: [
    { id: "scores", label: "Scores", accepts: "scores:any" },
    {
      id: "t",
      label: "Time (s)",
      accepts: "number",
      optional: true,
      description: "Timestamp of these scores in seconds (e.g. a video frame's time); the run's clock when unconnected.",
    },
  ],
  outputs: [
    { id: "scores", label: "Smoothed scores", type: "scores:any", description: "Same taxonomy as the input, sums to 1." },
    { id: "label", label: "Stable label", type: "text", description: "Top label after hysteresis." },
    { id: "changed", label: "Label changed", type: "boolean", description: "True on the run where the stable label switched." },
  ],
  params: smoothParams,
  keywords: ["smooth", "ema", "exponential", "moving average", "hysteresis", "debounce", "filter", "time", "stabilise", "noise"],
});

import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const baselineParams = z.object({
  /** Subject id used when the `subject` input is unconnected or empty. */
  subject: z.string().trim().min(1).max(200).default("default"),
  /** Readings averaged before the baseline is trusted; until then scores pass through unchanged. */
  warmup: z.number().int().min(1).max(10_000).default(5),
  /**
   * How fast the baseline follows the person once warmed up (share per reading): a running mean
   * over the first 1/rate readings, then an exponential moving average. Small = a stable baseline.
   */
  rate: z.number().gt(0).max(1).default(0.05),
  /** Subjects remembered per session; the least recently seen is forgotten beyond this. */
  maxSubjects: z.number().int().min(1).max(1000).default(64),
});

export type BaselineParams = z.infer<typeof baselineParams>;

export const baselineSpec = defineNodeSpec({
  type: "fusion.baseline",
  version: 1,
  family: "fusion",
  title: "Per-person baseline",
  description:
    "Calibrates to each person: keeps a running baseline of the scores per subject id (per session) and outputs how " +
    "far the current reading is above it. Each emotion keeps only its excess over the person's usual level; the rest " +
    "of the mass is neutral (a resting face that always reads 30% sad stops reading as sad). Scores pass through " +
    "until `warmup` readings are in. A true `reset` input starts the subject's baseline over.",
  cacheable: false,
  inputs: [
    { id: "scores", label: "Scores", accepts: "scores:any" },
    { id: "subject", label: "Subject id", accepts: "text", optional: true, description: "Whose baseline; the `subject` param when unconnected." },
    { id: "reset", label: "Reset", accepts: "boolean", optional: true, description: "True: forget this subject's baseline first." },
  ],
  outputs: [
    { id: "scores", label: "Calibrated scores", type: "scores:any", description: "Excess over baseline, remainder neutral; sums to 1." },
    { id: "deviation", label: "Deviation", type: "json", description: "Signed reading - baseline per label." },
    { id: "ready", label: "Baseline ready", type: "boolean", description: "False while warming up (scores pass through)." },
    { id: "samples", label: "Samples", type: "number", description: "Readings in this subject's baseline, including this one." },
  ],
  params: baselineParams,
  keywords: ["baseline", "calibration", "calibrate", "per person", "subject", "neutral face", "normalise", "individual", "reset"],
});

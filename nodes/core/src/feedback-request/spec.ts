import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const scoreConditionSchema = z.object({
  /** A label of the connected scores, e.g. `negative` or `anger`. */
  label: z.string().min(1).max(64),
  op: z.enum([">", ">=", "<", "<="]).default(">"),
  value: z.number().finite().default(0.7),
});
export type ScoreCondition = z.infer<typeof scoreConditionSchema>;

export const feedbackRequestParams = z.object({
  /** Ask once every this many turns of a session (counted since the last ask); 0 turns this off. */
  everyNTurns: z.number().int().min(0).max(10_000).default(10),
  /** Ask on a turn where the connected action is one of these (e.g. right after an escalation). */
  onActions: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "use a snake_case action name")).max(20).default(["escalate_to_human"]),
  /** Ask when the tone (the `tone` input, or a set_tone action's tone) differs from the previous turn's. */
  onToneChange: z.boolean().default(true),
  /** Ask when the connected `ask` boolean is true (e.g. a threshold node's output). */
  onFlag: z.boolean().default(true),
  /** Ask when a label of the connected scores crosses a threshold; none by default. */
  onScore: scoreConditionSchema.nullable().default(null),
  /** After an ask triggered by a condition, stay quiet for this many turns so people are not nagged. */
  minGapTurns: z.number().int().min(0).max(10_000).default(3),
  /** Shown to the person when feedback is asked for. */
  prompt: z.string().min(1).max(300).default("How well did I understand how you were feeling? Rate 1 (not at all) to 5 (completely)."),
  /** A session idle longer than this starts counting turns afresh. */
  ttlSec: z.number().positive().max(30 * 86_400).default(1800),
});

export type FeedbackRequestParams = z.infer<typeof feedbackRequestParams>;

export const feedbackRequestSpec = defineNodeSpec({
  type: "core.feedback-request",
  version: 1,
  family: "core",
  title: "Feedback request",
  description:
    "Marks the turns where the person should be asked to rate perceived empathy (POST /v1/runs/{runId}/feedback): " +
    "every N turns of a session, and/or right after a given action (e.g. an escalation), a tone change, a true `ask` " +
    "flag or a score crossing a threshold. Counts turns per session and keeps a minimum gap so nobody is nagged. " +
    "Outputs `askForFeedback`, the `prompt` to show (empty when not asking) and the `reason`.",
  cacheable: false,
  inputs: [
    { id: "action", label: "Action", accepts: "action", optional: true, tolerateMissing: true },
    { id: "scores", label: "Scores", accepts: "scores:any", optional: true, tolerateMissing: true },
    { id: "tone", label: "Tone", accepts: "text", optional: true, tolerateMissing: true },
    { id: "ask", label: "Ask", accepts: "boolean", optional: true, tolerateMissing: true },
  ],
  outputs: [
    { id: "askForFeedback", label: "Ask for feedback", type: "boolean", description: "True on turns where feedback should be asked for." },
    { id: "prompt", label: "Prompt", type: "text", description: "The question to show; empty when not asking." },
    { id: "reason", label: "Reason", type: "text", description: "Why this turn asks (or when the next scheduled ask is)." },
  ],
  params: feedbackRequestParams,
  keywords: ["feedback", "rating", "empathy", "survey", "ask", "sense-7", "evaluation", "responsible"],
});

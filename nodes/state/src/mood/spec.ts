import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const moodParams = z.object({
  /** Seconds for the mood to lose half its distance from neutral when nothing new comes in. */
  halfLifeSec: z.number().positive().max(7 * 86_400).default(120),
  /** How far one fully emotional turn moves the mood toward that emotion (0..1). */
  gain: z.number().gt(0).max(1).default(0.3),
  /** A session idle longer than this forgets its mood and starts neutral. */
  ttlSec: z.number().positive().max(30 * 86_400).default(1800),
  /** Within this distance of the origin the mood is called "neutral". */
  neutralRadius: z.number().min(0).max(1).default(0.1),
});

export type MoodParams = z.infer<typeof moodParams>;

export const moodSpec = defineNodeSpec({
  type: "state.mood",
  version: 1,
  family: "state",
  title: "Mood (PAD)",
  description:
    "An artificial mood per session in pleasure-arousal-dominance space (Mehrabian's PAD). Each run appraises its " +
    "input: emotion scores are placed at the PAD coordinates of their categories (Russell & Mehrabian 1977, via Map " +
    "taxonomy's table) and the mood moves `gain` of the way toward them, in proportion to how non-neutral the turn " +
    "was; valence/arousal moves pleasure and arousal. Between runs the mood decays toward neutral with a half-life " +
    "in seconds; an idle session expires after `ttlSec`. Output the mood as valence/arousal for other nodes, e.g. a " +
    "calmer tone after several angry turns.",
  cacheable: false,
  inputs: [
    { id: "scores", label: "Scores", accepts: "scores:any", optional: true, description: "Emotion scores of this turn." },
    { id: "va", label: "Valence/arousal", accepts: "valence-arousal", optional: true, description: "A circumplex reading of this turn." },
  ],
  outputs: [
    { id: "mood", label: "Mood", type: "valence-arousal", description: "Pleasure as valence, arousal as arousal; -1..1." },
    { id: "pad", label: "PAD", type: "json", description: "{ pleasure, arousal, dominance, label, turns, idleSec, expired }." },
    {
      id: "label",
      label: "Mood label",
      type: "text",
      description: "Mehrabian's PAD octant (exuberant, hostile, anxious, relaxed, ...) or 'neutral'.",
    },
  ],
  params: moodParams,
  keywords: ["mood", "state", "PAD", "pleasure", "arousal", "dominance", "artificial emotion", "decay", "memory", "session", "appraisal"],
});

import { defineNodeSpec, TAXONOMY_LABELS, type DeclaredAction, type NodeCheckIssue } from "@attune/graph";
import { z } from "zod";
import { firesOnNegativeAffect } from "../shared/negative-affect";

export const RULE_OPS = [">", ">=", "<", "<="] as const;
export type RuleOp = (typeof RULE_OPS)[number];

/** Actions the rest of Attune understands; any other snake_case name is passed on as is. */
export const BUILTIN_ACTIONS = ["escalate_to_human", "set_tone", "disclose_ai", "none"] as const;
export const TONES = ["calm", "empathic", "neutral"] as const;
export type Tone = (typeof TONES)[number];

export const conditionSchema = z.object({
  /** `scores`: a label's score; `mood`: the mood's `valence` or `arousal`; `value`: the number input. */
  source: z.enum(["scores", "mood", "value"]).default("scores"),
  /** The label (e.g. anger, negative) for scores; `valence` or `arousal` for mood; ignored for value. */
  key: z.string().min(1).max(64).default("negative"),
  op: z.enum(RULE_OPS).default(">"),
  value: z.number().finite().default(0.6),
});
export type Condition = z.infer<typeof conditionSchema>;

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1-64 letters, digits, '-' or '_'"),
    /** Higher wins when several rules are ready to fire in the same turn. */
    priority: z.number().int().min(0).max(1000).default(0),
    /** Every condition must hold. */
    when: z.array(conditionSchema).min(1).max(10),
    /** ...for this many consecutive turns (runs)... */
    forTurns: z.number().int().min(1).max(1000).default(1),
    /** ...and for at least this many seconds. */
    forSec: z.number().min(0).max(86_400).default(0),
    /** escalate_to_human, set_tone, disclose_ai, none, or a custom snake_case action name. */
    action: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "use a snake_case action name").default("escalate_to_human"),
    /** For set_tone: which tone. */
    tone: z.enum(TONES).optional(),
    /** Free labels for downstream routing and for the responsible-use check (e.g. "sales"). */
    tags: z.array(z.string().min(1).max(40)).max(10).default([]),
    /** After firing, the rule stays quiet for this many seconds... */
    cooldownSec: z.number().min(0).max(86_400).default(0),
    /** ...and this many turns. */
    cooldownTurns: z.number().int().min(0).max(10_000).default(0),
    /** Human words put in front of the generated reason. */
    reason: z.string().max(300).optional(),
  })
  .refine((r) => r.action !== "set_tone" || r.tone !== undefined, { message: "set_tone needs a tone", path: ["tone"] });
export type Rule = z.infer<typeof ruleSchema>;

const DEFAULT_RULES: Rule[] = [
  {
    id: "escalate-upset",
    priority: 100,
    when: [{ source: "scores", key: "negative", op: ">", value: 0.7 }],
    forTurns: 3,
    forSec: 0,
    action: "escalate_to_human",
    tags: [],
    cooldownSec: 300,
    cooldownTurns: 0,
    reason: "the caller has been upset for several turns",
  },
  {
    id: "calm-when-negative",
    priority: 50,
    when: [{ source: "scores", key: "negative", op: ">", value: 0.5 }],
    forTurns: 1,
    forSec: 0,
    action: "set_tone",
    tone: "calm",
    tags: [],
    cooldownSec: 0,
    cooldownTurns: 0,
  },
];

export const rulesParams = z
  .object({
    rules: z.array(ruleSchema).max(50).default(DEFAULT_RULES),
    /**
     * Hysteresis: once a rule's conditions have held, they keep holding until the value falls
     * back past the threshold by this margin, so a score hovering at the line does not flap.
     */
    hysteresis: z.number().min(0).max(1).default(0.05),
    /** A session idle longer than this forgets its streaks, cooldowns and tone. */
    ttlSec: z.number().positive().max(30 * 86_400).default(1800),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `rule id '${r.id}' is used twice` });
      seen.add(r.id);
    });
  });

export type RulesParams = z.infer<typeof rulesParams>;

/** Whether a condition fires on negative affect (see firesOnNegativeAffect). */
export function conditionIsNegativeAffect(c: Condition): boolean {
  if (c.source === "scores") return firesOnNegativeAffect(c.key, c.op);
  if (c.source === "mood") return c.key === "valence" && firesOnNegativeAffect(c.key, c.op, "valence");
  return false;
}

export const rulesSpec = defineNodeSpec({
  type: "policy.rules",
  version: 1,
  family: "policy",
  title: "Decision rules",
  description:
    "A decision table: each rule has conditions on emotion scores, the mood and a number, how long they must hold " +
    "(consecutive turns and/or seconds, tracked per session), an action (escalate_to_human, set_tone " +
    "calm/empathic/neutral, disclose_ai, none, or your own), a priority and a cooldown. Each turn the highest-priority " +
    "rule that is ready fires; hysteresis keeps a rule engaged until its value falls back past the threshold by a " +
    "margin. The action's reason and the explanation say which rule fired and why, and why the others did not.",
  cacheable: false,
  inputs: [
    { id: "scores", label: "Scores", accepts: "scores:any", optional: true, tolerateMissing: true },
    { id: "mood", label: "Mood", accepts: "valence-arousal", optional: true, tolerateMissing: true },
    { id: "value", label: "Value", accepts: "number", optional: true, tolerateMissing: true },
  ],
  outputs: [
    { id: "action", label: "Action", type: "action", description: "The fired rule's action with its reason, or null." },
    { id: "explanation", label: "Explanation", type: "text", description: "Which rule fired and why; the state of every other rule." },
    { id: "tone", label: "Tone", type: "text", description: "The tone last set by a set_tone rule this session (neutral at first)." },
  ],
  params: rulesParams,
  validateConnections(connected, params): NodeCheckIssue[] {
    const issues: NodeCheckIssue[] = [];
    const scoresType = connected.scores;
    const taxonomy = scoresType?.startsWith("scores:") && scoresType !== "scores:any" ? scoresType.slice(7) : undefined;
    for (const rule of params.rules) {
      for (const c of rule.when) {
        if (!(c.source in connected)) {
          issues.push({
            code: "MISSING_REQUIRED_INPUT",
            severity: "warning",
            portId: c.source,
            message: `rule '${rule.id}' reads '${c.source}', which is not connected: the rule can never fire`,
          });
        } else if (taxonomy && c.source === "scores" && !(TAXONOMY_LABELS[taxonomy as keyof typeof TAXONOMY_LABELS] as readonly string[]).includes(c.key)) {
          issues.push({
            code: "PARAM_INVALID",
            severity: "warning",
            portId: "scores",
            message: `rule '${rule.id}' reads label '${c.key}', which ${taxonomy} scores do not have: the rule can never fire`,
          });
        } else if (c.source === "mood" && c.key !== "valence" && c.key !== "arousal") {
          issues.push({ code: "PARAM_INVALID", severity: "warning", portId: "mood", message: `rule '${rule.id}': mood has 'valence' and 'arousal', not '${c.key}'` });
        }
      }
    }
    return issues;
  },
  declaredActions(params): DeclaredAction[] {
    return params.rules.map((r) => ({
      name: r.action,
      tags: r.tags,
      trigger: r.when.some(conditionIsNegativeAffect) ? "negative-affect" : "other",
      source: r.id,
    }));
  },
  keywords: ["rules", "decision table", "policy", "escalate", "tone", "cooldown", "hysteresis", "duration", "if then", "handoff", "human"],
});

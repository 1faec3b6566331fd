import { defineNodeSpec, type DeclaredAction } from "@attune/graph";
import { z } from "zod";
import { firesOnNegativeAffect } from "../shared/negative-affect";

export const THRESHOLD_OPS = [">", ">=", "<", "<="] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

/** Placeholders a reason template may use; anything else is refused when params are validated. */
export const REASON_PLACEHOLDERS = ["label", "value", "op", "threshold", "action"] as const;

const reasonTemplate = z
  .string()
  .max(500)
  .superRefine((template, ctx) => {
    for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
      const name = match[1] ?? "";
      if (!(REASON_PLACEHOLDERS as readonly string[]).includes(name)) {
        ctx.addIssue({
          code: "custom",
          message: `unknown placeholder {${name}}; use ${REASON_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
        });
      }
    }
  });

export const thresholdParams = z.object({
  /** Which score to read when the input is emotion scores; ignored for a plain number. */
  label: z.string().min(1).default("negative"),
  op: z.enum(THRESHOLD_OPS).default(">"),
  threshold: z.number().finite().default(0.6),
  /** Name of the action emitted when the rule fires, e.g. "escalate" to a human agent. */
  action: z.string().min(1).max(100).default("escalate"),
  /** Human-readable reason attached to the action; placeholders are filled at run time. */
  reason: reasonTemplate.default("{label} {value} {op} {threshold}"),
});

export type ThresholdParams = z.infer<typeof thresholdParams>;

export const thresholdSpec = defineNodeSpec({
  type: "policy.threshold",
  version: 1,
  family: "policy",
  title: "Threshold",
  description:
    "Emits an action when a number, or one label of emotion scores, crosses a threshold " +
    "(e.g. escalate when negative > 0.6).",
  inputs: [
    {
      id: "value",
      label: "Value",
      accepts: ["number", "scores:any"],
      description: "A number, or emotion scores of any taxonomy (the `label` score is read).",
    },
  ],
  outputs: [
    { id: "action", label: "Action", type: "action", description: "The action when the rule fires, otherwise null." },
    { id: "triggered", label: "Triggered", type: "boolean" },
  ],
  params: thresholdParams,
  declaredActions: (p): DeclaredAction[] => [
    { name: p.action, trigger: firesOnNegativeAffect(p.label, p.op) ? "negative-affect" : "other" },
  ],
  keywords: ["threshold", "rule", "policy", "escalate", "alert", "trigger", "compare", "if"],
});

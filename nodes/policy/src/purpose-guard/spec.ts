import { defineNodeSpec } from "@attune/graph";
import { z } from "zod";

export const purposeGuardParams = z.object({
  /** Summed share of negative labels (anger, sadness, negative, ...) at or above which affect counts as negative. */
  negativeAt: z.number().min(0).max(1).default(0.4),
  /** Mood valence at or below which the person counts as in a negative state. */
  moodValenceAt: z.number().min(-1).max(1).default(-0.2),
  /** What replaces a blocked action: nothing (null) or a hand-off to a person. */
  replaceWith: z.enum(["nothing", "escalate_to_human"]).default("nothing"),
});

export type PurposeGuardParams = z.infer<typeof purposeGuardParams>;

/**
 * The run-time half of the purpose guard. The declaration itself (purpose, setting, exemption,
 * acknowledgements) lives in the pipeline document's `meta`, where validate() applies EU AI Act
 * Art. 5(1)(f) (PROHIBITED_USE) and flags rules that route negative affect to sales or retention
 * (POSSIBLE_MANIPULATION) whether or not this node is on the canvas. This node stops the same
 * thing at run time for actions the static check cannot see (custom names, upstream code).
 */
export const purposeGuardSpec = defineNodeSpec({
  type: "policy.purpose-guard",
  version: 1,
  family: "policy",
  title: "Purpose guard",
  description:
    "Blocks sales, upsell and retention actions while the person's affect is negative, so emotion is never used to " +
    "sell to someone who is upset. Place it between a policy node and the response. The pipeline's purpose and setting " +
    "are declared in the pipeline settings, where compile blocks emotion recognition from face or voice at work or in " +
    "education (EU AI Act Art. 5(1)(f)) and flags rules routing negative affect to sales unless acknowledged.",
  inputs: [
    { id: "action", label: "Action", accepts: "action", description: "The action a policy node chose (null = nothing)." },
    { id: "scores", label: "Affect", accepts: "scores:any", optional: true, tolerateMissing: true },
    { id: "mood", label: "Mood", accepts: "valence-arousal", optional: true, tolerateMissing: true },
  ],
  outputs: [
    { id: "action", label: "Action", type: "action", description: "The action, or its replacement when blocked." },
    { id: "blocked", label: "Blocked", type: "boolean" },
    { id: "explanation", label: "Explanation", type: "text" },
  ],
  params: purposeGuardParams,
  keywords: ["guard", "purpose", "manipulation", "ethics", "responsible", "sales", "upsell", "retention", "block", "eu ai act"],
});

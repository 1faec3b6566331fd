import type { NodeDefinition } from "@attune/graph";
import { disclosure } from "./disclosure";
import { purposeGuard } from "./purpose-guard";
import { rules } from "./rules";
import { threshold } from "./threshold";

/** Runnable definitions of the policy family (server-side). Keep in step with `specs.ts`. */
export const nodes: NodeDefinition[] = [threshold, rules, disclosure, purposeGuard];

export { threshold, rules, disclosure, purposeGuard };
export {
  thresholdSpec,
  thresholdParams,
  THRESHOLD_OPS,
  REASON_PLACEHOLDERS,
  type ThresholdOp,
  type ThresholdParams,
} from "./threshold/spec";
export {
  rulesSpec,
  rulesParams,
  ruleSchema,
  conditionSchema,
  BUILTIN_ACTIONS,
  TONES,
  RULE_OPS,
  type Rule,
  type Condition,
  type RulesParams,
  type Tone,
} from "./rules/spec";
export { disclosureSpec, disclosureParams, type DisclosureParams } from "./disclosure/spec";
export { purposeGuardSpec, purposeGuardParams, type PurposeGuardParams } from "./purpose-guard/spec";

import type { NodeSpec } from "@attune/graph";
import { disclosureSpec } from "./disclosure/spec";
import { purposeGuardSpec } from "./purpose-guard/spec";
import { rulesSpec } from "./rules/spec";
import { thresholdSpec } from "./threshold/spec";

/** Browser-safe specs of the policy family: imports spec files only, never run code. */
export const specs: NodeSpec[] = [thresholdSpec, rulesSpec, disclosureSpec, purposeGuardSpec];

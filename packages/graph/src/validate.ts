import type { PipelineDocument } from "./document";
import type { SpecLookup, ValidationIssue } from "./plan";

/** TODO(helper): implement every issue code in ISSUE_CODES. */
export function validate(_doc: PipelineDocument, _registry: SpecLookup): ValidationIssue[] {
  throw new Error("not implemented");
}

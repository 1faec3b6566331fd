import { analyze } from "./analyze";
import type { PipelineDocument } from "./document";
import type { SpecLookup, ValidationIssue } from "./plan";

export { resolveParams, type ParamsSpec, type ResolvedParams } from "./analyze";

/**
 * Every problem in a document, each with a stable code from ISSUE_CODES and the node, edge, port
 * or param it is about, so the canvas can point at it. Issues on nodes that feed no output node
 * are warnings (compile prunes those nodes), as long as the pipeline has an output at all.
 * Order is deterministic: node issues in document order, then edge issues, then the rest.
 */
export function validate(doc: PipelineDocument, registry: SpecLookup): ValidationIssue[] {
  return analyze(doc, registry).issues;
}

import type { PipelineDocument } from "./document";
import type { CompileResult, SpecLookup } from "./plan";

/** TODO(helper): validate, then topological order, pruning, params with defaults, cache keys. */
export function compile(_doc: PipelineDocument, _registry: SpecLookup): CompileResult {
  throw new Error("not implemented");
}

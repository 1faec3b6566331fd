import { NodeRegistry, type NodeSpec } from "@attune/graph";
import { specs as coreSpecs } from "@attune/nodes-core/specs";
import { specs as nlpSpecs } from "@attune/nodes-nlp/specs";
import { specs as policySpecs } from "@attune/nodes-policy/specs";

/**
 * Every node type the studio offers, from the families' browser-safe `specs` entries. The same
 * registry backs the palette, canvas validation and, on the server, the tRPC context.
 */
export const specRegistry: NodeRegistry<NodeSpec> = new NodeRegistry<NodeSpec>([
  ...coreSpecs,
  ...nlpSpecs,
  ...policySpecs,
]);

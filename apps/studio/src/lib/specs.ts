import { NodeRegistry, type NodeSpec } from "@attune/graph";
import { specs as audioSpecs } from "@attune/nodes-audio/specs";
import { specs as coreSpecs } from "@attune/nodes-core/specs";
import { specs as fusionSpecs } from "@attune/nodes-fusion/specs";
import { specs as modelSpecs } from "@attune/nodes-model/specs";
import { specs as nlpSpecs } from "@attune/nodes-nlp/specs";
import { specs as policySpecs } from "@attune/nodes-policy/specs";
import { specs as stateSpecs } from "@attune/nodes-state/specs";
import { specs as visionSpecs } from "@attune/nodes-vision/specs";

/**
 * Every node type the studio offers, from the families' browser-safe `specs` entries. The same
 * registry backs the palette, canvas validation and, on the server, the tRPC context.
 */
export const specRegistry: NodeRegistry<NodeSpec> = new NodeRegistry<NodeSpec>([
  ...coreSpecs,
  ...nlpSpecs,
  ...visionSpecs,
  ...audioSpecs,
  ...fusionSpecs,
  ...stateSpecs,
  ...policySpecs,
  ...modelSpecs,
]);

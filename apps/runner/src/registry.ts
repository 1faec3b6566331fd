import type { NodeDefinition } from "@attune/graph";
import { NodeRegistry } from "@attune/graph";
import { nodes as audioNodes } from "@attune/nodes-audio";
import { nodes as coreNodes } from "@attune/nodes-core";
import { nodes as fusionNodes } from "@attune/nodes-fusion";
import { nodes as modelNodes } from "@attune/nodes-model";
import { nodes as nlpNodes } from "@attune/nodes-nlp";
import { nodes as policyNodes } from "@attune/nodes-policy";
import { nodes as stateNodes } from "@attune/nodes-state";
import { nodes as visionNodes } from "@attune/nodes-vision";

/** The runnable registry type the runner uses: specs for compile(), run code for execute(). */
export type RunnerRegistry = NodeRegistry<NodeDefinition<any>>;

/** Every node family the runner can execute. A new family is added here and nowhere else. */
export const NODE_FAMILIES: readonly (readonly NodeDefinition<any>[])[] = [coreNodes, nlpNodes, visionNodes, audioNodes, fusionNodes, stateNodes, policyNodes, modelNodes];

/** A fresh registry of all node families' definitions (throws if two families claim one type id). */
export function createNodeRegistry(extra: Iterable<NodeDefinition<any>> = []): RunnerRegistry {
  return new NodeRegistry<NodeDefinition<any>>([...NODE_FAMILIES.flat(), ...extra]);
}

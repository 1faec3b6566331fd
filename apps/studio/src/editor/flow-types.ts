import type { NodeInstance } from "@attune/graph";
import type { Edge, Node } from "@xyflow/react";

/** React Flow's view of a document node: the instance is the single source of truth. */
export type AttuneFlowNode = Node<{ instance: NodeInstance }, "attune">;
export type AttuneFlowEdge = Edge<{ portType?: string }>;

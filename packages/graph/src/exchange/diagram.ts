import type { PipelineDocument } from "../document";

/** Just enough of a graph to draw it as a small static picture (gallery cards, import preview). */
export interface Diagram {
  nodes: { id: string; x: number; y: number; family: string; label: string }[];
  edges: { from: string; to: string }[];
}

/** The diagram of a document: positions, families and labels; params never leave in it. */
export function diagramOf(doc: Pick<PipelineDocument, "nodes" | "edges">): Diagram {
  return {
    nodes: doc.nodes.map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, family: n.type.split(".")[0] ?? "", label: n.label ?? n.type })),
    edges: doc.edges.map((e) => ({ from: e.from.node, to: e.to.node })),
  };
}

import { portColor, type PipelineDocument, type ValidationIssue } from "@attune/graph";
import { specRegistry } from "@/lib/specs";
import type { AttuneFlowEdge, AttuneFlowNode } from "./flow-types";

/**
 * Document -> React Flow nodes. View-only state (selection, measured size) is carried over from
 * the previous nodes; an unchanged instance keeps its node object so memoised nodes skip render.
 */
export function toFlowNodes(doc: PipelineDocument, previous: readonly AttuneFlowNode[], select?: ReadonlySet<string>): AttuneFlowNode[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  return doc.nodes.map((instance) => {
    const prev = byId.get(instance.id);
    const selected = select ? select.has(instance.id) : (prev?.selected ?? false);
    if (prev && prev.data.instance === instance && prev.selected === selected) return prev;
    return {
      id: instance.id,
      type: "attune",
      position: instance.position,
      data: { instance },
      selected,
      ...(prev?.measured ? { measured: prev.measured } : {}),
    };
  });
}

export function toFlowEdges(
  doc: PipelineDocument,
  previous: readonly AttuneFlowEdge[],
  issues: readonly ValidationIssue[],
): AttuneFlowEdge[] {
  const selected = new Set(previous.filter((e) => e.selected).map((e) => e.id));
  const broken = new Set(issues.filter((i) => i.edgeId && i.severity === "error").map((i) => i.edgeId));
  return doc.edges.map((edge) => {
    const fromNode = doc.nodes.find((n) => n.id === edge.from.node);
    const portType = fromNode ? specRegistry.get(fromNode.type)?.outputs.find((p) => p.id === edge.from.port)?.type : undefined;
    const stroke = broken.has(edge.id) ? "#dc2626" : portType ? portColor(portType) : "#94a3b8";
    return {
      id: edge.id,
      source: edge.from.node,
      sourceHandle: edge.from.port,
      target: edge.to.node,
      targetHandle: edge.to.port,
      selected: selected.has(edge.id),
      data: { portType },
      style: { stroke, strokeWidth: 2, ...(broken.has(edge.id) ? { strokeDasharray: "6 4" } : {}) },
    };
  });
}

/** What the preview depends on: layout and labels do not change results, so they do not re-run it. */
export function runnableKey(doc: PipelineDocument): string {
  return JSON.stringify({
    nodes: doc.nodes.map((n) => [n.id, n.type, n.version, n.params]),
    edges: doc.edges.map((e) => [e.from.node, e.from.port, e.to.node, e.to.port]),
  });
}

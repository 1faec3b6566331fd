import type { Edge, NodeInstance, NodeSpec, PipelineDocument, PortRef } from "@attune/graph";
import { edgeIds, freshEdgeId, freshNodeId, nodeIds } from "./node-ids";

/**
 * Pure edits of a pipeline document. The canvas, keyboard shortcuts, inspector and JSON tab all
 * go through these, so every change is one undoable document value.
 */

/** Explicit defaults in the document: what the JSON tab shows is what runs. */
export function defaultParams(spec: NodeSpec): Record<string, unknown> {
  const parsed = spec.params.safeParse({});
  return parsed.success ? { ...parsed.data } : {};
}

export function addNode(
  doc: PipelineDocument,
  spec: NodeSpec,
  position: { x: number; y: number },
): { doc: PipelineDocument; id: string } {
  const id = freshNodeId(spec.type, nodeIds(doc));
  const node: NodeInstance = { id, type: spec.type, version: spec.version, params: defaultParams(spec), position };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

export function moveNodes(doc: PipelineDocument, positions: ReadonlyMap<string, { x: number; y: number }>): PipelineDocument {
  if (positions.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    }),
  };
}

/** Removes nodes (with every edge touching them) and edges. */
export function removeElements(doc: PipelineDocument, nodes: ReadonlySet<string>, edges: ReadonlySet<string>): PipelineDocument {
  if (nodes.size === 0 && edges.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from.node) && !nodes.has(e.to.node)),
  };
}

/**
 * Adds an edge. An input takes a single edge, so a new connection into an occupied input replaces
 * the old one (what people expect when re-wiring) instead of leaving a DUPLICATE_INPUT_EDGE.
 */
export function connect(doc: PipelineDocument, from: PortRef, to: PortRef): PipelineDocument {
  const kept = doc.edges.filter((e) => !(e.to.node === to.node && e.to.port === to.port));
  const edge: Edge = { id: freshEdgeId(edgeIds(doc)), from, to };
  return { ...doc, edges: [...kept, edge] };
}

export function setParams(doc: PipelineDocument, nodeId: string, params: Record<string, unknown>): PipelineDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, params } : n)) };
}

export function setLabel(doc: PipelineDocument, nodeId: string, label: string): PipelineDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const { label: _old, ...rest } = n;
      return label.trim() ? { ...rest, label } : rest;
    }),
  };
}

/** What Ctrl+C keeps: the selected nodes and only the edges between them. */
export interface Clipboard {
  nodes: NodeInstance[];
  edges: Edge[];
}

export function copySelection(doc: PipelineDocument, selected: ReadonlySet<string>): Clipboard {
  return {
    nodes: doc.nodes.filter((n) => selected.has(n.id)),
    edges: doc.edges.filter((e) => selected.has(e.from.node) && selected.has(e.to.node)),
  };
}

/** Pastes with fresh ids, shifted so the copy does not hide the original; returns the new ids. */
export function paste(doc: PipelineDocument, clip: Clipboard, offset: { x: number; y: number }): { doc: PipelineDocument; ids: string[] } {
  const taken = nodeIds(doc);
  const rename = new Map<string, string>();
  const nodes: NodeInstance[] = clip.nodes.map((n) => {
    const id = freshNodeId(n.type, taken);
    taken.add(id);
    rename.set(n.id, id);
    return { ...n, id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const takenEdges = edgeIds(doc);
  const edges: Edge[] = clip.edges.map((e) => {
    const id = freshEdgeId(takenEdges);
    takenEdges.add(id);
    return { id, from: { ...e.from, node: rename.get(e.from.node) ?? e.from.node }, to: { ...e.to, node: rename.get(e.to.node) ?? e.to.node } };
  });
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}

/**
 * The first spot near `start` that no node covers, scanning outwards row by row, so nodes added by
 * click or Enter land side by side instead of on top of each other.
 */
export function freeSpot(doc: PipelineDocument, start: { x: number; y: number }): { x: number; y: number } {
  const [w, h] = [250, 170];
  const taken = (x: number, y: number) => doc.nodes.some((n) => Math.abs(n.position.x - x) < w && Math.abs(n.position.y - y) < h);
  for (let ring = 0; ring < 6; ring++) {
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const spot = { x: start.x + dx * w, y: start.y + dy * h };
        if (!taken(spot.x, spot.y)) return spot;
      }
    }
  }
  return start;
}

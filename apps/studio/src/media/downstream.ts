import type { PipelineDocument, PreviewSummary } from "@attune/graph";
import type { PreviewState } from "@/editor/use-live-preview";

/** Ids of every node fed, directly or not, by `nodeId` (not including it). */
export function downstreamOf(doc: PipelineDocument, nodeId: string): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
  const seen = new Set<string>();
  const stack = [...(next.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return seen;
}

export type PreviewOf<K extends PreviewSummary["kind"]> = Extract<PreviewSummary, { kind: K }>;

/** Previews of one kind among `ids`, in document order, with their node ids. */
export function previewsOfKind<K extends PreviewSummary["kind"]>(
  doc: PipelineDocument,
  preview: PreviewState,
  ids: Set<string>,
  kind: K,
): { nodeId: string; type: string; preview: PreviewOf<K> }[] {
  const found: { nodeId: string; type: string; preview: PreviewOf<K> }[] = [];
  for (const node of doc.nodes) {
    if (!ids.has(node.id)) continue;
    const p = preview.nodes[node.id]?.preview;
    if (p && p.kind === kind) found.push({ nodeId: node.id, type: node.type, preview: p as PreviewOf<K> });
  }
  return found;
}

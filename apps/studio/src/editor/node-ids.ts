import type { PipelineDocument } from "@attune/graph";

/**
 * Readable, stable node ids (`sentiment-2`): they appear in validation messages, JSON paths and
 * test selectors, so a short name beats a UUID.
 */
export function freshNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = (type.split(".")[1] ?? type).replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 40) || "node";
  for (let n = 1; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

export function freshEdgeId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `e-${Math.random().toString(36).slice(2, 10)}`;
    if (!taken.has(id)) return id;
  }
}

export function nodeIds(doc: PipelineDocument): Set<string> {
  return new Set(doc.nodes.map((n) => n.id));
}

export function edgeIds(doc: PipelineDocument): Set<string> {
  return new Set(doc.edges.map((e) => e.id));
}

import { canConnect, type PipelineDocument } from "@attune/graph";
import { specRegistry } from "../lib/specs";

/** A connection in React Flow's terms (source = an output, target = an input). */
export interface FlowConnection {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether an output may feed an input, with the reason when not. The canvas refuses exactly what
 * validate() would flag: port types through the shared canConnect, plus self-loops and cycles.
 */
export function judgeConnection(doc: PipelineDocument, c: FlowConnection): ConnectionVerdict {
  const from = doc.nodes.find((n) => n.id === c.source);
  const to = doc.nodes.find((n) => n.id === c.target);
  if (!from || !to) return { ok: false, reason: "one end of this connection no longer exists" };
  const fromSpec = specRegistry.get(from.type);
  const toSpec = specRegistry.get(to.type);
  const out = fromSpec?.outputs.find((p) => p.id === c.sourceHandle);
  const input = toSpec?.inputs.find((p) => p.id === c.targetHandle);
  if (!out || !input) return { ok: false, reason: "unknown port" };
  const typed = canConnect(out.type, input.accepts);
  if (!typed.ok) return { ok: false, reason: `${fromSpec?.title ?? from.type} → ${toSpec?.title ?? to.type} ${input.label}: ${typed.reason}` };
  if (from.id === to.id) return { ok: false, reason: "a node cannot feed itself" };
  if (reaches(doc, to.id, from.id)) return { ok: false, reason: "this connection would create a cycle" };
  return { ok: true };
}

/** Whether `target` is downstream of `start` along existing edges. */
function reaches(doc: PipelineDocument, start: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.from.node === id) stack.push(e.to.node);
  }
  return false;
}

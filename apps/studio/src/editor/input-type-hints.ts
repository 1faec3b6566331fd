import { TAXONOMIES, TAXONOMY_LABELS, type PipelineDocument, type PortType, type SpecLookup, type Taxonomy } from "@attune/graph";

/** What feeds one input port: the upstream node, its output port and that port's type. */
export interface UpstreamPort {
  nodeId: string;
  port: string;
  type: PortType;
}

/** The output port wired into `nodeId`'s input `port`, if any (an input takes one edge). */
export function upstreamOf(doc: PipelineDocument, specs: SpecLookup, nodeId: string, port: string): UpstreamPort | undefined {
  const edge = doc.edges.find((e) => e.to.node === nodeId && e.to.port === port);
  if (!edge) return undefined;
  const source = doc.nodes.find((n) => n.id === edge.from.node);
  const out = source ? specs.get(source.type)?.outputs.find((o) => o.id === edge.from.port) : undefined;
  return out ? { nodeId: edge.from.node, port: edge.from.port, type: out.type } : undefined;
}

const ANY_TAXONOMY = TAXONOMIES.map((t) => JSON.stringify(t)).join(" | ");

function scoresType(taxonomy: Taxonomy | undefined): string {
  const labels = taxonomy ? TAXONOMY_LABELS[taxonomy].map((l) => JSON.stringify(l)).join(" | ") : "string";
  return `{ taxonomy: ${taxonomy ? JSON.stringify(taxonomy) : ANY_TAXONOMY}; calibrated: boolean; scores: Record<${labels}, number> }`;
}

/**
 * The TypeScript type of a value arriving from a port of this type, as the code node sees it: plain
 * JSON. Types the code node cannot take, or whose shape is open (`json`, `any`), are `unknown`.
 */
export function tsTypeOfPort(type: PortType): string {
  if (type.startsWith("scores:")) {
    const taxonomy = type.slice("scores:".length);
    return scoresType((TAXONOMIES as readonly string[]).includes(taxonomy) ? (taxonomy as Taxonomy) : undefined);
  }
  switch (type) {
    case "text":
      return "string";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "valence-arousal":
      return "{ valence: number; arousal: number }";
    case "action":
      return "{ name: string; reason: string; detail?: Record<string, unknown> } | null";
    default:
      return "unknown";
  }
}

/**
 * A declaration file for the code node's Monaco model: `input` typed from what is wired into it, and
 * the few globals the QuickJS sandbox offers (console.log; no DOM, timers, require or fetch).
 */
export function codeInputDeclaration(upstream: UpstreamPort | undefined): { type: string; source: string; dts: string } {
  const type = upstream ? tsTypeOfPort(upstream.type) : "undefined";
  const source = upstream ? `'${upstream.nodeId}' port '${upstream.port}' (${upstream.type})` : "nothing: the Input port is not connected";
  const dts = [
    "/** The value on the code node's Input port, as JSON. */",
    `/** From ${source}. */`,
    `declare const input: ${type};`,
    "/** Writes to the run log (the sandbox has no other output channel). */",
    "declare const console: { log(...values: unknown[]): void; warn(...values: unknown[]): void; error(...values: unknown[]): void };",
    "",
  ].join("\n");
  return { type, source, dts };
}

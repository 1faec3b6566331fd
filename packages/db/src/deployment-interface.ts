import type { Plan, SpecLookup } from "@attune/graph";

/**
 * The caller-facing shape of a published pipeline: which named inputs a request carries and which
 * named outputs the response returns. Derived once at publish time from the compiled plan and
 * stored with the deployment version, so validation, the OpenAPI document and the studio's
 * "describe" all read the same frozen answer even after node specs change.
 */
export type EndpointInputType = "text" | "number" | "image" | "audio" | "json";

export interface EndpointInput {
  name: string;
  /** The plan node that reads this input (never shown to callers; used to attribute node errors). */
  nodeId: string;
  type: EndpointInputType;
  /**
   * Text and number inputs are always required: a published API that silently fell back to the
   * preview sample would hide a caller's typo. An image or audio input is optional only when the
   * pipeline still produces every output without it (a late-fusion node that tolerates a missing
   * modality), because then leaving it out is a meaningful request.
   */
  required: boolean;
  /** From the input node's preview sample, when it has one. */
  example?: string | number;
  /** Text inputs: the input node's own character limit (longer values are answered with 413). */
  maxChars?: number;
  /** Image and audio inputs: the input node's byte limit. */
  maxBytes?: number;
}

export interface EndpointOutput {
  name: string;
  nodeId: string;
  /** The port type of whatever feeds the output node (e.g. `scores:sentiment3`, `number`). */
  portType: string;
}

export interface EndpointInterface {
  inputs: EndpointInput[];
  outputs: EndpointOutput[];
}

const INPUT_TYPES = new Set<EndpointInputType>(["text", "number", "image", "audio"]);

/** Derives the endpoint interface from a compiled plan and the node specs it was compiled with. */
export function describePlanInterface(plan: Plan, specs: SpecLookup): EndpointInterface {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const inputs: EndpointInput[] = [];
  for (const [name, nodeId] of Object.entries(plan.inputs)) {
    const node = byId.get(nodeId);
    const portType = node ? specs.get(node.type)?.outputs[0]?.type : undefined;
    const type: EndpointInputType = portType && INPUT_TYPES.has(portType as EndpointInputType) ? (portType as EndpointInputType) : "json";
    const params = node?.params ?? {};
    const input: EndpointInput = { name, nodeId, type, required: true };
    if (type === "text") {
      if (typeof params.sample === "string" && params.sample !== "") input.example = params.sample;
      if (typeof params.maxChars === "number") input.maxChars = params.maxChars;
    } else if (type === "number") {
      if (typeof params.sample === "number" && Number.isFinite(params.sample)) input.example = params.sample;
    } else if (type === "image" || type === "audio") {
      if (typeof params.maxBytes === "number") input.maxBytes = params.maxBytes;
      input.required = losesAnOutput(plan, specs, nodeId);
    }
    inputs.push(input);
  }
  const outputs: EndpointOutput[] = Object.entries(plan.outputs).map(([name, nodeId]) => ({
    name,
    nodeId,
    portType: outputPortType(byId, specs, nodeId),
  }));
  inputs.sort((a, b) => a.name.localeCompare(b.name));
  outputs.sort((a, b) => a.name.localeCompare(b.name));
  return { inputs, outputs };
}

/**
 * Would a failure of `failedNodeId` skip any output node? Mirrors the runtime's rule: a node is
 * skipped when an upstream node failed or was skipped, unless the port reading it tolerates that.
 */
function losesAnOutput(plan: Plan, specs: SpecLookup, failedNodeId: string): boolean {
  const lost = new Set([failedNodeId]);
  // plan.nodes is in topological order, so one pass sees every upstream node first.
  for (const node of plan.nodes) {
    if (lost.has(node.id)) continue;
    const spec = specs.get(node.type);
    for (const [portId, source] of Object.entries(node.inputs)) {
      if (!lost.has(source.node)) continue;
      const tolerates = spec?.inputs.find((p) => p.id === portId)?.tolerateMissing === true;
      if (!tolerates) {
        lost.add(node.id);
        break;
      }
    }
  }
  return Object.values(plan.outputs).some((id) => lost.has(id));
}

function outputPortType(byId: Map<string, Plan["nodes"][number]>, specs: SpecLookup, outputNodeId: string): string {
  const node = byId.get(outputNodeId);
  if (!node) return "any";
  const [source] = Object.values(node.inputs);
  if (!source) {
    // An output node with its own output port (not fed by anything) reports that port's type.
    return specs.get(node.type)?.outputs[0]?.type ?? "any";
  }
  const upstream = byId.get(source.node);
  const type = upstream ? specs.get(upstream.type)?.outputs.find((p) => p.id === source.port)?.type : undefined;
  return type ?? "any";
}

/** Parses a stored interface; the row was written by describePlanInterface, so this only guards shape. */
export function parseEndpointInterface(text: string): EndpointInterface {
  const value = JSON.parse(text) as EndpointInterface;
  if (!Array.isArray(value.inputs) || !Array.isArray(value.outputs)) throw new Error("stored endpoint interface is malformed");
  return value;
}

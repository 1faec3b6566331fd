import type { InputPortSpec, NodeCheckIssue, NodeSpec, OutputPortSpec } from "./define-node";
import { formatPath, type Edge, type NodeInstance, type PipelineDocument } from "./document";
import type { SpecLookup, ValidationIssue } from "./plan";
import { canConnect, type PortType } from "./port-types";
import { responsibleUseIssues } from "./responsible-use";

/**
 * Shared by validate() and compile() so compile does not parse every node's params twice.
 * Not re-exported from the package index: the public surface is validate/compile/resolveParams.
 */

/** Outcome of resolving one node instance's params against its spec. */
export type ResolvedParams =
  | { ok: true; params: Record<string, unknown> }
  | { ok: false; issues: ValidationIssue[] };

/** The parts of a spec that resolveParams reads; any NodeSpec or NodeDefinition fits. */
export type ParamsSpec = Pick<NodeSpec, "type" | "version" | "params" | "migrate">;

/**
 * Upgrades an instance's saved params to the spec's version (via `migrate`) and parses them with
 * the spec's zod schema so defaults are filled in. Used by compile() and by the studio inspector,
 * so both see exactly the same params. Never mutates the instance.
 */
export function resolveParams(
  instance: Pick<NodeInstance, "id" | "version" | "params">,
  spec: ParamsSpec,
): ResolvedParams {
  const nodeId = instance.id;
  let raw: Record<string, unknown> = instance.params;
  if (instance.version > spec.version) {
    return fail({
      code: "VERSION_UNSUPPORTED",
      severity: "error",
      nodeId,
      message: `node was saved by ${spec.type} v${instance.version}, but only v${spec.version} is installed`,
    });
  }
  if (instance.version < spec.version) {
    if (!spec.migrate) {
      return fail({
        code: "VERSION_UNSUPPORTED",
        severity: "error",
        nodeId,
        message: `${spec.type} v${instance.version} params cannot be upgraded to v${spec.version}: the node has no migration`,
      });
    }
    try {
      // A clone, so that a careless migrate cannot edit the document it was handed.
      raw = spec.migrate(structuredClone(instance.params), instance.version);
    } catch (error) {
      return fail({
        code: "PARAM_INVALID",
        severity: "error",
        nodeId,
        message: `upgrading params from v${instance.version} to v${spec.version} failed: ${errorMessage(error)}`,
      });
    }
  }
  const parsed = spec.params.safeParse(raw);
  if (parsed.success) return { ok: true, params: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue): ValidationIssue => {
      const paramPath = issue.path.length > 0 ? formatPath(issue.path) : undefined;
      return {
        code: "PARAM_INVALID",
        severity: "error",
        nodeId,
        ...(paramPath !== undefined ? { paramPath } : {}),
        message: paramPath !== undefined ? `${paramPath}: ${issue.message}` : issue.message,
      };
    }),
  };
}

function fail(issue: ValidationIssue): ResolvedParams {
  return { ok: false, issues: [issue] };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One document node with what analysis learnt about it. */
export interface AnalyzedNode {
  instance: NodeInstance;
  /** Position in the document; ties in the topological order are broken by it. */
  index: number;
  spec: NodeSpec<any> | undefined;
  params: Record<string, unknown> | undefined;
}

export interface Analysis {
  issues: ValidationIssue[];
  /** First node per id, in document order. */
  nodes: Map<string, AnalyzedNode>;
  /** Target node id -> input port id -> the first edge into it. */
  inputsOf: Map<string, Map<string, Edge>>;
  /** Nodes from which an output-role node is reachable (output nodes included). */
  live: Set<string>;
  hasOutputNode: boolean;
}

interface PortMaps {
  inputs: Map<string, InputPortSpec>;
  outputs: Map<string, OutputPortSpec>;
}

// Keyed by spec object so a 1,000-node graph with ten node types builds ten maps, not a thousand.
const portMapCache = new WeakMap<object, PortMaps>();

function portMaps(spec: NodeSpec<any>): PortMaps {
  let maps = portMapCache.get(spec);
  if (!maps) {
    maps = {
      inputs: new Map(spec.inputs.map((p) => [p.id, p])),
      outputs: new Map(spec.outputs.map((p) => [p.id, p])),
    };
    portMapCache.set(spec, maps);
  }
  return maps;
}

/** Finds every problem in a document in one pass over nodes and edges (plus a linear cycle search). */
export function analyze(doc: PipelineDocument, registry: SpecLookup): Analysis {
  const issues: ValidationIssue[] = [];
  const nodes = new Map<string, AnalyzedNode>();
  const inputNames = new Map<string, string>();
  const outputNames = new Map<string, string>();
  let hasOutputNode = false;

  doc.nodes.forEach((instance, index) => {
    if (nodes.has(instance.id)) {
      issues.push({
        code: "DUPLICATE_ID",
        severity: "error",
        nodeId: instance.id,
        message: `node id '${instance.id}' is used by more than one node`,
      });
      return;
    }
    const spec = registry.get(instance.type);
    const entry: AnalyzedNode = { instance, index, spec, params: undefined };
    nodes.set(instance.id, entry);
    if (!spec) {
      issues.push({
        code: "UNKNOWN_NODE_TYPE",
        severity: "error",
        nodeId: instance.id,
        message: `unknown node type '${instance.type}'`,
      });
      return;
    }
    if (spec.role === "output") hasOutputNode = true;
    const resolved = resolveParams(instance, spec);
    if (!resolved.ok) {
      issues.push(...resolved.issues);
      return;
    }
    entry.params = resolved.params;
    if (spec.role) {
      const name = resolved.params["name"];
      if (typeof name === "string") {
        const names = spec.role === "output" ? outputNames : inputNames;
        const other = names.get(name);
        if (other === undefined) names.set(name, instance.id);
        else {
          issues.push({
            code: spec.role === "output" ? "DUPLICATE_OUTPUT_NAME" : "DUPLICATE_INPUT_NAME",
            severity: "error",
            nodeId: instance.id,
            message: `${spec.role} name '${name}' is already used by node '${other}'`,
          });
        }
      }
    }
  });

  const edgeIds = new Set<string>();
  const inputsOf = new Map<string, Map<string, Edge>>();
  // Structural adjacency between existing nodes, for cycles and liveness, whatever the ports say.
  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  for (const edge of doc.edges) {
    if (edgeIds.has(edge.id)) {
      issues.push({
        code: "DUPLICATE_ID",
        severity: "error",
        edgeId: edge.id,
        message: `edge id '${edge.id}' is used by more than one edge`,
      });
      continue;
    }
    edgeIds.add(edge.id);
    const from = nodes.get(edge.from.node);
    const to = nodes.get(edge.to.node);
    if (!from || !to) {
      const missing = [!from ? edge.from.node : undefined, !to ? edge.to.node : undefined].filter((x) => x !== undefined);
      issues.push({
        code: "DANGLING_EDGE",
        severity: "error",
        edgeId: edge.id,
        ...(to ? { nodeId: to.instance.id, portId: edge.to.port } : {}),
        message: `edge '${edge.id}' refers to missing node${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(" and ")}`,
      });
      continue;
    }
    pushTo(successors, edge.from.node, edge.to.node);
    pushTo(predecessors, edge.to.node, edge.from.node);

    const outPort = from.spec ? portMaps(from.spec).outputs.get(edge.from.port) : undefined;
    const inPort = to.spec ? portMaps(to.spec).inputs.get(edge.to.port) : undefined;
    if (from.spec && !outPort) {
      issues.push({
        code: "UNKNOWN_PORT",
        severity: "error",
        edgeId: edge.id,
        nodeId: edge.from.node,
        portId: edge.from.port,
        message: `${from.spec.type} has no output port '${edge.from.port}'`,
      });
    }
    if (to.spec && !inPort) {
      issues.push({
        code: "UNKNOWN_PORT",
        severity: "error",
        edgeId: edge.id,
        nodeId: edge.to.node,
        portId: edge.to.port,
        message: `${to.spec.type} has no input port '${edge.to.port}'`,
      });
    }
    if (inPort) {
      let ports = inputsOf.get(edge.to.node);
      if (!ports) inputsOf.set(edge.to.node, (ports = new Map()));
      const existing = ports.get(edge.to.port);
      if (existing) {
        issues.push({
          code: "DUPLICATE_INPUT_EDGE",
          severity: "error",
          edgeId: edge.id,
          nodeId: edge.to.node,
          portId: edge.to.port,
          message: `input '${inPort.label}' already has a connection (edge '${existing.id}'); an input takes one edge`,
        });
      } else {
        ports.set(edge.to.port, edge);
      }
    }
    if (outPort && inPort) {
      const verdict = canConnect(outPort.type, inPort.accepts);
      if (!verdict.ok) {
        issues.push({
          code: "PORT_TYPE_MISMATCH",
          severity: "error",
          edgeId: edge.id,
          nodeId: edge.to.node,
          portId: edge.to.port,
          message: `'${edge.from.node}.${edge.from.port}' -> '${edge.to.node}.${edge.to.port}': ${verdict.reason}`,
        });
      }
    }
  }

  for (const entry of nodes.values()) {
    if (!entry.spec) continue;
    const connected = inputsOf.get(entry.instance.id);
    for (const port of entry.spec.inputs) {
      if (port.optional || connected?.has(port.id)) continue;
      issues.push({
        code: "MISSING_REQUIRED_INPUT",
        severity: "error",
        nodeId: entry.instance.id,
        portId: port.id,
        message: `required input '${port.label}' is not connected`,
      });
    }
  }

  // Node-level checks that need every connected input at once (e.g. one taxonomy across all the
  // inputs of a fusion node); each node states its own rule through its spec.
  for (const entry of nodes.values()) {
    const { spec, params } = entry;
    if (!spec?.validateConnections || !params) continue;
    const connected: Record<string, PortType> = {};
    for (const [portId, edge] of inputsOf.get(entry.instance.id) ?? []) {
      const fromSpec = nodes.get(edge.from.node)?.spec;
      const outPort = fromSpec ? portMaps(fromSpec).outputs.get(edge.from.port) : undefined;
      if (outPort) connected[portId] = outPort.type;
    }
    let found: NodeCheckIssue[];
    try {
      found = spec.validateConnections(connected, params);
    } catch (error) {
      found = [{ code: "PARAM_INVALID", message: `connection check failed: ${errorMessage(error)}` }];
    }
    for (const issue of found) {
      issues.push({
        code: issue.code,
        severity: issue.severity ?? "error",
        nodeId: entry.instance.id,
        ...(issue.portId !== undefined ? { portId: issue.portId } : {}),
        message: issue.message,
      });
    }
  }

  const cycles = findCycles(nodes, successors);
  for (const cycle of cycles) {
    const shown = [...cycle, cycle[0]!].map((id) => `'${id}'`).join(" -> ");
    issues.push({
      code: "CYCLE",
      severity: "error",
      nodeId: cycle[0]!,
      nodeIds: cycle,
      message: `the graph has a cycle: ${shown}`,
    });
  }

  issues.push(...responsibleUseIssues(doc, nodes));

  if (!hasOutputNode) {
    issues.push({ code: "NO_OUTPUT", severity: "error", message: "the pipeline has no output node, so nothing would run" });
  }

  const live = new Set<string>();
  const stack: string[] = [];
  for (const entry of nodes.values()) {
    if (entry.spec?.role === "output") {
      live.add(entry.instance.id);
      stack.push(entry.instance.id);
    }
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const pred of predecessors.get(id) ?? []) {
      if (!live.has(pred)) {
        live.add(pred);
        stack.push(pred);
      }
    }
  }

  // A half-built branch that feeds no output is pruned by compile(), so its problems must not
  // stop the live preview of the rest: they are reported as warnings instead.
  if (hasOutputNode) {
    for (const issue of issues) {
      if (issue.severity !== "error") continue;
      if (isDead(issue, live)) issue.severity = "warning";
    }
  }

  return { issues, nodes, inputsOf, live, hasOutputNode };
}

function isDead(issue: ValidationIssue, live: Set<string>): boolean {
  switch (issue.code) {
    case "DUPLICATE_ID":
    case "DUPLICATE_INPUT_NAME":
    case "DUPLICATE_OUTPUT_NAME":
    case "NO_OUTPUT":
      return false;
    case "CYCLE":
      return (issue.nodeIds ?? []).every((id) => !live.has(id));
    case "DANGLING_EDGE":
      // Only the target decides: an edge into a live node that has lost its source starves it.
      return issue.nodeId === undefined || !live.has(issue.nodeId);
    default:
      return issue.nodeId !== undefined && !live.has(issue.nodeId);
  }
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Tarjan's strongly connected components (iterative, so a long chain cannot overflow the stack),
 * then one concrete cycle per component, so the message can name the nodes in order.
 */
function findCycles(nodes: Map<string, AnalyzedNode>, successors: Map<string, string[]>): string[][] {
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of nodes.keys()) {
    if (indexOf.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    indexOf.set(root, counter);
    low.set(root, counter);
    counter++;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = successors.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++]!;
        if (!indexOf.has(w)) {
          indexOf.set(w, counter);
          low.set(w, counter);
          counter++;
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, indexOf.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === indexOf.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        const selfLoop = component.length === 1 && succ.includes(frame.id);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }

  return components
    .map((component) => {
      const members = new Set(component);
      // Start from the member that comes first in the document so the message is stable.
      let start = component[0]!;
      for (const id of component) if (nodes.get(id)!.index < nodes.get(start)!.index) start = id;
      return shortestCycle(start, members, successors);
    })
    .sort((a, b) => nodes.get(a[0]!)!.index - nodes.get(b[0]!)!.index);
}

function shortestCycle(start: string, members: Set<string>, successors: Map<string, string[]>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    for (const next of successors.get(id) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [id];
        let cur = id;
        while (cur !== start) {
          cur = parent.get(cur)!;
          path.push(cur);
        }
        return path.reverse();
      }
      if (!parent.has(next) && next !== start) {
        parent.set(next, id);
        queue.push(next);
      }
    }
  }
  return [start];
}

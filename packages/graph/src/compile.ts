import { analyze, errorMessage, type AnalyzedNode } from "./analyze";
import type { PipelineDocument } from "./document";
import { canonicalJson, sha256Hex } from "./hash";
import type { CompileResult, Plan, PlanNode, SpecLookup, ValidationIssue } from "./plan";

/**
 * Turns an editor document into the execution plan. Pure and deterministic: the same document
 * and registry always give the same plan and the same keys. Validates first; any error-severity
 * issue means no plan, warnings (problems in pruned branches) are returned alongside it.
 *
 * The plan holds only nodes from which an output-role node is reachable, in topological order;
 * among nodes that are ready at the same time, document order wins, so a plan does not reshuffle
 * when an unrelated node is added. Runs in O((n + e) log n).
 */
export function compile(doc: PipelineDocument, registry: SpecLookup): CompileResult {
  const analysis = analyze(doc, registry);
  if (analysis.issues.some((i) => i.severity === "error")) return { ok: false, issues: analysis.issues };
  const warnings = analysis.issues;

  // Live nodes, in document order.
  const live: AnalyzedNode[] = [];
  for (const entry of analysis.nodes.values()) if (analysis.live.has(entry.instance.id)) live.push(entry);

  const pending = new Map<string, number>();
  const dependants = new Map<string, AnalyzedNode[]>();
  for (const entry of live) {
    const ports = analysis.inputsOf.get(entry.instance.id);
    pending.set(entry.instance.id, ports ? ports.size : 0);
    if (!ports) continue;
    for (const edge of ports.values()) {
      const list = dependants.get(edge.from.node);
      if (list) list.push(entry);
      else dependants.set(edge.from.node, [entry]);
    }
  }

  const ready = new IndexHeap();
  for (const entry of live) if (pending.get(entry.instance.id) === 0) ready.push(entry);

  const nodes: PlanNode[] = [];
  const keyOf = new Map<string, string>();
  const outputs: Record<string, string> = {};
  const inputs: Record<string, string> = {};
  const problems: ValidationIssue[] = [];

  for (let entry = ready.pop(); entry; entry = ready.pop()) {
    const { instance, spec, params } = entry;
    // analyze() reported an error for any live node without a spec or params, so these hold.
    if (!spec || !params) throw new Error(`compile: node '${instance.id}' passed validation unresolved`);

    const planInputs: PlanNode["inputs"] = {};
    const ports = analysis.inputsOf.get(instance.id);
    // The key source is exactly canonicalJson({type, version, params, inputs}) with inputs mapping
    // port -> "<upstream cacheKey>:<upstream port>", written out by hand because building and
    // sorting the wrapper objects was a large share of compile time.
    let keyInputs = "{";
    if (ports) {
      const names = [...ports.keys()].sort();
      for (const port of names) {
        const edge = ports.get(port)!;
        planInputs[port] = { node: edge.from.node, port: edge.from.port };
        if (keyInputs.length > 1) keyInputs += ",";
        keyInputs += `${JSON.stringify(port)}:${JSON.stringify(`${keyOf.get(edge.from.node)}:${edge.from.port}`)}`;
      }
    }
    keyInputs += "}";

    let cacheKey: string;
    try {
      const paramsJson = canonicalJson(params);
      cacheKey = sha256Hex(`{"inputs":${keyInputs},"params":${paramsJson},"type":${JSON.stringify(spec.type)},"version":${canonicalJson(spec.version)}}`);
    } catch (error) {
      // A params schema that produces values JSON cannot express (NaN, Map, ...) cannot be keyed.
      problems.push({
        code: "PARAM_INVALID",
        severity: "error",
        nodeId: instance.id,
        message: `params cannot be serialised: ${errorMessage(error)}`,
      });
      cacheKey = "";
    }
    keyOf.set(instance.id, cacheKey);

    const node: PlanNode = {
      id: instance.id,
      type: spec.type,
      version: spec.version,
      params,
      inputs: planInputs,
      cacheKey,
      cacheable: spec.cacheable ?? true,
    };
    if (spec.role) {
      node.role = spec.role;
      const name = params["name"];
      if (typeof name === "string") (spec.role === "output" ? outputs : inputs)[name] = instance.id;
    }
    nodes.push(node);

    for (const dependant of dependants.get(instance.id) ?? []) {
      const left = pending.get(dependant.instance.id)! - 1;
      pending.set(dependant.instance.id, left);
      if (left === 0) ready.push(dependant);
    }
  }

  if (problems.length > 0) return { ok: false, issues: [...warnings, ...problems] };
  // analyze() reports every cycle among live nodes as an error, so the sort always completes.
  if (nodes.length !== live.length) throw new Error("compile: topological sort did not complete");

  const planKey = sha256Hex(planKeySource(nodes, outputs, inputs));
  const plan: Plan = { nodes, outputs, inputs, planKey };
  return { ok: true, plan, warnings };
}

/**
 * What the plan key covers: every node's id, content key, role, cacheability and wiring, plus the
 * boundary names. Written by hand rather than as canonical JSON because this string is large
 * (about 100 bytes per node) and was a fifth of the compile time. Ids and port ids cannot contain
 * the separators (idSchema), so the encoding is unambiguous for valid documents.
 */
function planKeySource(nodes: PlanNode[], outputs: Record<string, string>, inputs: Record<string, string>): string {
  let out = canonicalJson({ outputs, inputs });
  for (const n of nodes) {
    out += `\n${n.id} ${n.cacheKey} ${n.role ?? "-"} ${n.cacheable ? 1 : 0}`;
    for (const port of Object.keys(n.inputs).sort()) {
      const src = n.inputs[port]!;
      out += ` ${port}=${src.node}.${src.port}`;
    }
  }
  return out;
}

/** Binary min-heap on document index: picks the earliest ready node in O(log n). */
class IndexHeap {
  private readonly items: AnalyzedNode[] = [];

  push(item: AnalyzedNode): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (items[p]!.index <= item.index) break;
      items[i] = items[p]!;
      i = p;
    }
    items[i] = item;
  }

  pop(): AnalyzedNode | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      const c = r < items.length && items[r]!.index < items[l]!.index ? r : l;
      if (items[c]!.index >= last.index) break;
      items[i] = items[c]!;
      i = c;
    }
    items[i] = last;
    return top;
  }
}

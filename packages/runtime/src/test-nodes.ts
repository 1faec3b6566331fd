import { compile, defineNode, NodeRegistry, type NodeDefinition, type PipelineDocument, type Plan } from "@attune/graph";
import { z } from "zod";

/**
 * Tiny node definitions for runtime tests. Behaviour is steered by params so each test wires what
 * it needs; `calls` counts real executions per node id so cache tests can see what re-ran.
 */
export function makeNodes() {
  const calls = new Map<string, number>();
  const count = (id: string) => calls.set(id, (calls.get(id) ?? 0) + 1);
  /** Per node id, a hook a test can install to control a run (gates, hangs, ...). */
  const hooks = new Map<string, (signal: AbortSignal) => Promise<void>>();

  const input = defineNode(
    {
      type: "core.input", version: 1, family: "core", title: "Input", description: "Reads a run input.", role: "input",
      inputs: [], outputs: [{ id: "value", label: "Value", type: "text" }],
      params: z.object({ name: z.string().default("text") }),
    },
    {
      run: async (_inputs, params, ctx) => {
        count(ctx.nodeId);
        return { value: ctx.runInputs[params.name] };
      },
      example: { inputs: {}, runInputs: { text: "hi" } },
    },
  );

  const output = defineNode(
    {
      type: "core.output", version: 1, family: "core", title: "Output", description: "Names a result field.", role: "output",
      inputs: [{ id: "value", label: "Value", accepts: "any" }], outputs: [],
      params: z.object({ name: z.string().default("result") }),
    },
    {
      run: async (_inputs, _params, ctx) => {
        count(ctx.nodeId);
        return {};
      },
      example: { inputs: { value: 1 } },
    },
  );

  // Text -> text transform: appends a suffix, optionally throws or waits on a hook.
  const transform = defineNode(
    {
      type: "core.transform", version: 1, family: "core", title: "Transform", description: "Test transform.",
      inputs: [{ id: "text", label: "Text", accepts: "any" }, { id: "other", label: "Other", accepts: "any", optional: true }],
      outputs: [{ id: "text", label: "Text", type: "text" }],
      params: z.object({ suffix: z.string().default("!"), fail: z.string().optional() }),
    },
    {
      run: async (inputs, params, ctx) => {
        count(ctx.nodeId);
        const hook = hooks.get(ctx.nodeId);
        if (hook) await hook(ctx.signal);
        if (params.fail !== undefined) throw Object.assign(new Error(params.fail), { code: "TEST_FAILURE" });
        const other = inputs["other"] === undefined ? "" : `+${String(inputs["other"])}`;
        return { text: `${String(inputs["text"])}${other}${params.suffix}` };
      },
      example: { inputs: { text: "a" } },
    },
  );

  // Stateful: counts how often it ran in this session; never cached.
  const counter = defineNode(
    {
      type: "state.counter", version: 1, family: "state", title: "Counter", description: "Counts turns.", cacheable: false,
      inputs: [{ id: "text", label: "Text", accepts: "any" }], outputs: [{ id: "count", label: "Count", type: "number" }],
      params: z.object({ every: z.number().int().positive().default(1) }),
    },
    {
      run: async (_inputs, params, ctx) => {
        count(ctx.nodeId);
        const seen = (ctx.state.get<number>("seen") ?? 0) + 1;
        ctx.state.set("seen", seen);
        return { count: Math.floor(seen / params.every) };
      },
      example: { inputs: { text: "a" } },
    },
  );

  // Tries to edit its input in place, which the runtime must not allow to leak upstream.
  const mutator = defineNode(
    {
      type: "core.mutator", version: 1, family: "core", title: "Mutator", description: "Misbehaves.",
      inputs: [{ id: "value", label: "Value", accepts: "any" }], outputs: [{ id: "value", label: "Value", type: "json" }],
      params: z.object({}),
    },
    {
      run: async (inputs) => {
        (inputs["value"] as { items: string[] }).items.push("mutated");
        return { value: inputs["value"] };
      },
      example: { inputs: { value: { items: [] } } },
    },
  );

  const wrapper = defineNode(
    {
      type: "core.wrap", version: 1, family: "core", title: "Wrap", description: "Wraps text in an object.",
      inputs: [{ id: "text", label: "Text", accepts: "any" }], outputs: [{ id: "value", label: "Value", type: "json" }],
      params: z.object({}),
    },
    {
      run: async (inputs, _params, ctx) => {
        count(ctx.nodeId);
        return { value: { items: [String(inputs["text"])] } };
      },
      preview: (outputs) => ({ kind: "text", text: `wrapped ${JSON.stringify(outputs["value"])}`, truncated: false }),
      example: { inputs: { text: "a" } },
    },
  );

  const registry = new NodeRegistry<NodeDefinition<any>>([input, output, transform, counter, mutator, wrapper]);
  return { registry, calls, hooks };
}

type NodeSketch = [id: string, type: string, params?: Record<string, unknown>];

/** Document from `[id, type, params]` nodes and `"a.port -> b.port"` edges. */
export function sketch(nodes: NodeSketch[], edges: string[]): PipelineDocument {
  return {
    schemaVersion: 1,
    nodes: nodes.map(([id, type, params], i) => ({ id, type, version: 1, params: params ?? {}, position: { x: i, y: 0 } })),
    edges: edges.map((edge, i) => {
      const [from, to] = edge.split("->").map((s) => s.trim().split(".")) as [[string, string], [string, string]];
      return { id: `e${i}`, from: { node: from[0], port: from[1] }, to: { node: to[0], port: to[1] } };
    }),
  };
}

export function planOf(doc: PipelineDocument, registry: NodeRegistry<NodeDefinition<any>>): Plan {
  const result = compile(doc, registry);
  if (!result.ok) throw new Error(`test pipeline does not compile: ${JSON.stringify(result.issues)}`);
  return result.plan;
}

/** A promise plus its resolver, for gates between test and node. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

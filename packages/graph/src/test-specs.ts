import { z } from "zod";
import { defineNodeSpec } from "./define-node";
import type { PipelineDocument } from "./document";
import { NodeRegistry } from "./registry";

/**
 * Tiny node specs for graph tests and benchmarks. Not exported from the package index: real
 * nodes live in nodes/<family>.
 */
export const textInput = defineNodeSpec({
  type: "core.input",
  version: 1,
  family: "core",
  title: "Text input",
  description: "Reads a run input by name.",
  role: "input",
  inputs: [],
  outputs: [{ id: "value", label: "Value", type: "text" }],
  params: z.object({ name: z.string().min(1).default("text") }),
});

export const output = defineNodeSpec({
  type: "core.output",
  version: 1,
  family: "core",
  title: "Output",
  description: "Names a field of the result.",
  role: "output",
  inputs: [{ id: "value", label: "Value", accepts: "any" }],
  outputs: [],
  params: z.object({ name: z.string().min(1).default("result") }),
});

export const sentiment = defineNodeSpec({
  type: "nlp.sentiment",
  version: 1,
  family: "nlp",
  title: "Sentiment",
  description: "Text to sentiment3 scores.",
  inputs: [{ id: "text", label: "Text", accepts: "text" }],
  outputs: [{ id: "scores", label: "Scores", type: "scores:sentiment3" }],
  params: z.object({ smoothing: z.number().min(0).max(1).default(0.1) }),
});

export const emotion = defineNodeSpec({
  type: "nlp.emotion",
  version: 1,
  family: "nlp",
  title: "Emotion",
  description: "Text to ekman7 scores.",
  inputs: [{ id: "text", label: "Text", accepts: "text" }],
  outputs: [{ id: "scores", label: "Scores", type: "scores:ekman7" }],
  params: z.object({}),
});

export const ekmanOnly = defineNodeSpec({
  type: "fusion.ekman-mean",
  version: 1,
  family: "fusion",
  title: "Ekman mean",
  description: "Averages two ekman7 scores; the second is optional.",
  inputs: [
    { id: "a", label: "A", accepts: "scores:ekman7" },
    { id: "b", label: "B", accepts: "scores:ekman7", optional: true },
  ],
  outputs: [{ id: "scores", label: "Scores", type: "scores:ekman7" }],
  params: z.object({}),
});

export const threshold = defineNodeSpec({
  type: "policy.threshold",
  version: 2,
  family: "policy",
  title: "Threshold",
  description: "Fires an action when a label's score passes a level.",
  inputs: [{ id: "scores", label: "Scores", accepts: ["scores:any", "number"] }],
  outputs: [{ id: "action", label: "Action", type: "action" }],
  params: z.object({
    label: z.string().default("negative"),
    level: z.number().min(0).max(1).default(0.7),
    tags: z.array(z.string()).default([]),
  }),
  // v1 called the level `min` and stored it as a percentage.
  migrate: (params, fromVersion) => {
    if (fromVersion !== 1) return params;
    const { min, ...rest } = params;
    return typeof min === "number" ? { ...rest, level: min / 100 } : rest;
  },
});

export const legacy = defineNodeSpec({
  type: "core.legacy",
  version: 3,
  family: "core",
  title: "Legacy",
  description: "Has no migrate, so older instances cannot be upgraded.",
  inputs: [{ id: "value", label: "Value", accepts: "any", optional: true }],
  outputs: [{ id: "value", label: "Value", type: "json" }],
  params: z.object({}),
});

export const mood = defineNodeSpec({
  type: "state.mood",
  version: 1,
  family: "state",
  title: "Mood",
  description: "Stateful: never cached.",
  cacheable: false,
  inputs: [{ id: "scores", label: "Scores", accepts: "scores:any" }],
  outputs: [{ id: "scores", label: "Scores", type: "scores:sentiment3" }],
  params: z.object({ decay: z.number().default(0.9) }),
});

export const testRegistry = new NodeRegistry([textInput, output, sentiment, emotion, ekmanOnly, threshold, legacy, mood]);

type NodeSketch = { id: string; type: string; params?: Record<string, unknown>; version?: number };
type EdgeSketch = [from: string, to: string, id?: string];

/** Builds a document from `node.port` edge shorthands, e.g. `["in.value", "s.text"]`. */
export function doc(nodes: NodeSketch[], edges: EdgeSketch[] = []): PipelineDocument {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n, i) => ({
      id: n.id,
      type: n.type,
      version: n.version ?? testRegistry.get(n.type)?.version ?? 1,
      params: n.params ?? {},
      position: { x: i * 10, y: 0 },
    })),
    edges: edges.map(([from, to, id], i) => {
      const [fn, fp] = from.split(".") as [string, string];
      const [tn, tp] = to.split(".") as [string, string];
      return { id: id ?? `e${i}`, from: { node: fn, port: fp }, to: { node: tn, port: tp } };
    }),
  };
}

/**
 * A layered DAG of about `size` nodes with realistic fan-in: a few inputs, a layer of emotion
 * nodes, layers of two-input fusion nodes each reading two nodes of the previous layer, then a
 * binary reduction into one output. Every node feeds the output, so nothing is pruned. Used by the
 * compile test and the compile benchmark.
 */
export function layeredDocument(size: number): PipelineDocument {
  const nodes: NodeSketch[] = [];
  const edges: EdgeSketch[] = [];
  const inputCount = Math.max(1, Math.floor(size / 50));
  const width = Math.max(2, Math.floor(size / 12));
  for (let i = 0; i < inputCount; i++) nodes.push({ id: `in${i}`, type: "core.input", params: { name: `text${i}` } });
  let frontier: string[] = [];
  for (let i = 0; i < width; i++) {
    const id = `emo${i}`;
    nodes.push({ id, type: "nlp.emotion" });
    edges.push([`in${i % inputCount}.value`, `${id}.text`]);
    frontier.push(id);
  }
  let n = 0;
  const mix = (a: string, b: string | undefined): string => {
    const id = `mix${n++}`;
    nodes.push({ id, type: "fusion.ekman-mean" });
    edges.push([`${a}.scores`, `${id}.a`]);
    if (b !== undefined) edges.push([`${b}.scores`, `${id}.b`]);
    return id;
  };
  // Reserve room for the reduction (width - 1 nodes) and the output node.
  while (nodes.length + width + width <= size) {
    const prev = frontier;
    frontier = prev.map((a, j) => mix(a, prev[(j + 1) % prev.length]));
  }
  // A partial layer whose nodes join the frontier brings the total to exactly `size`.
  const budget = size - nodes.length - 1 - (frontier.length - 1);
  const partial = Math.floor(budget / 2);
  const prev = frontier;
  for (let j = 0; j < partial; j++) frontier = [...frontier, mix(prev[j % prev.length]!, prev[(j + 2) % prev.length])];
  if (budget % 2 === 1) nodes.push({ id: "out2", type: "core.output", params: { name: "side" } });
  if (budget % 2 === 1) edges.push([`${prev[0]}.scores`, "out2.value"]);
  // Pairwise reduction through a queue: exactly frontier.length - 1 nodes.
  const queue = [...frontier];
  for (let head = 0; head + 1 < queue.length; head += 2) queue.push(mix(queue[head]!, queue[head + 1]));
  nodes.push({ id: "out", type: "core.output", params: { name: "result" } });
  edges.push([`${queue[queue.length - 1]}.scores`, "out.value"]);
  return doc(nodes, edges);
}

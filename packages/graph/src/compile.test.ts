import { describe, expect, it } from "vitest";
import { compile } from "./compile";
import { canonicalJson, sha256Hex } from "./hash";
import type { PipelineDocument } from "./document";
import type { Plan } from "./plan";
import { doc, layeredDocument, testRegistry } from "./test-specs";

function planOf(d: PipelineDocument): Plan {
  const result = compile(d, testRegistry);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.plan;
}

// Two branches from one input; "draft" feeds nothing and must be pruned.
const branching = () =>
  doc(
    [
      { id: "out", type: "core.output", params: { name: "mood" } },
      { id: "draft", type: "nlp.sentiment" },
      { id: "e", type: "nlp.emotion" },
      { id: "in", type: "core.input", params: { name: "utterance" } },
      { id: "s", type: "nlp.sentiment", params: { smoothing: 0.3 } },
      { id: "t", type: "policy.threshold" },
      { id: "act", type: "core.output", params: { name: "action" } },
    ],
    [
      ["in.value", "s.text"],
      ["in.value", "e.text"],
      ["in.value", "draft.text"],
      ["e.scores", "out.value"],
      ["s.scores", "t.scores"],
      ["t.action", "act.value"],
    ],
  );

describe("compile", () => {
  it("orders nodes topologically, breaking ties by document order, and prunes what feeds no output", () => {
    const plan = planOf(branching());
    expect(plan.nodes.map((n) => n.id)).toEqual(["in", "e", "out", "s", "t", "act"]);
  });

  it("resolves params with defaults and maps inputs to their upstream node and port", () => {
    const plan = planOf(branching());
    const t = plan.nodes.find((n) => n.id === "t")!;
    expect(t.params).toEqual({ label: "negative", level: 0.7, tags: [] });
    expect(t.inputs).toEqual({ scores: { node: "s", port: "scores" } });
    expect(plan.nodes.find((n) => n.id === "s")!.params).toEqual({ smoothing: 0.3 });
  });

  it("names the run's inputs and outputs and carries roles and cacheability", () => {
    const plan = planOf(branching());
    expect(plan.outputs).toEqual({ mood: "out", action: "act" });
    expect(plan.inputs).toEqual({ utterance: "in" });
    expect(plan.nodes.find((n) => n.id === "in")!.role).toBe("input");
    expect(plan.nodes.find((n) => n.id === "e")!.role).toBeUndefined();
    expect(plan.nodes.every((n) => n.cacheable)).toBe(true);

    const d = doc(
      [{ id: "in", type: "core.input" }, { id: "s", type: "nlp.sentiment" }, { id: "m", type: "state.mood" }, { id: "o", type: "core.output" }],
      [["in.value", "s.text"], ["s.scores", "m.scores"], ["m.scores", "o.value"]],
    );
    expect(planOf(d).nodes.find((n) => n.id === "m")!.cacheable).toBe(false);
  });

  it("keys each node by sha256 of canonical JSON of type, version, params and upstream keys", () => {
    const plan = planOf(branching());
    const s = plan.nodes.find((n) => n.id === "s")!;
    const input = plan.nodes.find((n) => n.id === "in")!;
    expect(input.cacheKey).toBe(sha256Hex(canonicalJson({ type: "core.input", version: 1, params: { name: "utterance" }, inputs: {} })));
    expect(s.cacheKey).toBe(
      sha256Hex(canonicalJson({ type: "nlp.sentiment", version: 1, params: { smoothing: 0.3 }, inputs: { text: `${input.cacheKey}:value` } })),
    );
  });

  it("changes the cache key of an edited node and its descendants only", () => {
    const before = planOf(branching());
    const edited = branching();
    edited.nodes.find((n) => n.id === "s")!.params = { smoothing: 0.5 };
    const after = planOf(edited);
    const changed = after.nodes.filter((n, i) => n.cacheKey !== before.nodes[i]!.cacheKey).map((n) => n.id);
    expect(changed).toEqual(["s", "t", "act"]);
    expect(after.planKey).not.toBe(before.planKey);
  });

  it("keys by content: moving nodes, relabelling them or saving defaults explicitly changes nothing", () => {
    const base = planOf(branching());
    const moved = branching();
    for (const n of moved.nodes) n.position = { x: n.position.x + 100, y: 42 };
    moved.nodes[0]!.label = "Mood out";
    moved.nodes.find((n) => n.id === "t")!.params = { level: 0.7, label: "negative" };
    const again = planOf(moved);
    expect(again.nodes.map((n) => n.cacheKey)).toEqual(base.nodes.map((n) => n.cacheKey));
    expect(again.planKey).toBe(base.planKey);
  });

  it("keys rewiring: the same nodes fed from a different port or node get a different key", () => {
    const a = doc(
      [{ id: "i1", type: "core.input", params: { name: "a" } }, { id: "i2", type: "core.input", params: { name: "b" } }, { id: "e", type: "nlp.emotion" }, { id: "o", type: "core.output" }],
      [["i1.value", "e.text"], ["e.scores", "o.value"]],
    );
    const b = structuredClone(a);
    b.edges[0]!.from.node = "i2";
    const pa = planOf(a);
    const pb = planOf(b);
    expect(pa.nodes.find((n) => n.id === "e")!.cacheKey).not.toBe(pb.nodes.find((n) => n.id === "e")!.cacheKey);
    expect(pa.planKey).not.toBe(pb.planKey);
  });

  it("is deterministic and does not touch the document", () => {
    const d = branching();
    const frozen = structuredClone(d);
    expect(planOf(d)).toEqual(planOf(d));
    expect(d).toEqual(frozen);
  });

  it("refuses to compile when validation finds an error", () => {
    const d = branching();
    d.nodes.find((n) => n.id === "t")!.params = { level: 7 };
    const result = compile(d, testRegistry);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => [i.code, i.nodeId])).toEqual([["PARAM_INVALID", "t"]]);
  });

  it("compiles around a broken draft branch and passes its warnings through", () => {
    const d = branching();
    d.nodes.find((n) => n.id === "draft")!.params = { smoothing: 4 };
    const result = compile(d, testRegistry);
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({ code: "PARAM_INVALID", nodeId: "draft", severity: "warning" }),
    ]);
  });

  it("compiles a 1,000-node layered graph into a valid topological order", () => {
    const d = layeredDocument(1000);
    expect(d.nodes).toHaveLength(1000);
    const plan = planOf(d);
    expect(plan.nodes).toHaveLength(1000);
    const position = new Map(plan.nodes.map((n, i) => [n.id, i]));
    for (const node of plan.nodes) {
      for (const src of Object.values(node.inputs)) expect(position.get(src.node)!).toBeLessThan(position.get(node.id)!);
    }
    // Content addressing: two emotion nodes reading the same input compute the same thing.
    const key = (id: string) => plan.nodes.find((n) => n.id === id)!.cacheKey;
    expect(key("emo0")).toBe(key("emo20"));
    expect(key("emo0")).not.toBe(key("emo1"));
  });
});

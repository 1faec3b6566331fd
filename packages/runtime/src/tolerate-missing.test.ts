import { defineNode, NodeRegistry, type NodeDefinition } from "@attune/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { execute } from "./execute";
import { MemoryResultCache } from "./result-cache";
import { makeNodes, planOf, sketch } from "./test-nodes";

// Joins whatever arrived on `a` and `b`; `b` tolerates a failed upstream, `a` does not.
const join = defineNode(
  {
    type: "core.join", version: 1, family: "core", title: "Join", description: "Joins what arrived.",
    inputs: [
      { id: "a", label: "A", accepts: "any" },
      { id: "b", label: "B", accepts: "any", optional: true, tolerateMissing: true },
    ],
    outputs: [{ id: "text", label: "Text", type: "text" }],
    params: z.object({}),
  },
  {
    run: async (inputs) => ({ text: `${String(inputs["a"])}|${inputs["b"] === undefined ? "-" : String(inputs["b"])}` }),
    example: { inputs: { a: "x" } },
  },
);

// Reads the run's clock.
const clock = defineNode(
  {
    type: "core.clock", version: 1, family: "core", title: "Clock", description: "ctx.now()", cacheable: false,
    inputs: [{ id: "value", label: "Value", accepts: "any" }],
    outputs: [{ id: "value", label: "Value", type: "number" }],
    params: z.object({}),
  },
  { run: async (_inputs, _params, ctx) => ({ value: ctx.now!() }), example: { inputs: { value: 1 } } },
);

function registryWithJoin() {
  const { registry } = makeNodes();
  return new NodeRegistry<NodeDefinition<any>>([...registry.list(), join, clock]);
}

describe("tolerateMissing input ports", () => {
  const doc = (failB: boolean, failA = false) =>
    sketch(
      [
        ["in", "core.input"],
        ["a", "core.transform", failA ? { fail: "a broke" } : { suffix: "A" }],
        ["b", "core.transform", failB ? { fail: "b broke" } : { suffix: "B" }],
        ["bb", "core.transform", { suffix: "+" }],
        ["j", "core.join"],
        ["out", "core.output"],
      ],
      ["in.value -> a.text", "in.value -> b.text", "b.text -> bb.text", "a.text -> j.a", "bb.text -> j.b", "j.text -> out.value"],
    );

  it("runs the node with the port undefined when its upstream failed, even two hops up", async () => {
    const registry = registryWithJoin();
    const result = await execute(planOf(doc(true), registry), { registry, inputs: { text: "hi" } });
    expect(result.nodes["b"]!.status).toBe("failed");
    // bb has no tolerance: skipped, naming b. j tolerates the skipped bb and still runs.
    expect(result.nodes["bb"]).toMatchObject({ status: "skipped", skippedBecause: "b" });
    expect(result.nodes["j"]).toMatchObject({ status: "ok", outputs: { text: "hiA|-" } });
    expect(result.nodes["j"]!.skippedBecause).toBeUndefined();
    expect(result.outputs).toEqual({ result: "hiA|-" });
    expect(result.status).toBe("partial");
  });

  it("still skips the node when a port without tolerance loses its upstream", async () => {
    const registry = registryWithJoin();
    const result = await execute(planOf(doc(false, true), registry), { registry, inputs: { text: "hi" } });
    expect(result.nodes["j"]).toMatchObject({ status: "skipped", skippedBecause: "a" });
    expect(result.nodes["out"]!.status).toBe("skipped");
  });

  it("behaves as before when nothing fails, and keeps caching correct after a failure", async () => {
    const registry = registryWithJoin();
    const cache = new MemoryResultCache(100);
    const ok = await execute(planOf(doc(false), registry), { registry, inputs: { text: "hi" }, cache });
    expect(ok.outputs).toEqual({ result: "hiA|hiB+" });
    const failed = await execute(planOf(doc(true), registry), { registry, inputs: { text: "hi" }, cache });
    expect(failed.outputs).toEqual({ result: "hiA|-" });
    const again = await execute(planOf(doc(false), registry), { registry, inputs: { text: "hi" }, cache });
    expect(again.outputs).toEqual({ result: "hiA|hiB+" });
  });
});

describe("ctx.now()", () => {
  const doc = sketch(
    [["in", "core.input"], ["c", "core.clock"], ["out", "core.output"]],
    ["in.value -> c.value", "c.value -> out.value"],
  );

  it("is the injected clock when the caller passes one", async () => {
    const registry = registryWithJoin();
    const result = await execute(planOf(doc, registry), { registry, inputs: { text: "x" }, now: () => 1234 });
    expect(result.outputs).toEqual({ result: 1234 });
  });

  it("is wall-clock time otherwise", async () => {
    const registry = registryWithJoin();
    const before = Date.now();
    const result = await execute(planOf(doc, registry), { registry, inputs: { text: "x" } });
    const t = result.outputs["result"] as number;
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});

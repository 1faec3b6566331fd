import { runEventSchema, type RunContext, type RunEvent } from "@attune/graph";
import { describe, expect, it } from "vitest";
import { execute } from "./execute";
import { MemoryResultCache } from "./result-cache";
import { MemorySessionStateStore } from "./session-state";
import { deferred, makeNodes, planOf, sketch } from "./test-nodes";

// in -> a -> b -> out, plus in -> c -> out2: two result fields from one input.
const twoBranches = (params: { a?: Record<string, unknown>; c?: Record<string, unknown> } = {}) =>
  sketch(
    [
      ["in", "core.input"],
      ["a", "core.transform", { suffix: "A", ...params.a }],
      ["b", "core.transform", { suffix: "B" }],
      ["out", "core.output", { name: "main" }],
      ["c", "core.transform", { suffix: "C", ...params.c }],
      ["out2", "core.output", { name: "side" }],
    ],
    ["in.value -> a.text", "a.text -> b.text", "b.text -> out.value", "in.value -> c.text", "c.text -> out2.value"],
  );

function collector() {
  const events: RunEvent[] = [];
  return { events, onEvent: (e: RunEvent) => void events.push(e) };
}

describe("execute", () => {
  it("runs the plan and returns each output node's input value as a result field", async () => {
    const { registry } = makeNodes();
    const result = await execute(planOf(twoBranches(), registry), { registry, inputs: { text: "hi" } });
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual({ main: "hiAB", side: "hiC" });
    expect(result.nodes["b"]).toMatchObject({ status: "ok", cached: false, outputs: { text: "hiAB" } });
  });

  it("emits schema-valid events in order: run-started, per node started -> finished -> preview, run-finished", async () => {
    const { registry } = makeNodes();
    const plan = planOf(twoBranches(), registry);
    const { events, onEvent } = collector();
    const result = await execute(plan, { registry, inputs: { text: "hi" }, runId: "run-1", onEvent });

    for (const event of events) expect(runEventSchema.safeParse(event).success, JSON.stringify(event)).toBe(true);
    expect(events.every((e) => e.runId === "run-1")).toBe(true);
    expect(events[0]).toMatchObject({ type: "run-started", nodeIds: plan.nodes.map((n) => n.id) });
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "ok", outputs: result.outputs });
    for (const node of plan.nodes) {
      const mine = events.filter((e) => "nodeId" in e && e.nodeId === node.id).map((e) => e.type);
      expect(mine, node.id).toEqual(["node-started", "node-finished", "preview"]);
    }
    // A node never starts before everything it reads has finished.
    const at = (type: string, id: string) => events.findIndex((e) => e.type === type && "nodeId" in e && e.nodeId === id);
    expect(at("node-finished", "a")).toBeLessThan(at("node-started", "b"));
    expect(at("node-finished", "in")).toBeLessThan(at("node-started", "c"));
  });

  it("uses a node's own preview, and the generic summary otherwise", async () => {
    const { registry } = makeNodes();
    const doc = sketch(
      [["in", "core.input"], ["w", "core.wrap"], ["t", "core.transform"], ["o", "core.output"], ["o2", "core.output", { name: "x" }]],
      ["in.value -> w.text", "w.value -> o.value", "in.value -> t.text", "t.text -> o2.value"],
    );
    const { events, onEvent } = collector();
    await execute(planOf(doc, registry), { registry, inputs: { text: "hey" }, onEvent });
    const preview = (id: string) => events.find((e) => e.type === "preview" && e.nodeId === id);
    expect(preview("w")).toMatchObject({ preview: { kind: "text", text: 'wrapped {"items":["hey"]}' } });
    expect(preview("t")).toMatchObject({ preview: { kind: "text", text: "hey!", truncated: false } });
    // Output nodes have no output ports: they preview the value they receive.
    expect(preview("o2")).toMatchObject({ preview: { kind: "text", text: "hey!" } });
  });

  it("isolates a failing node: it reports its error, its descendants are skipped, siblings finish", async () => {
    const { registry, calls } = makeNodes();
    const plan = planOf(twoBranches({ a: { fail: "model exploded" } }), registry);
    const { events, onEvent } = collector();
    const result = await execute(plan, { registry, inputs: { text: "hi" }, onEvent });

    expect(result.status).toBe("partial");
    expect(result.outputs).toEqual({ side: "hiC" });
    expect(result.nodes["a"]).toMatchObject({ status: "failed", error: { message: "model exploded", code: "TEST_FAILURE" } });
    expect(result.nodes["b"]).toMatchObject({ status: "skipped", skippedBecause: "a" });
    expect(result.nodes["out"]).toMatchObject({ status: "skipped", skippedBecause: "a" });
    expect(result.nodes["c"]!.status).toBe("ok");
    expect(calls.get("b")).toBeUndefined();

    expect(events.find((e) => e.type === "node-failed")).toMatchObject({ nodeId: "a", error: { message: "model exploded" } });
    const skipped = events.filter((e) => e.type === "node-skipped");
    expect(skipped.map((e) => e.nodeId)).toEqual(["b", "out"]);
    for (const e of skipped) expect(e.type === "node-skipped" && e.reason).toContain("'a'");
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "partial" });
  });

  it("reports a failed run when no output survives", async () => {
    const { registry } = makeNodes();
    const doc = sketch([["in", "core.input"], ["a", "core.transform", { fail: "nope" }], ["o", "core.output"]], ["in.value -> a.text", "a.text -> o.value"]);
    const result = await execute(planOf(doc, registry), { registry, inputs: { text: "x" } });
    expect(result.status).toBe("failed");
    expect(result.outputs).toEqual({});
  });

  it("skips a node with two upstreams when one fails, even if the other finishes later", async () => {
    const { registry, hooks, calls } = makeNodes();
    const slow = deferred();
    hooks.set("slow", () => slow.promise);
    const doc = sketch(
      [["in", "core.input"], ["bad", "core.transform", { fail: "x" }], ["slow", "core.transform"], ["join", "core.transform"], ["o", "core.output"]],
      ["in.value -> bad.text", "in.value -> slow.text", "bad.text -> join.text", "slow.text -> join.other", "join.text -> o.value"],
    );
    const running = execute(planOf(doc, registry), { registry, inputs: { text: "x" } });
    await new Promise((r) => setTimeout(r, 0));
    slow.resolve();
    const result = await running;
    expect(result.nodes["slow"]!.status).toBe("ok");
    expect(result.nodes["join"]).toMatchObject({ status: "skipped", skippedBecause: "bad" });
    expect(calls.get("join")).toBeUndefined();
  });

  it("runs independent branches concurrently", async () => {
    const { registry, hooks } = makeNodes();
    // Each branch waits until both have started: sequential execution would never get there.
    const started = { a: deferred(), c: deferred() };
    hooks.set("a", async () => {
      started.a.resolve();
      await started.c.promise;
    });
    hooks.set("c", async () => {
      started.c.resolve();
      await started.a.promise;
    });
    const result = await execute(planOf(twoBranches(), registry), { registry, inputs: { text: "hi" }, nodeTimeoutMs: 5_000 });
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual({ main: "hiAB", side: "hiC" });
  });

  it("cancels midway: running nodes see the abort, unfinished nodes are cancelled, the run resolves", async () => {
    const { registry, hooks, calls } = makeNodes();
    const controller = new AbortController();
    const inside = deferred();
    let sawAbort = false;
    // "a" honours the signal; "c" ignores it and never settles.
    hooks.set("a", (signal) => {
      inside.resolve();
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          sawAbort = true;
          reject(signal.reason);
        }),
      );
    });
    hooks.set("c", () => new Promise(() => {}));
    const { events, onEvent } = collector();
    const running = execute(planOf(twoBranches(), registry), { registry, inputs: { text: "hi" }, signal: controller.signal, onEvent });
    await inside.promise;
    controller.abort();
    const result = await running;

    expect(result.status).toBe("cancelled");
    expect(sawAbort).toBe(true);
    expect(result.nodes["in"]!.status).toBe("ok");
    for (const id of ["a", "b", "out", "c", "out2"]) expect(result.nodes[id]!.status, id).toBe("cancelled");
    expect(result.nodes["a"]!.error).toMatchObject({ code: "CANCELLED" });
    expect(calls.get("b")).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "cancelled" });
    expect(events.filter((e) => e.type === "node-failed").map((e) => e.nodeId).sort()).toEqual(["a", "c"]);
    expect(events.filter((e) => e.type === "node-skipped").map((e) => e.nodeId)).toEqual(["b", "out", "out2"]);
    for (const event of events) expect(runEventSchema.safeParse(event).success).toBe(true);
  });

  it("runs nothing when the signal is already aborted", async () => {
    const { registry, calls } = makeNodes();
    const result = await execute(planOf(twoBranches(), registry), { registry, inputs: { text: "hi" }, signal: AbortSignal.abort() });
    expect(result.status).toBe("cancelled");
    expect(calls.size).toBe(0);
    expect(Object.values(result.nodes).every((n) => n.status === "cancelled")).toBe(true);
  });

  it("fails a node past its time limit with TIMEOUT, even if it ignores the signal", async () => {
    const { registry, hooks } = makeNodes();
    let signalSeen: AbortSignal | undefined;
    hooks.set("a", (signal) => {
      signalSeen = signal;
      return new Promise(() => {}); // never settles, never looks at the signal
    });
    const result = await execute(planOf(twoBranches(), registry), { registry, inputs: { text: "hi" }, nodeTimeoutMs: 25 });
    expect(result.status).toBe("partial");
    expect(result.nodes["a"]).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } });
    expect(result.nodes["b"]).toMatchObject({ status: "skipped", skippedBecause: "a" });
    expect(result.outputs).toEqual({ side: "hiC" });
    expect(signalSeen?.aborted).toBe(true);
    expect((signalSeen?.reason as DOMException).name).toBe("TimeoutError");
  });

  it("re-runs only the edited node and its descendants after a params edit", async () => {
    const { registry, calls } = makeNodes();
    const cache = new MemoryResultCache();
    const first = await execute(planOf(twoBranches(), registry), { registry, inputs: { text: "hi" }, cache });
    expect(first.outputs).toEqual({ main: "hiAB", side: "hiC" });
    expect([...calls.values()].every((n) => n === 1)).toBe(true);

    calls.clear();
    const { events, onEvent } = collector();
    const second = await execute(planOf(twoBranches({ a: { suffix: "Z" } }), registry), { registry, inputs: { text: "hi" }, cache, onEvent });
    expect(second.outputs).toEqual({ main: "hiZB", side: "hiC" });
    expect([...calls.keys()].sort()).toEqual(["a", "b", "out"]);
    expect(second.nodes["c"]!.cached).toBe(true);
    expect(events.find((e) => e.type === "node-finished" && e.nodeId === "c")).toMatchObject({ cached: true });
    // Cached nodes still preview, so the canvas shows every node's value.
    expect(events.filter((e) => e.type === "preview")).toHaveLength(6);
  });

  it("re-runs only what depends on a changed run input, and nothing for a repeat", async () => {
    const { registry, calls } = makeNodes();
    const cache = new MemoryResultCache();
    const doc = sketch(
      [["t", "core.input", { name: "text" }], ["u", "core.input", { name: "user" }], ["a", "core.transform"], ["b", "core.transform"], ["o", "core.output", { name: "a" }], ["o2", "core.output", { name: "b" }]],
      ["t.value -> a.text", "u.value -> b.text", "a.text -> o.value", "b.text -> o2.value"],
    );
    const plan = planOf(doc, registry);
    await execute(plan, { registry, inputs: { text: "hi", user: "ann" }, cache });
    calls.clear();
    const same = await execute(plan, { registry, inputs: { text: "hi", user: "ann" }, cache });
    expect(calls.size).toBe(0);
    expect(same.outputs).toEqual({ a: "hi!", b: "ann!" });

    const changed = await execute(plan, { registry, inputs: { text: "hi", user: "bob" }, cache });
    expect(changed.outputs).toEqual({ a: "hi!", b: "bob!" });
    expect([...calls.keys()].sort()).toEqual(["b", "o2", "u"]);

    // Going back to an earlier input is a cache hit again.
    calls.clear();
    await execute(plan, { registry, inputs: { text: "hi", user: "ann" }, cache });
    expect(calls.size).toBe(0);
  });

  it("keys binary run inputs (media bytes) by content, not by object identity", async () => {
    const { registry, calls } = makeNodes();
    const cache = new MemoryResultCache();
    const plan = planOf(sketch([["in", "core.input", { name: "image" }], ["o", "core.output"]], ["in.value -> o.value"]), registry);
    const run = (bytes: Uint8Array) => execute(plan, { registry, inputs: { image: { bytes, mimeType: "image/png" } }, cache });
    await run(new Uint8Array([1, 2, 3]));
    await run(new Uint8Array([1, 2, 3]));
    expect(calls.get("in")).toBe(1);
    await run(new Uint8Array([1, 2, 4]));
    expect(calls.get("in")).toBe(2);
  });

  it("always runs uncacheable nodes, and re-runs their dependants only when their output changes", async () => {
    const { registry, calls } = makeNodes();
    const cache = new MemoryResultCache();
    const state = new MemorySessionStateStore();
    const doc = sketch(
      [["in", "core.input"], ["n", "state.counter", { every: 2 }], ["t", "core.transform"], ["o", "core.output"]],
      ["in.value -> n.text", "n.count -> t.text", "t.text -> o.value"],
    );
    const plan = planOf(doc, registry);
    const run = () => execute(plan, { registry, inputs: { text: "same" }, cache, state, sessionId: "s1" });
    const outputs: unknown[] = [];
    const tCalls: number[] = [];
    for (let i = 0; i < 4; i++) {
      outputs.push((await run()).outputs["result"]);
      tCalls.push(calls.get("t") ?? 0);
    }
    expect(calls.get("n")).toBe(4);
    expect(outputs).toEqual(["0!", "1!", "1!", "2!"]);
    // Counts 0, 1, 1, 2: the third run sees the same count as the second and reuses "t".
    expect(tCalls).toEqual([1, 2, 2, 3]);
  });

  it("keeps per-session state apart", async () => {
    const { registry } = makeNodes();
    const state = new MemorySessionStateStore();
    const doc = sketch([["in", "core.input"], ["n", "state.counter"], ["o", "core.output"]], ["in.value -> n.text", "n.count -> o.value"]);
    const plan = planOf(doc, registry);
    const run = (sessionId: string) => execute(plan, { registry, inputs: { text: "x" }, state, sessionId });
    expect((await run("alice")).outputs["result"]).toBe(1);
    expect((await run("alice")).outputs["result"]).toBe(2);
    expect((await run("bob")).outputs["result"]).toBe(1);
    state.clearSession("alice");
    expect((await run("alice")).outputs["result"]).toBe(1);
    // Without a session, state lasts one run only.
    expect((await execute(plan, { registry, inputs: { text: "x" } })).outputs["result"]).toBe(1);
    expect((await execute(plan, { registry, inputs: { text: "x" } })).outputs["result"]).toBe(1);
  });

  it("does not let a node mutate what another node produced or the caller's inputs", async () => {
    const { registry } = makeNodes();
    const doc = sketch(
      [["in", "core.input"], ["w", "core.wrap"], ["m", "core.mutator"], ["o", "core.output", { name: "wrapped" }], ["o2", "core.output", { name: "mutated" }]],
      ["in.value -> w.text", "w.value -> o.value", "w.value -> m.value", "m.value -> o2.value"],
    );
    const inputs = { text: "x" };
    const result = await execute(planOf(doc, registry), { registry, inputs });
    expect(result.nodes["m"]).toMatchObject({ status: "failed" });
    expect(result.outputs["wrapped"]).toEqual({ items: ["x"] });
    expect(Object.isFrozen(inputs)).toBe(false);
  });

  it("does not freeze objects the caller passed in as run inputs", async () => {
    const { registry } = makeNodes();
    const doc = sketch([["in", "core.input"], ["o", "core.output"]], ["in.value -> o.value"]);
    const payload = { items: ["a"] };
    const result = await execute(planOf(doc, registry), { registry, inputs: { text: payload } });
    expect(result.outputs["result"]).toBe(payload);
    expect(Object.isFrozen(payload)).toBe(false);
  });

  it("leaves the plan untouched, even when a node edits its params", async () => {
    const { registry } = makeNodes();
    const plan = planOf(twoBranches(), registry);
    const before = structuredClone(plan);
    const sneaky = { get: (type: string) => {
      const def = registry.get(type);
      return def && type === "core.transform"
        ? { ...def, run: async (inputs: Record<string, unknown>, params: Record<string, unknown>) => {
            params["suffix"] = "hacked";
            return { text: String(inputs["text"]) };
          } }
        : def;
    } };
    const result = await execute(plan, { registry: sneaky, inputs: { text: "hi" } });
    expect(result.nodes["a"]!.status).toBe("failed");
    expect(plan).toEqual(before);
  });

  it("hands nodes the run's model service, services and session id through ctx", async () => {
    const { registry } = makeNodes();
    const models = { run: async () => ({}) };
    const services = { clock: "test" };
    let seen: unknown[] = [];
    const spy = { get: (type: string) => {
      const def = registry.get(type);
      return def && type === "core.transform"
        ? { ...def, run: async (_inputs: Record<string, unknown>, _params: Record<string, unknown>, ctx: RunContext) => {
            seen = [ctx.models, ctx.services, ctx.sessionId, ctx.nodeId, ctx.runInputs["text"]];
            return { text: "x" };
          } }
        : def;
    } };
    const doc = sketch([["in", "core.input"], ["t", "core.transform"], ["o", "core.output"]], ["in.value -> t.text", "t.text -> o.value"]);
    await execute(planOf(doc, registry), { registry: spy, inputs: { text: "hi" }, models, services, sessionId: "s9" });
    expect(seen).toEqual([models, services, "s9", "t", "hi"]);
  });

  it("fails nodes whose type is not installed and nodes that return something other than port values", async () => {
    const { registry } = makeNodes();
    const plan = planOf(twoBranches(), registry);
    const partialRegistry = { get: (type: string) => (type === "core.transform" ? undefined : registry.get(type)) };
    const result = await execute(plan, { registry: partialRegistry, inputs: { text: "hi" } });
    expect(result.status).toBe("failed");
    expect(result.nodes["a"]).toMatchObject({ status: "failed", error: { code: "UNKNOWN_NODE_TYPE" } });

    const broken = { get: (type: string) => {
      const def = registry.get(type);
      return def && type === "core.transform" ? { ...def, run: async () => "oops" as unknown as Record<string, unknown> } : def;
    } };
    const bad = await execute(plan, { registry: broken, inputs: { text: "hi" } });
    expect(bad.nodes["a"]).toMatchObject({ status: "failed", error: { code: "BAD_OUTPUT" } });
  });

  it("survives an event listener that throws", async () => {
    const { registry } = makeNodes();
    const result = await execute(planOf(twoBranches(), registry), {
      registry,
      inputs: { text: "hi" },
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    expect(result.status).toBe("ok");
  });

  it("finishes an empty plan immediately", async () => {
    const { registry } = makeNodes();
    const result = await execute({ nodes: [], inputs: {}, outputs: {}, planKey: "k" }, { registry, inputs: {} });
    expect(result).toMatchObject({ status: "ok", outputs: {}, nodes: {} });
  });
});

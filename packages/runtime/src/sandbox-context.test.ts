import type { CodeSandbox, RunContext } from "@attune/graph";
import { describe, expect, it } from "vitest";
import { execute } from "./execute";
import { makeNodes, planOf, sketch } from "./test-nodes";

describe("execute: the code sandbox", () => {
  const doc = sketch([["in", "core.input"], ["t", "core.transform"], ["o", "core.output"]], ["in.value -> t.text", "t.text -> o.value"]);

  /** A registry whose transform node reports what it saw as ctx.sandbox. */
  function spying() {
    const { registry } = makeNodes();
    const seen: { sandbox?: CodeSandbox | undefined } = {};
    const spy = { get: (type: string) => {
      const def = registry.get(type);
      return def && type === "core.transform"
        ? { ...def, run: async (_inputs: Record<string, unknown>, _params: Record<string, unknown>, ctx: RunContext) => {
            seen.sandbox = ctx.sandbox;
            return { text: "x" };
          } }
        : def;
    } };
    return { registry, spy, seen };
  }

  it("hands every node the run's sandbox as ctx.sandbox", async () => {
    const { registry, spy, seen } = spying();
    const sandbox: CodeSandbox = { run: async () => ({ outputJson: "null", logs: [] }) };
    const result = await execute(planOf(doc, registry), { registry: spy, inputs: { text: "hi" }, sandbox });
    expect(result.status).toBe("ok");
    expect(seen.sandbox).toBe(sandbox);
  });

  it("leaves ctx.sandbox undefined when none is wired", async () => {
    const { registry, spy, seen } = spying();
    seen.sandbox = { run: async () => ({ outputJson: "null", logs: [] }) };
    await execute(planOf(doc, registry), { registry: spy, inputs: { text: "hi" } });
    expect(seen.sandbox).toBeUndefined();
  });
});

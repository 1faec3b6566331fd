import { describe, expect, it } from "vitest";
import { execute } from "./execute";
import { deferred, makeNodes, planOf, sketch } from "./test-nodes";
import { RunCanceller } from "./types";

const chain = () =>
  sketch(
    [
      ["in", "core.input"],
      ["a", "core.transform", { suffix: "A" }],
      ["out", "core.output", { name: "main" }],
    ],
    ["in.value -> a.text", "a.text -> out.value"],
  );

describe("RunCanceller (the published API's cheap stand-in for an AbortSignal)", () => {
  it("cancels a run midway: the running node's signal aborts and the run resolves cancelled", async () => {
    const { registry, hooks } = makeNodes();
    const inside = deferred();
    let reason: unknown;
    hooks.set("a", (signal) => {
      inside.resolve();
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          reason = signal.reason;
          reject(signal.reason);
        }),
      );
    });
    const canceller = new RunCanceller();
    const running = execute(planOf(chain(), registry), { registry, inputs: { text: "hi" }, canceller });
    await inside.promise;
    canceller.cancel(new Error("client went away"));
    const result = await running;
    expect(result.status).toBe("cancelled");
    expect(result.nodes["a"]).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
    expect((reason as DOMException).name).toBe("AbortError");
    expect((canceller.reason as Error).message).toBe("client went away");
  });

  it("runs nothing when cancelled before the run starts, and a finished run ignores a late cancel", async () => {
    const { registry, calls } = makeNodes();
    const early = new RunCanceller();
    early.cancel();
    const skipped = await execute(planOf(chain(), registry), { registry, inputs: { text: "hi" }, canceller: early });
    expect(skipped.status).toBe("cancelled");
    expect(calls.size).toBe(0);

    const late = new RunCanceller();
    const done = await execute(planOf(chain(), registry), { registry, inputs: { text: "hi" }, canceller: late });
    expect(done).toMatchObject({ status: "ok", outputs: { main: "hiA" } });
    expect(() => late.cancel(new Error("too late"))).not.toThrow();
    expect(late.cancelled).toBe(true);
  });
});

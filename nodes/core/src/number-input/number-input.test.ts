import { describe, expect, it } from "vitest";
import { makeTestContext } from "../testing";
import { numberInput } from "./index";

const params = (p: Record<string, unknown> = {}) => numberInput.params.parse(p);

describe("core.number-input", () => {
  it("reads the run input named by `name`", async () => {
    const out = await numberInput.run({}, params({ name: "rating" }), makeTestContext({ runInputs: { rating: 4.5 } }));
    expect(out).toEqual({ number: 4.5 });
  });

  it("falls back to the sample when the run gives no value", async () => {
    expect(await numberInput.run({}, params({ sample: 3 }), makeTestContext())).toEqual({ number: 3 });
  });

  it("refuses numeric strings, NaN and infinities with a message naming the input", async () => {
    const run = (v: unknown) => numberInput.run({}, params(), makeTestContext({ runInputs: { number: v } }));
    await expect(run("4")).rejects.toThrow("run input 'number' must be a finite number, got string");
    await expect(run(Number.NaN)).rejects.toThrow("got NaN");
    await expect(run(Number.POSITIVE_INFINITY)).rejects.toThrow("must be a finite number");
  });

  it("has defaults that parse from {}", () => {
    expect(params()).toEqual({ name: "number", sample: 0 });
    expect(numberInput.params.safeParse({ name: "a-b" }).success).toBe(false);
  });
});

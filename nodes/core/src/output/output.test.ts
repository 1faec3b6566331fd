import { describe, expect, it } from "vitest";
import { makeTestContext } from "../testing";
import { output } from "./index";

describe("core.output", () => {
  it("passes any value through unchanged as `value`", async () => {
    const value = { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.7, neutral: 0.2, positive: 0.1 } };
    const snapshot = structuredClone(value);
    const out = await output.run({ value }, output.params.parse({}), makeTestContext());
    expect(out).toEqual({ value: snapshot });
    expect(value).toEqual(snapshot);
    expect(await output.run({ value: null }, output.params.parse({}), makeTestContext())).toEqual({ value: null });
  });

  it("names its result field 'result' by default and refuses non-identifier names", () => {
    expect(output.params.parse({})).toEqual({ name: "result" });
    expect(output.params.safeParse({ name: "" }).success).toBe(false);
    expect(output.params.safeParse({ name: "has space" }).success).toBe(false);
  });

  it("is the pipeline's output role and accepts any port type", () => {
    expect(output.role).toBe("output");
    expect(output.inputs).toEqual([expect.objectContaining({ id: "value", accepts: "any" })]);
  });
});

import { actionSchema, previewSummarySchema, type Action, type EmotionScores } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { threshold } from "./index";

const scores = (s: Record<string, number>, taxonomy: EmotionScores["taxonomy"] = "sentiment3"): EmotionScores => ({
  taxonomy,
  calibrated: false,
  scores: s,
});

async function run(value: unknown, params: Record<string, unknown> = {}) {
  const out = await threshold.run({ value }, threshold.params.parse(params), makeTestContext());
  return { action: out.action as Action | null, triggered: out.triggered as boolean };
}

describe("policy.threshold", () => {
  it("escalates when the negative score is above 0.6 by default, with a filled-in reason", async () => {
    const { action, triggered } = await run(scores({ negative: 0.72, neutral: 0.2, positive: 0.08 }));
    expect(triggered).toBe(true);
    expect(actionSchema.parse(action)).toEqual(action);
    expect(action).toEqual({
      name: "escalate",
      reason: "negative 0.72 > 0.6",
      detail: { label: "negative", value: 0.72, op: ">", threshold: 0.6, taxonomy: "sentiment3" },
    });
  });

  it("emits null and triggered=false when the rule does not fire", async () => {
    expect(await run(scores({ negative: 0.3, neutral: 0.5, positive: 0.2 }))).toEqual({ action: null, triggered: false });
  });

  it("reads the configured label from any taxonomy", async () => {
    const ekman = scores({ anger: 0.81, disgust: 0, fear: 0, joy: 0.1, neutral: 0.09, sadness: 0, surprise: 0 }, "ekman7");
    const { action } = await run(ekman, { label: "anger", threshold: 0.8, action: "handoff" });
    expect(action?.name).toBe("handoff");
    expect(action?.reason).toBe("anger 0.81 > 0.8");
  });

  it("compares plain numbers and ignores the label for them", async () => {
    const { action } = await run(-0.7, { label: "anger", op: "<", threshold: -0.5 });
    expect(action?.reason).toBe("value -0.7 < -0.5");
    expect((await run(-0.3, { op: "<", threshold: -0.5 })).triggered).toBe(false);
  });

  it("distinguishes strict and non-strict operators at the boundary", async () => {
    expect((await run(0.6, { op: ">" })).triggered).toBe(false);
    expect((await run(0.6, { op: ">=" })).triggered).toBe(true);
    expect((await run(0.6, { op: "<" })).triggered).toBe(false);
    expect((await run(0.6, { op: "<=" })).triggered).toBe(true);
    expect((await run(0.59, { op: "<" })).triggered).toBe(true);
  });

  it("fills every placeholder of a custom reason template and rounds long decimals", async () => {
    const { action } = await run(scores({ negative: 2 / 3, neutral: 1 / 3, positive: 0 }), {
      reason: "caller sounds upset ({label}={value}, rule {op} {threshold}) -> {action}",
    });
    expect(action?.reason).toBe("caller sounds upset (negative=0.667, rule > 0.6) -> escalate");
    expect(action?.detail?.value).toBe(2 / 3);
  });

  it("refuses unknown placeholders in the reason template when params are validated", () => {
    const result = threshold.params.safeParse({ reason: "{lable} is high" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain("unknown placeholder {lable}");
    expect(threshold.params.safeParse({ op: "==" }).success).toBe(false);
  });

  it("fails with the missing label and the available labels named", async () => {
    await expect(run(scores({ negative: 0.1, neutral: 0.8, positive: 0.1 }), { label: "anger" })).rejects.toThrow(
      "label 'anger' is not in the sentiment3 scores; available labels: negative, neutral, positive",
    );
  });

  it("fails clearly on inputs that are neither a number nor scores", async () => {
    await expect(run("0.9")).rejects.toThrow("input 'value' must be a number or emotion scores");
    await expect(run(Number.NaN)).rejects.toThrow("must be a finite number");
  });

  it("does not mutate its input", async () => {
    const input = scores({ negative: 0.9, neutral: 0.05, positive: 0.05 });
    const before = structuredClone(input);
    await run(input);
    expect(input).toEqual(before);
  });

  it("has defaults that parse from {}", () => {
    expect(threshold.params.parse({})).toEqual({
      label: "negative",
      op: ">",
      threshold: 0.6,
      action: "escalate",
      reason: "{label} {value} {op} {threshold}",
    });
  });

  it("previews the action or its absence", async () => {
    const fired = await threshold.run({ value: 0.9 }, threshold.params.parse({}), makeTestContext());
    const quiet = await threshold.run({ value: 0.1 }, threshold.params.parse({}), makeTestContext());
    const p = threshold.params.parse({});
    expect(previewSummarySchema.parse(threshold.preview!(fired, p))).toEqual({
      kind: "action",
      action: { name: "escalate", reason: "value 0.9 > 0.6" },
    });
    expect(threshold.preview!(quiet, p)).toEqual({ kind: "action", action: null });
  });
});

describe("policy.threshold declared actions", () => {
  it("declares its action as triggered by negative affect only for a high negative or a low positive score", () => {
    const declared = (p: Record<string, unknown>) => threshold.declaredActions!(threshold.params.parse(p))[0]!.trigger;
    expect(declared({})).toBe("negative-affect"); // negative > 0.6
    expect(declared({ label: "anger", op: ">=" })).toBe("negative-affect");
    expect(declared({ label: "joy", op: "<" })).toBe("negative-affect");
    expect(declared({ label: "joy", op: ">" })).toBe("other");
    expect(declared({ label: "negative", op: "<" })).toBe("other");
  });
});

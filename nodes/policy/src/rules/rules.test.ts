import { NodeRegistry, previewSummarySchema, validate, type Action, type EmotionScores, type PipelineDocument, type RunContext } from "@attune/graph";
import { specs as coreSpecs } from "@attune/nodes-core/specs";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { rules } from "./index";

const senti = (negative: number): EmotionScores => ({
  taxonomy: "sentiment3",
  calibrated: false,
  scores: { negative, neutral: Math.max(0, 1 - negative - 0.05), positive: 0.05 },
});

type Out = { action: Action | null; explanation: string; tone: string };

function session(params: Record<string, unknown> = {}) {
  let clock = 5_000_000;
  const ctx: RunContext = { ...makeTestContext({ sessionId: "s" }), now: () => clock };
  const p = rules.params.parse(params);
  return {
    wait(sec: number) {
      clock += sec * 1000;
      return this;
    },
    run: async (inputs: Record<string, unknown>) => (await rules.run(inputs, p, ctx)) as Out,
  };
}

const rule = (over: Record<string, unknown>) => ({ id: "r", when: [{ source: "scores", key: "negative", op: ">", value: 0.6 }], ...over });

describe("policy.rules", () => {
  it("by default sets a calm tone at once and escalates after three upset turns, then cools down", async () => {
    const s = session();
    const t1 = await s.run({ scores: senti(0.8) });
    expect(t1.action).toMatchObject({ name: "set_tone", detail: { rule: "calm-when-negative", tone: "calm" } });
    expect(t1.tone).toBe("calm");
    expect(t1.explanation).toContain("'escalate-upset' holding (negative 0.8 > 0.7) for 1 of 3 turns");
    await s.run({ scores: senti(0.8) });
    const t3 = await s.run({ scores: senti(0.9) });
    expect(t3.action?.name).toBe("escalate_to_human");
    expect(t3.action?.reason).toBe("the caller has been upset for several turns: negative 0.9 > 0.7 for 3 turns");
    expect(t3.explanation).toMatch(/^rule 'escalate-upset' \(priority 100\) fired escalate_to_human: .*'calm-when-negative' also met, lower priority/);
    // Cooldown (300 s): the next upset turn gets the calm tone instead of a second escalation.
    const t4 = await s.wait(10).run({ scores: senti(0.9) });
    expect(t4.action?.name).toBe("set_tone");
    expect(t4.explanation).toContain("'escalate-upset' met but cooling down (290 s left)");
    expect((await s.wait(300).run({ scores: senti(0.9) })).action?.name).toBe("escalate_to_human");
  });

  it("restarts the turn count when the condition breaks", async () => {
    const s = session({ rules: [rule({ forTurns: 2, action: "escalate_to_human" })], hysteresis: 0 });
    await s.run({ scores: senti(0.8) });
    await s.run({ scores: senti(0.1) });
    expect((await s.run({ scores: senti(0.8) })).action).toBeNull();
    expect((await s.run({ scores: senti(0.8) })).action?.name).toBe("escalate_to_human");
  });

  it("requires the condition for forSec seconds of wall time", async () => {
    const s = session({ rules: [rule({ forSec: 20 })] });
    await s.run({ scores: senti(0.8) });
    const early = await s.wait(10).run({ scores: senti(0.8) });
    expect(early.action).toBeNull();
    expect(early.explanation).toContain("10 of 20 s");
    const late = await s.wait(10).run({ scores: senti(0.8) });
    expect(late.action?.reason).toBe("negative 0.8 > 0.6 for 3 turns, 20 s");
  });

  it("fires the highest priority ready rule, the earlier one on a tie", async () => {
    const s = session({
      rules: [
        rule({ id: "low", priority: 1, action: "disclose_ai" }),
        rule({ id: "high", priority: 9, action: "escalate_to_human" }),
        rule({ id: "tie", priority: 9, action: "none" }),
      ],
    });
    const out = await s.run({ scores: senti(0.8) });
    expect(out.action?.detail?.rule).toBe("high");
    expect(out.explanation).toContain("'tie' also met, lower priority than 'high'");
  });

  it("holds an engaged rule within the hysteresis margin and lets go beyond it", async () => {
    const s = session({ rules: [rule({ action: "set_tone", tone: "calm" })], hysteresis: 0.05 });
    expect((await s.run({ scores: senti(0.65) })).action).not.toBeNull();
    expect((await s.run({ scores: senti(0.58) })).action).not.toBeNull(); // 0.58 > 0.55: still engaged
    expect((await s.run({ scores: senti(0.54) })).action).toBeNull(); // fell back past the margin
    expect((await s.run({ scores: senti(0.58) })).action).toBeNull(); // disengaged: needs > 0.6 again
    expect((await s.run({ scores: senti(0.61) })).action).not.toBeNull();
  });

  it("honours a cooldown in turns", async () => {
    const s = session({ rules: [rule({ cooldownTurns: 2 })] });
    const fired = [];
    for (let i = 0; i < 5; i++) fired.push((await s.run({ scores: senti(0.8) })).action !== null);
    expect(fired).toEqual([true, false, false, true, false]);
  });

  it("reads the mood: an empathic tone when mood valence is low, remembered as the session's tone", async () => {
    const s = session({
      rules: [{ id: "low-mood", when: [{ source: "mood", key: "valence", op: "<", value: -0.3 }], action: "set_tone", tone: "empathic" }],
    });
    const out = await s.run({ mood: { valence: -0.5, arousal: 0.2 } });
    expect(out.action).toMatchObject({ name: "set_tone", detail: { tone: "empathic", values: { "mood valence": -0.5 } } });
    const later = await s.run({ mood: { valence: 0.2, arousal: 0 } });
    expect(later.action).toBeNull();
    expect(later.tone).toBe("empathic");
  });

  it("combines conditions on scores and a number (all must hold)", async () => {
    const s = session({
      rules: [{ id: "both", when: [{ source: "scores", key: "negative", op: ">", value: 0.5 }, { source: "value", op: ">=", value: 3 }], action: "escalate_to_human" }],
    });
    expect((await s.run({ scores: senti(0.8), value: 2 })).explanation).toContain("'both' not met (value 2 >= 3 is false)");
    expect((await s.run({ scores: senti(0.8), value: 3 })).action?.reason).toBe("negative 0.8 > 0.5 and value 3 >= 3 for 1 turn");
  });

  it("explains a label the scores do not have, and runs with inputs missing", async () => {
    const s = session({ rules: [rule({ when: [{ source: "scores", key: "anger", op: ">", value: 0.5 }] })] });
    expect((await s.run({ scores: senti(0.9) })).explanation).toContain("no 'anger' in sentiment3 scores");
    expect((await s.run({})).explanation).toBe("no rule fired; 'r' not met (no scores this turn)");
  });

  it("forgets a session after ttlSec", async () => {
    const s = session({ rules: [rule({ forTurns: 2 })], ttlSec: 60 });
    await s.run({ scores: senti(0.8) });
    expect((await s.wait(61).run({ scores: senti(0.8) })).action).toBeNull();
  });

  it("validates its params: set_tone needs a tone, rule ids are unique, defaults parse", () => {
    expect(rules.params.safeParse({ rules: [rule({ action: "set_tone" })] }).success).toBe(false);
    expect(rules.params.safeParse({ rules: [rule({}), rule({})] }).success).toBe(false);
    expect(rules.params.safeParse({ rules: [rule({ action: "Escalate Now" })] }).success).toBe(false);
    const defaults = rules.params.parse({});
    expect(defaults.rules.map((r) => r.id)).toEqual(["escalate-upset", "calm-when-negative"]);
  });

  it("previews the action, or the explanation when nothing fired", async () => {
    const s = session();
    const p = rules.params.parse({});
    const fired = await s.run({ scores: senti(0.9) });
    expect(previewSummarySchema.parse(rules.preview!(fired, p))).toMatchObject({ kind: "action", action: { name: "set_tone" } });
    const quiet = await s.run({ scores: senti(0.1) });
    expect(previewSummarySchema.parse(rules.preview!(quiet, p))).toMatchObject({ kind: "text" });
  });
});

describe("policy.rules in validation", () => {
  const registry = new NodeRegistry([...coreSpecs, rules, {
    ...rules, type: "nlp.fake-ekman", family: "nlp" as const, inputs: [{ id: "text", label: "Text", accepts: "text" as const }],
    outputs: [{ id: "scores", label: "Scores", type: "scores:ekman7" as const }], validateConnections: undefined, declaredActions: undefined,
  }]);
  const doc = (params: Record<string, unknown>, meta?: PipelineDocument["meta"]): PipelineDocument => ({
    schemaVersion: 1,
    nodes: [
      { id: "in", type: "core.text-input", version: 1, params: {}, position: { x: 0, y: 0 } },
      { id: "e", type: "nlp.fake-ekman", version: 1, params: {}, position: { x: 1, y: 0 } },
      { id: "r", type: "policy.rules", version: 1, params, position: { x: 2, y: 0 } },
      { id: "out", type: "core.output", version: 1, params: {}, position: { x: 3, y: 0 } },
    ],
    edges: [
      { id: "e1", from: { node: "in", port: "text" }, to: { node: "e", port: "text" } },
      { id: "e2", from: { node: "e", port: "scores" }, to: { node: "r", port: "scores" } },
      { id: "e3", from: { node: "r", port: "action" }, to: { node: "out", port: "value" } },
    ],
    ...(meta ? { meta } : {}),
  });

  it("warns about labels the connected taxonomy lacks and inputs that are not connected", () => {
    const issues = validate(doc({}), registry);
    // The defaults read sentiment3's 'negative' but ekman7 is wired in.
    expect(issues.filter((i) => i.code === "PARAM_INVALID" && i.severity === "warning")).toHaveLength(2);
    const mood = validate(doc({ rules: [{ id: "m", when: [{ source: "mood", key: "valence", op: "<", value: 0 }], action: "none" }] }), registry);
    expect(mood).toMatchObject([{ code: "MISSING_REQUIRED_INPUT", severity: "warning", portId: "mood" }]);
  });

  it("flags a rule that sends angry customers a retention offer, unless acknowledged", () => {
    const params = { rules: [{ id: "save-them", when: [{ source: "scores", key: "anger", op: ">", value: 0.6 }], action: "retention_offer" }] };
    const issues = validate(doc(params), registry);
    expect(issues).toMatchObject([{ code: "POSSIBLE_MANIPULATION", severity: "error", nodeId: "r" }]);
    expect(issues[0]!.message).toContain("rule 'save-them' -> 'retention_offer'");
    const acked = validate(doc(params, { acknowledgements: [{ code: "POSSIBLE_MANIPULATION", by: "legal", at: "2025-05-01T12:00:00Z", note: "refund only" }] }), registry);
    expect(acked).toMatchObject([{ code: "POSSIBLE_MANIPULATION", severity: "warning" }]);
  });

  it("does not flag sales actions triggered by positive affect", () => {
    const params = { rules: [{ id: "happy", when: [{ source: "scores", key: "joy", op: ">", value: 0.6 }], action: "upsell" }] };
    expect(validate(doc(params), registry)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { makeTestContext, type TestContext } from "../testing";
import { feedbackRequest } from "./index";

const params = (p: Record<string, unknown> = {}) => feedbackRequest.params.parse(p);
const sentiment = (negative: number) => ({ taxonomy: "sentiment3", calibrated: false, scores: { negative, neutral: 1 - negative, positive: 0 } });

/** Runs turns in one session (one context = one node instance's session state); returns the ask flags. */
async function turns(ctx: TestContext, p: ReturnType<typeof params>, inputs: Record<string, unknown>[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const i of inputs) out.push((await feedbackRequest.run(i, p, ctx)).askForFeedback as boolean);
  return out;
}

describe("core.feedback-request", () => {
  it("asks every N turns of a session, with the prompt only on those turns", async () => {
    const ctx = makeTestContext();
    const p = params({ everyNTurns: 3 });
    expect(await turns(ctx, p, Array.from({ length: 7 }, () => ({})))).toEqual([false, false, true, false, false, true, false]);
    const asked = await feedbackRequest.run({}, params({ everyNTurns: 1 }), makeTestContext());
    expect(asked).toMatchObject({ askForFeedback: true, prompt: p.prompt });
    expect(asked.reason).toMatch(/every 1 turns/);
    const quiet = await feedbackRequest.run({}, p, makeTestContext());
    expect(quiet).toMatchObject({ askForFeedback: false, prompt: "" });
    expect(quiet.reason).toMatch(/next scheduled ask in 2 turns/);
  });

  it("keeps sessions apart: another session's state starts its own count", async () => {
    const p = params({ everyNTurns: 2 });
    const a = makeTestContext({ sessionId: "a" });
    const b = makeTestContext({ sessionId: "b" });
    expect(await turns(a, p, [{}])).toEqual([false]);
    expect(await turns(b, p, [{}])).toEqual([false]);
    expect(await turns(a, p, [{}])).toEqual([true]);
    expect(await turns(b, p, [{}])).toEqual([true]);
  });

  it("asks right after an escalation, then keeps the minimum gap before asking again", async () => {
    const ctx = makeTestContext();
    const p = params({ everyNTurns: 0, minGapTurns: 2 });
    const esc = { action: { name: "escalate_to_human", reason: "upset" } };
    const other = { action: { name: "disclose_ai", reason: "first turn" } };
    expect(await turns(ctx, p, [{}, other, esc, esc, esc, esc])).toEqual([false, false, true, false, false, true]);
    const out = await feedbackRequest.run(esc, p, ctx);
    expect(out.askForFeedback).toBe(false);
    expect(out.reason).toMatch(/action escalate_to_human, but feedback was asked 1 turn ago \(minimum gap 2\)/);
  });

  it("asks when the tone changes (tone input or a set_tone action), not on the first tone seen", async () => {
    const ctx = makeTestContext();
    const p = params({ everyNTurns: 0, minGapTurns: 0 });
    const setTone = (tone: string) => ({ action: { name: "set_tone", reason: "negative", detail: { tone } } });
    expect(await turns(ctx, p, [{ tone: "neutral" }, { tone: "neutral" }, { tone: "calm" }, { tone: "calm" }, setTone("empathic"), {}])).toEqual([
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
    const off = makeTestContext();
    expect(await turns(off, params({ everyNTurns: 0, onToneChange: false }), [{ tone: "neutral" }, { tone: "calm" }])).toEqual([false, false]);
  });

  it("asks on a true ask flag and on a score crossing the threshold", async () => {
    const p = params({ everyNTurns: 0, minGapTurns: 0, onScore: { label: "negative", op: ">", value: 0.7 } });
    const ctx = makeTestContext();
    expect(await turns(ctx, p, [{ ask: false }, { ask: true }, { scores: sentiment(0.5) }, { scores: sentiment(0.9) }])).toEqual([false, true, false, true]);
    const out = await feedbackRequest.run({ scores: sentiment(0.95) }, p, makeTestContext());
    expect(out.reason).toMatch(/negative 0\.95 > 0\.7/);
  });

  it("forgets an idle session after ttlSec", async () => {
    let now = 1_000_000;
    const ctx = makeTestContext({ now: () => now });
    const p = params({ everyNTurns: 2, ttlSec: 60 });
    expect(await turns(ctx, p, [{}])).toEqual([false]);
    now += 61_000;
    expect(await turns(ctx, p, [{}])).toEqual([false]);
    now += 1_000;
    expect(await turns(ctx, p, [{}])).toEqual([true]);
  });

  it("has defaults that parse from {} and refuses bad params", () => {
    expect(params()).toMatchObject({ everyNTurns: 10, onActions: ["escalate_to_human"], onToneChange: true, onScore: null, minGapTurns: 3 });
    expect(feedbackRequest.params.safeParse({ everyNTurns: -1 }).success).toBe(false);
    expect(feedbackRequest.params.safeParse({ onActions: ["Escalate Now"] }).success).toBe(false);
  });

  it("runs on its own example, producing exactly its declared outputs (what the registry contract checks)", async () => {
    const out = await feedbackRequest.run(feedbackRequest.example.inputs, params(feedbackRequest.example.params ?? {}), makeTestContext());
    expect(Object.keys(out).sort()).toEqual(feedbackRequest.outputs.map((o) => o.id).sort());
    expect(out).toMatchObject({ askForFeedback: true, prompt: params().prompt });
    expect(typeof out.reason).toBe("string");
    expect(feedbackRequest.params.parse(params())).toEqual(params());
  });
});

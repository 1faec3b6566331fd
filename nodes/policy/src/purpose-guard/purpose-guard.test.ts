import { previewSummarySchema, type Action, type EmotionScores } from "@attune/graph";
import { makeTestContext } from "@attune/nodes-core/testing";
import { describe, expect, it } from "vitest";
import { purposeGuard } from "./index";

const upset: EmotionScores = { taxonomy: "ekman7", calibrated: true, scores: { anger: 0.5, sadness: 0.2, neutral: 0.3 } };
const content: EmotionScores = { taxonomy: "ekman7", calibrated: true, scores: { joy: 0.7, neutral: 0.3 } };

async function run(inputs: Record<string, unknown>, params: Record<string, unknown> = {}) {
  return (await purposeGuard.run(inputs, purposeGuard.params.parse(params), makeTestContext())) as {
    action: Action | null;
    blocked: boolean;
    explanation: string;
  };
}

describe("policy.purpose-guard", () => {
  it("blocks a retention offer while the person is upset, explaining why", async () => {
    const out = await run({ action: { name: "retention_offer", reason: "churn risk" }, scores: upset });
    expect(out.action).toBeNull();
    expect(out.blocked).toBe(true);
    expect(out.explanation).toBe(
      "blocked 'retention_offer' (a sales or retention action) because negative affect 0.7 >= 0.4: emotion must not be used to sell to someone who is upset",
    );
  });

  it("recognises sales intent from the action's tags and blocks on a low mood", async () => {
    const action = { name: "show_banner", reason: "x", detail: { tags: ["upsell"] } };
    const out = await run({ action, mood: { valence: -0.5, arousal: 0.4 } });
    expect(out.blocked).toBe(true);
    expect(out.explanation).toContain("mood valence -0.5 <= -0.2");
  });

  it("can hand the person to a human instead", async () => {
    const out = await run({ action: { name: "upsell", reason: "x" }, scores: upset }, { replaceWith: "escalate_to_human" });
    expect(out.action).toMatchObject({ name: "escalate_to_human", detail: { blocked: "upsell" } });
  });

  it("lets the same offer through when affect is not negative, and never touches other actions", async () => {
    expect((await run({ action: { name: "upsell", reason: "x" }, scores: content })).blocked).toBe(false);
    const escalate = { name: "escalate_to_human", reason: "angry" };
    const out = await run({ action: escalate, scores: upset });
    expect(out).toMatchObject({ blocked: false, action: escalate });
    expect(await run({ action: null, scores: upset })).toEqual({ action: null, blocked: false, explanation: "no action" });
  });

  it("lets sales through when no affect is known (nothing to exploit) and says so", async () => {
    expect((await run({ action: { name: "upsell", reason: "x" } })).explanation).toBe("'upsell' allowed: no sign of negative affect");
  });

  it("refuses malformed inputs and previews a block", async () => {
    await expect(run({ action: "upsell" })).rejects.toThrow("input 'action' must be an action");
    const out = await run({ action: { name: "upsell", reason: "x" }, scores: upset });
    expect(previewSummarySchema.parse(purposeGuard.preview!(out, purposeGuard.params.parse({})))).toMatchObject({
      kind: "action",
      action: { name: "blocked" },
    });
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compile } from "./compile";
import { defineNodeSpec, type DeclaredAction } from "./define-node";
import { parseDocument, type PipelineDocument, type PipelineMeta } from "./document";
import { ISSUE_CODES, type ValidationIssue } from "./plan";
import { NodeRegistry } from "./registry";
import { isCommercialAction } from "./responsible-use";
import { doc, emotion, output, sentiment, textInput } from "./test-specs";
import { validate } from "./validate";

// Stand-ins for vision/audio nodes that declare what they infer.
const faceEmotion = defineNodeSpec({
  type: "vision.face-emotion",
  version: 1,
  family: "vision",
  title: "Face emotion",
  description: "Face to ekman7.",
  infers: ["emotion-from-face"],
  inputs: [{ id: "image", label: "Image", accepts: "text" }],
  outputs: [{ id: "scores", label: "Scores", type: "scores:ekman7" }],
  params: z.object({}),
});

const voiceArousal = defineNodeSpec({
  type: "audio.voice-arousal",
  version: 1,
  family: "audio",
  title: "Voice arousal",
  description: "Voice to ekman7.",
  infers: ["emotion-from-voice"],
  inputs: [{ id: "audio", label: "Audio", accepts: "text" }],
  outputs: [{ id: "scores", label: "Scores", type: "scores:ekman7" }],
  params: z.object({}),
});

// A rule node whose params say which action fires on which affect.
const rule = defineNodeSpec({
  type: "policy.rule",
  version: 1,
  family: "policy",
  title: "Rule",
  description: "Fires an action.",
  inputs: [{ id: "scores", label: "Scores", accepts: "scores:any" }],
  outputs: [{ id: "action", label: "Action", type: "action" }],
  params: z.object({
    action: z.string().default("escalate_to_human"),
    tags: z.array(z.string()).default([]),
    onNegative: z.boolean().default(true),
  }),
  declaredActions: (p): DeclaredAction[] => [
    { name: p.action, tags: p.tags, trigger: p.onNegative ? "negative-affect" : "other", source: "r1" },
  ],
});

const registry = new NodeRegistry([textInput, output, sentiment, emotion, faceEmotion, voiceArousal, rule]);

function facePipeline(meta?: PipelineMeta): PipelineDocument {
  const d = doc(
    [
      { id: "in", type: "core.input" },
      { id: "face", type: "vision.face-emotion" },
      { id: "out", type: "core.output" },
    ],
    [
      ["in.value", "face.image"],
      ["face.scores", "out.value"],
    ],
  );
  return meta ? { ...d, meta } : d;
}

function rulePipeline(params: Record<string, unknown>, meta?: PipelineMeta): PipelineDocument {
  const d = doc(
    [
      { id: "in", type: "core.input" },
      { id: "s", type: "nlp.sentiment" },
      { id: "r", type: "policy.rule", params },
      { id: "out", type: "core.output" },
    ],
    [
      ["in.value", "s.text"],
      ["s.scores", "r.scores"],
      ["r.action", "out.value"],
    ],
  );
  return meta ? { ...d, meta } : d;
}

const withCode = (issues: ValidationIssue[], code: string) => issues.filter((i) => i.code === code);

describe("purpose guard: EU AI Act Art. 5(1)(f)", () => {
  it.each(["workplace", "education"] as const)("fails to compile face emotion in a %s setting, citing Art. 5(1)(f)", (setting) => {
    const result = compile(facePipeline({ purpose: "monitor staff", setting }), registry);
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : withCode(result.issues, "PROHIBITED_USE");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: "error", nodeId: "face" });
    expect(issues[0]!.message).toContain("Art. 5(1)(f)");
    expect(issues[0]!.message).toContain(setting);
  });

  it("flags voice emotion the same way", () => {
    const d = doc(
      [{ id: "in", type: "core.input" }, { id: "v", type: "audio.voice-arousal" }, { id: "out", type: "core.output" }],
      [["in.value", "v.audio"], ["v.scores", "out.value"]],
    );
    const issues = validate({ ...d, meta: { setting: "workplace" } }, registry);
    expect(withCode(issues, "PROHIBITED_USE")).toMatchObject([{ nodeId: "v", severity: "error" }]);
    expect(withCode(issues, "PROHIBITED_USE")[0]!.message).toContain("emotion from the voice");
  });

  it.each(["medical", "safety"] as const)("allows it with a %s exemption", (exemption) => {
    const result = compile(facePipeline({ setting: "workplace", exemption }), registry);
    expect(result.ok).toBe(true);
  });

  it("allows face emotion in other settings, e.g. customer service or research", () => {
    expect(compile(facePipeline({ setting: "customer-service" }), registry).ok).toBe(true);
    expect(compile(facePipeline({ setting: "research" }), registry).ok).toBe(true);
  });

  it("does not apply to emotion from text, which is not biometric", () => {
    const d = doc(
      [{ id: "in", type: "core.input" }, { id: "e", type: "nlp.emotion" }, { id: "out", type: "core.output" }],
      [["in.value", "e.text"], ["e.scores", "out.value"]],
    );
    expect(validate({ ...d, meta: { setting: "education" } }, registry)).toEqual([]);
  });

  it("warns (but compiles) when a biometric pipeline declares no setting", () => {
    const result = compile(facePipeline(), registry);
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings).toMatchObject([{ code: "PURPOSE_UNDECLARED", severity: "warning", nodeId: "face" }]);
  });

  it("cannot be acknowledged away: an acknowledgement is only for POSSIBLE_MANIPULATION", () => {
    const parsed = parseDocument({
      ...facePipeline({ setting: "workplace" }),
      meta: { setting: "workplace", acknowledgements: [{ code: "PROHIBITED_USE", by: "boss", at: "2025-01-01T00:00:00Z", note: "fine" }] },
    });
    expect(parsed.ok).toBe(false);
  });

  it("only warns about a face node on a branch that feeds no output", () => {
    const d = doc(
      [{ id: "in", type: "core.input" }, { id: "face", type: "vision.face-emotion" }, { id: "out", type: "core.output" }],
      [["in.value", "face.image"], ["in.value", "out.value"]],
    );
    const result = compile({ ...d, meta: { setting: "education" } }, registry);
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings).toMatchObject([{ code: "PROHIBITED_USE", severity: "warning" }]);
  });
});

describe("purpose guard: emotional manipulation", () => {
  it("flags a rule that routes negative affect to a retention offer as an error", () => {
    const issues = validate(rulePipeline({ action: "retention_offer" }), registry);
    const flagged = withCode(issues, "POSSIBLE_MANIPULATION");
    expect(flagged).toMatchObject([{ severity: "error", nodeId: "r" }]);
    expect(flagged[0]!.message).toContain("rule 'r1' -> 'retention_offer'");
    expect(compile(rulePipeline({ action: "retention_offer" }), registry).ok).toBe(false);
  });

  it("recognises sales intent in tags as well as in the name", () => {
    const issues = validate(rulePipeline({ action: "show_banner", tags: ["upsell"] }), registry);
    expect(withCode(issues, "POSSIBLE_MANIPULATION")).toHaveLength(1);
  });

  it("leaves harmless actions and non-negative triggers alone", () => {
    expect(validate(rulePipeline({ action: "escalate_to_human" }), registry)).toEqual([]);
    expect(validate(rulePipeline({ action: "upsell", onNegative: false }), registry)).toEqual([]);
  });

  it("accepts a recorded acknowledgement, keeping a warning that names who acknowledged it", () => {
    const ack = { code: "POSSIBLE_MANIPULATION" as const, by: "dpo@example.com", at: "2025-03-01T09:30:00Z", note: "offer is a refund, reviewed" };
    const d = rulePipeline({ action: "retention_offer" }, { setting: "customer-service", acknowledgements: [ack] });
    expect(parseDocument(d).ok).toBe(true);
    const result = compile(d, registry);
    expect(result.ok).toBe(true);
    const warning = result.ok ? withCode(result.warnings, "POSSIBLE_MANIPULATION") : [];
    expect(warning).toMatchObject([{ severity: "warning", nodeId: "r" }]);
    expect(warning[0]!.message).toContain("dpo@example.com");
  });

  it("an acknowledgement for another node does not cover this one", () => {
    const ack = { code: "POSSIBLE_MANIPULATION" as const, by: "a", at: "2025-03-01T09:30:00Z", note: "n", nodeId: "other" };
    const issues = validate(rulePipeline({ action: "sales_pitch" }, { acknowledgements: [ack] }), registry);
    expect(withCode(issues, "POSSIBLE_MANIPULATION")[0]!.severity).toBe("error");
  });

  it("refuses acknowledgements that are not attributable (no who, bad time, no note)", () => {
    const base = rulePipeline({});
    for (const bad of [
      { code: "POSSIBLE_MANIPULATION", by: "", at: "2025-03-01T09:30:00Z", note: "x" },
      { code: "POSSIBLE_MANIPULATION", by: "a", at: "yesterday", note: "x" },
      { code: "POSSIBLE_MANIPULATION", by: "a", at: "2025-03-01T09:30:00Z", note: " " },
    ]) {
      expect(parseDocument({ ...base, meta: { acknowledgements: [bad] } }).ok).toBe(false);
    }
  });

  it("matches commercial words as whole tokens", () => {
    for (const name of ["upsell", "retention_offer", "salesPitch", "cross_sell", "win-back", "DISCOUNT"]) {
      expect(isCommercialAction({ name }), name).toBe(true);
    }
    for (const name of ["escalate_to_human", "wholesale_status", "set_tone", "resell_ticket", "disclose_ai"]) {
      expect(isCommercialAction({ name }), name).toBe(false);
    }
  });
});

describe("meta on the document", () => {
  it("is optional and keeps schemaVersion 1", () => {
    expect(parseDocument(facePipeline()).ok).toBe(true);
    const parsed = parseDocument(facePipeline({ purpose: "call centre", setting: "customer-service" }));
    expect(parsed.ok && parsed.document.meta).toEqual({ purpose: "call centre", setting: "customer-service" });
    expect(parseDocument({ ...facePipeline(), meta: { setting: "casino" } }).ok).toBe(false);
  });

  it("issue codes used here are stable codes", () => {
    for (const code of ["PROHIBITED_USE", "POSSIBLE_MANIPULATION", "PURPOSE_UNDECLARED", "TAXONOMY_MISMATCH"]) {
      expect(ISSUE_CODES).toContain(code);
    }
  });
});

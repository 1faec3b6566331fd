import { emptyDocument, type PipelineDocument } from "@attune/graph";
import { describe, expect, test } from "vitest";
import { specRegistry } from "../lib/specs";
import { codeInputDeclaration, tsTypeOfPort, upstreamOf } from "./input-type-hints";

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, version: 1, params, position: { x: 0, y: 0 } });

describe("code node input hints", () => {
  test("sentiment scores feeding a code node are typed with the sentiment3 labels", () => {
    const doc: PipelineDocument = {
      ...emptyDocument(),
      nodes: [node("txt", "core.text-input"), node("sent", "nlp.sentiment"), node("code", "core.code")],
      edges: [
        { id: "e1", from: { node: "txt", port: "text" }, to: { node: "sent", port: "text" } },
        { id: "e2", from: { node: "sent", port: "scores" }, to: { node: "code", port: "input" } },
      ],
    };
    const up = upstreamOf(doc, specRegistry, "code", "input");
    expect(up).toEqual({ nodeId: "sent", port: "scores", type: "scores:sentiment3" });
    const { dts } = codeInputDeclaration(up);
    expect(dts).toContain('declare const input: { taxonomy: "sentiment3"; calibrated: boolean; scores: Record<"negative" | "neutral" | "positive", number> };');
    expect(upstreamOf(doc, specRegistry, "sent", "text")?.type).toBe("text");
  });

  test("each port type maps to the JSON shape the sandbox receives", () => {
    expect(tsTypeOfPort("text")).toBe("string");
    expect(tsTypeOfPort("number")).toBe("number");
    expect(tsTypeOfPort("valence-arousal")).toBe("{ valence: number; arousal: number }");
    expect(tsTypeOfPort("action")).toContain("| null");
    expect(tsTypeOfPort("json")).toBe("unknown");
    const anyScores = tsTypeOfPort("scores:any");
    for (const t of ["sentiment3", "ekman7", "goemotions28"]) expect(anyScores).toContain(`"${t}"`);
    expect(anyScores).toContain("scores: Record<string, number>");
    expect(tsTypeOfPort("scores:ekman7")).toContain('"anger" | "disgust"');
    expect(codeInputDeclaration(undefined).dts).toContain("declare const input: undefined;");
  });
});

describe("meta edits", () => {
  test("setting, clearing and acknowledging are plain document values", async () => {
    const { setMeta, addAcknowledgement, removeAcknowledgement } = await import("./meta-ops");
    const base = emptyDocument();
    const work = setMeta(base, { setting: "workplace", purpose: "shift planning" });
    expect(work.meta).toEqual({ setting: "workplace", purpose: "shift planning" });
    expect(base.meta).toBeUndefined();
    const exempt = setMeta(work, { exemption: "safety", purpose: "" });
    expect(exempt.meta).toEqual({ setting: "workplace", exemption: "safety" });
    const acked = addAcknowledgement(exempt, { code: "POSSIBLE_MANIPULATION", by: "Ana", at: "2025-01-01T00:00:00.000Z", note: "reviewed" });
    expect(acked.meta?.acknowledgements).toHaveLength(1);
    expect(removeAcknowledgement(acked, 0).meta).toEqual({ setting: "workplace", exemption: "safety" });
    expect("meta" in setMeta(work, { setting: undefined, purpose: undefined })).toBe(false);
  });
});

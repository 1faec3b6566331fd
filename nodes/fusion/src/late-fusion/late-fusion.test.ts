import { compile, defineNode, NodeRegistry, validate, type EmotionScores, type NodeDefinition, type PipelineDocument } from "@attune/graph";
import { nodes as coreNodes } from "@attune/nodes-core";
import { makeTestContext } from "@attune/nodes-core/testing";
import { execute } from "@attune/runtime";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mapTaxonomy } from "../map-taxonomy";
import { lateFusion } from "./index";

const ekman = (scores: Record<string, number>, calibrated = true): EmotionScores => ({ taxonomy: "ekman7", calibrated, scores });
const angry = ekman({ anger: 0.8, neutral: 0.2 });
const calm = ekman({ neutral: 0.6, joy: 0.4 });

async function fuse(inputs: Record<string, unknown>, params: Record<string, unknown> = {}) {
  const out = await lateFusion.run(inputs, lateFusion.params.parse(params), makeTestContext());
  return out as { scores: EmotionScores; contributors: { used: string[]; missing: string[]; weights: Record<string, number> }; confidence: number };
}

describe("fusion.late-fusion", () => {
  it("averages by weight alone with confidence 'none'", async () => {
    const out = await fuse({ a: angry, b: calm }, { confidence: "none", weights: { a: 3, b: 1 } });
    expect(out.scores.scores.anger).toBeCloseTo(0.6, 6);
    expect(out.scores.scores.neutral).toBeCloseTo(0.75 * 0.2 + 0.25 * 0.6, 6);
    expect(out.scores.scores.joy).toBeCloseTo(0.1, 6);
    expect(out.contributors).toEqual({ used: ["a", "b"], missing: ["c", "d"], weights: { a: 0.75, b: 0.25 } });
  });

  it("lets a confident modality outweigh a hesitant one with confidence 'margin'", async () => {
    const hesitant = ekman({ neutral: 0.35, joy: 0.3, sadness: 0.35 });
    const out = await fuse({ a: angry, b: hesitant });
    // margins: angry 0.6, hesitant 0.0 -> floored at 0.05
    expect(out.contributors.weights.a).toBeCloseTo(0.6 / 0.65, 3);
    expect(out.scores.scores.anger).toBeGreaterThan(0.7);
  });

  it("leaves a missing modality out and renormalises the rest", async () => {
    const out = await fuse({ a: angry, b: undefined, c: calm }, { confidence: "none" });
    expect(out.contributors.used).toEqual(["a", "c"]);
    expect(out.contributors.missing).toEqual(["b", "d"]);
    expect(out.contributors.weights).toEqual({ a: 0.5, c: 0.5 });
    const sum = Object.values(out.scores.scores).reduce((x, y) => x + y, 0);
    expect(sum).toBeCloseTo(1, 9);
  });

  it("with a single input left, passes it through (normalised)", async () => {
    const out = await fuse({ a: undefined, b: angry });
    expect(out.scores.scores.anger).toBeCloseTo(0.8, 9);
    expect(out.contributors.used).toEqual(["b"]);
  });

  it("fails when fewer inputs than minContributors arrive, or none at all", async () => {
    await expect(fuse({ a: angry }, { minContributors: 2 })).rejects.toThrow("only 1 of the required 2 inputs arrived (missing: b, c, d)");
    await expect(fuse({})).rejects.toThrow("no input arrived");
  });

  it("treats weight 0 as leaving an input out", async () => {
    const out = await fuse({ a: angry, b: calm }, { weights: { a: 1, b: 0, c: 1, d: 1 } });
    expect(out.contributors.used).toEqual(["a"]);
  });

  it("refuses different taxonomies at run time (e.g. through scores:any upstreams)", async () => {
    const senti: EmotionScores = { taxonomy: "sentiment3", calibrated: false, scores: { negative: 1 } };
    await expect(fuse({ a: angry, b: senti })).rejects.toThrow("input 'b' is sentiment3 but 'a' is ekman7");
  });

  it("marks the result calibrated only when every contributor is", async () => {
    expect((await fuse({ a: angry, b: calm })).scores.calibrated).toBe(true);
    expect((await fuse({ a: angry, b: ekman({ joy: 1 }, false) })).scores.calibrated).toBe(false);
  });

  it("reports the fused top-two margin as its confidence", async () => {
    const out = await fuse({ a: angry, b: angry });
    expect(out.confidence).toBeCloseTo(0.6, 6);
  });
});

// --- validation and runtime behaviour with real neighbours -----------------------------------

const sentimentStub = defineNode(
  {
    type: "nlp.sentiment", version: 1, family: "nlp", title: "Sentiment", description: "stub",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "scores", label: "Scores", type: "scores:sentiment3" }],
    params: z.object({}),
  },
  { run: async () => ({ scores: { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.9, neutral: 0.1, positive: 0 } } }), example: { inputs: { text: "x" } } },
);
// A face model stand-in that fails when told to, like a model that finds no face.
const faceStub = defineNode(
  {
    type: "vision.face-stub", version: 1, family: "vision", title: "Face", description: "stub",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "scores", label: "Scores", type: "scores:ekman7" }],
    params: z.object({ fail: z.boolean().default(false) }),
  },
  {
    run: async (_inputs, params) => {
      if (params.fail) throw new Error("no face found");
      return { scores: ekman({ joy: 0.9, neutral: 0.1 }) };
    },
    example: { inputs: { text: "x" } },
  },
);

const registry = new NodeRegistry<NodeDefinition<any>>([...coreNodes, sentimentStub, faceStub, mapTaxonomy, lateFusion]);

function pipeline(opts: { mapped: boolean; faceFails?: boolean }): PipelineDocument {
  const nodes = [
    { id: "in", type: "core.text-input", params: { name: "text" } },
    { id: "s", type: "nlp.sentiment", params: {} },
    { id: "m", type: "fusion.map-taxonomy", params: {} },
    { id: "face", type: "vision.face-stub", params: { fail: opts.faceFails ?? false } },
    { id: "f", type: "fusion.late-fusion", params: { confidence: "none" } },
    { id: "out", type: "core.output", params: { name: "fused" } },
  ];
  const edges: [string, string][] = [
    ["in.text", "s.text"],
    ["in.text", "face.text"],
    ["s.scores", "m.scores"],
    [opts.mapped ? "m.ekman7" : "s.scores", "f.a"],
    ["face.scores", "f.b"],
    ["f.scores", "out.value"],
  ];
  return {
    schemaVersion: 1,
    nodes: nodes.map((n, i) => ({ ...n, version: 1, position: { x: i, y: 0 } })),
    edges: edges.map(([from, to], i) => {
      const [fn, fp] = from.split(".") as [string, string];
      const [tn, tp] = to.split(".") as [string, string];
      return { id: `e${i}`, from: { node: fn, port: fp }, to: { node: tn, port: tp } };
    }),
  };
}

describe("fusion.late-fusion in a pipeline", () => {
  it("is a TAXONOMY_MISMATCH validation error to fuse sentiment3 with ekman7 unmapped", () => {
    const issues = validate(pipeline({ mapped: false }), registry);
    expect(issues).toMatchObject([{ code: "TAXONOMY_MISMATCH", severity: "error", nodeId: "f", portId: "b" }]);
    expect(issues[0]!.message).toContain("add a Map taxonomy node");
  });

  it("validates once the text branch is mapped to ekman7", () => {
    expect(validate(pipeline({ mapped: true }), registry)).toEqual([]);
  });

  it("still produces a fused estimate when the face node fails, naming the contributors", async () => {
    const compiled = compile(pipeline({ mapped: true, faceFails: true }), registry);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    const result = await execute(compiled.plan, { registry, inputs: { text: "this is awful" } });
    expect(result.nodes["face"]).toMatchObject({ status: "failed", error: { message: "no face found" } });
    expect(result.nodes["f"]!.status).toBe("ok");
    expect(result.nodes["f"]!.outputs!.contributors).toEqual({ used: ["a"], missing: ["b", "c", "d"], weights: { a: 1 } });
    const fused = result.outputs["fused"] as EmotionScores;
    expect(fused.taxonomy).toBe("ekman7");
    expect(fused.scores.anger).toBeCloseTo(0.9 / 4, 6);
  });

  it("uses both modalities when both work", async () => {
    const compiled = compile(pipeline({ mapped: true }), registry);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    const result = await execute(compiled.plan, { registry, inputs: { text: "hm" } });
    expect(result.status).toBe("ok");
    expect((result.nodes["f"]!.outputs!.contributors as { used: string[] }).used).toEqual(["a", "b"]);
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineNodeSpec, type NodeCheckIssue } from "./define-node";
import { NodeRegistry } from "./registry";
import { doc, emotion, output, sentiment, textInput } from "./test-specs";
import { validate } from "./validate";

// A fusion-like node: any scores on each port, but all connected ones must share a taxonomy.
const fuse = defineNodeSpec({
  type: "fusion.fuse",
  version: 1,
  family: "fusion",
  title: "Fuse",
  description: "Needs one taxonomy.",
  inputs: [
    { id: "a", label: "A", accepts: "scores:any" },
    { id: "b", label: "B", accepts: "scores:any", optional: true },
  ],
  outputs: [{ id: "scores", label: "Scores", type: "scores:any" }],
  params: z.object({ strict: z.boolean().default(true) }),
  validateConnections(connected, params): NodeCheckIssue[] {
    const types = Object.entries(connected);
    const first = types[0];
    if (!params.strict || !first) return [];
    return types
      .filter(([, t]) => t !== first[1])
      .map(([portId, t]) => ({ code: "TAXONOMY_MISMATCH", portId, message: `${portId} is ${t}, ${first[0]} is ${first[1]}` }));
  },
});

const broken = defineNodeSpec({
  type: "fusion.broken",
  version: 1,
  family: "fusion",
  title: "Broken",
  description: "Its check throws.",
  inputs: [{ id: "a", label: "A", accepts: "scores:any" }],
  outputs: [{ id: "scores", label: "Scores", type: "scores:any" }],
  params: z.object({}),
  validateConnections() {
    throw new Error("oops");
  },
});

const registry = new NodeRegistry([textInput, output, sentiment, emotion, fuse, broken]);

const pipeline = (params: Record<string, unknown> = {}, second = "e") =>
  doc(
    [
      { id: "in", type: "core.input" },
      { id: "s", type: "nlp.sentiment" },
      { id: "e", type: "nlp.emotion" },
      { id: "e2", type: "nlp.emotion" },
      { id: "f", type: "fusion.fuse", params },
      { id: "out", type: "core.output" },
    ],
    [
      ["in.value", "s.text"],
      ["in.value", "e.text"],
      ["in.value", "e2.text"],
      [second === "e" ? "s.scores" : "e2.scores", "f.a"],
      ["e.scores", "f.b"],
      ["f.scores", "out.value"],
    ],
  );

describe("NodeSpec.validateConnections", () => {
  it("turns a node's own connection check into issues on that node and port", () => {
    expect(validate(pipeline(), registry)).toEqual([
      { code: "TAXONOMY_MISMATCH", severity: "error", nodeId: "f", portId: "b", message: "b is scores:ekman7, a is scores:sentiment3" },
    ]);
  });

  it("passes resolved params and the actual upstream port types", () => {
    expect(validate(pipeline({ strict: false }), registry)).toEqual([]);
    expect(validate(pipeline({}, "e2"), registry)).toEqual([]);
  });

  it("reports a check that throws instead of crashing validation", () => {
    const d = doc(
      [{ id: "in", type: "core.input" }, { id: "s", type: "nlp.sentiment" }, { id: "x", type: "fusion.broken" }, { id: "out", type: "core.output" }],
      [["in.value", "s.text"], ["s.scores", "x.a"], ["x.scores", "out.value"]],
    );
    expect(validate(d, registry)).toMatchObject([{ code: "PARAM_INVALID", nodeId: "x", message: "connection check failed: oops" }]);
  });
});

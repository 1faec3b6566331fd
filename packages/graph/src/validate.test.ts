import { describe, expect, it } from "vitest";
import { ISSUE_CODES, type ValidationIssue } from "./plan";
import { doc, testRegistry, threshold } from "./test-specs";
import { resolveParams, validate } from "./validate";

const codes = (issues: ValidationIssue[]) => issues.map((i) => i.code);
const only = (issues: ValidationIssue[], code: string) => issues.filter((i) => i.code === code);

// input -> sentiment -> threshold -> output: the smallest valid pipeline.
const valid = () =>
  doc(
    [
      { id: "in", type: "core.input" },
      { id: "s", type: "nlp.sentiment" },
      { id: "t", type: "policy.threshold" },
      { id: "out", type: "core.output" },
    ],
    [
      ["in.value", "s.text"],
      ["s.scores", "t.scores"],
      ["t.action", "out.value"],
    ],
  );

describe("validate", () => {
  it("finds nothing wrong with a valid pipeline", () => {
    expect(validate(valid(), testRegistry)).toEqual([]);
  });

  it("names every node on a cycle, in order, starting from the earliest in the document", () => {
    const d = doc(
      [
        { id: "in", type: "core.input" },
        { id: "a", type: "fusion.ekman-mean" },
        { id: "b", type: "fusion.ekman-mean" },
        { id: "c", type: "fusion.ekman-mean" },
        { id: "e", type: "nlp.emotion" },
        { id: "out", type: "core.output" },
      ],
      [
        ["in.value", "e.text"],
        ["e.scores", "a.a"],
        ["a.scores", "b.a"],
        ["b.scores", "c.a"],
        ["c.scores", "a.b"],
        ["c.scores", "out.value"],
      ],
    );
    const cycles = only(validate(d, testRegistry), "CYCLE");
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ severity: "error", nodeId: "a", nodeIds: ["a", "b", "c"] });
    expect(cycles[0]!.message).toContain("'a' -> 'b' -> 'c' -> 'a'");
  });

  it("reports a node wired to itself as a cycle", () => {
    const d = doc(
      [
        { id: "e", type: "nlp.emotion" },
        { id: "m", type: "fusion.ekman-mean" },
        { id: "out", type: "core.output" },
      ],
      [["e.scores", "m.a"], ["m.scores", "m.b"], ["m.scores", "out.value"], ["in.value", "e.text"]],
    );
    const cycles = only(validate(d, testRegistry), "CYCLE");
    expect(cycles.map((c) => c.nodeIds)).toEqual([["m"]]);
  });

  it("refuses scores of one taxonomy on a port for another, with canConnect's reason", () => {
    const d = doc(
      [
        { id: "in", type: "core.input" },
        { id: "s", type: "nlp.sentiment" },
        { id: "m", type: "fusion.ekman-mean" },
        { id: "out", type: "core.output" },
      ],
      [["in.value", "s.text"], ["s.scores", "m.a", "bad"], ["m.scores", "out.value"]],
    );
    const [issue] = only(validate(d, testRegistry), "PORT_TYPE_MISMATCH");
    expect(issue).toMatchObject({ severity: "error", nodeId: "m", portId: "a", edgeId: "bad" });
    expect(issue!.message).toContain("taxonomies differ; add a taxonomy mapping node");
  });

  it("accepts any of several types on a multi-type input", () => {
    // threshold accepts scores:any or number; sentiment3 scores qualify.
    expect(only(validate(valid(), testRegistry), "PORT_TYPE_MISMATCH")).toEqual([]);
  });

  it("reports each unconnected required input but not optional ones", () => {
    const d = doc([{ id: "m", type: "fusion.ekman-mean" }, { id: "out", type: "core.output" }], [["m.scores", "out.value"]]);
    const missing = only(validate(d, testRegistry), "MISSING_REQUIRED_INPUT");
    expect(missing).toEqual([expect.objectContaining({ nodeId: "m", portId: "a", severity: "error" })]);
  });

  it("reports one PARAM_INVALID per zod issue, with the param path", () => {
    const d = valid();
    d.nodes[2]!.params = { level: 2, label: 5, tags: ["ok", 3] };
    const issues = only(validate(d, testRegistry), "PARAM_INVALID");
    expect(issues.map((i) => i.paramPath).sort()).toEqual(["label", "level", "tags[1]"]);
    expect(issues.every((i) => i.nodeId === "t" && i.severity === "error")).toBe(true);
    expect(issues.find((i) => i.paramPath === "level")!.message).toMatch(/^level: /);
  });

  it("validates params after migrating them from an older node version", () => {
    const d = valid();
    d.nodes[2]!.version = 1;
    d.nodes[2]!.params = { min: 80 };
    expect(validate(d, testRegistry)).toEqual([]);
    d.nodes[2]!.params = { min: 180 }; // 1.8 after migration: out of range
    expect(only(validate(d, testRegistry), "PARAM_INVALID").map((i) => i.paramPath)).toEqual(["level"]);
  });

  it("reports unknown node types and unknown ports on either end", () => {
    const d = valid();
    d.nodes.push({ id: "x", type: "nlp.nope", version: 1, params: {}, position: { x: 0, y: 0 } });
    d.edges[0]!.from.port = "val";
    d.edges[1]!.to.port = "score";
    const issues = validate(d, testRegistry);
    expect(only(issues, "UNKNOWN_NODE_TYPE")).toEqual([expect.objectContaining({ nodeId: "x" })]);
    expect(only(issues, "UNKNOWN_PORT").map((i) => [i.nodeId, i.portId, i.edgeId])).toEqual([
      ["in", "val", "e0"],
      ["t", "score", "e1"],
    ]);
  });

  it("reports edges to or from nodes that do not exist", () => {
    const d = valid();
    d.edges.push({ id: "ghost", from: { node: "nobody", port: "value" }, to: { node: "s", port: "text" } });
    const [issue] = only(validate(d, testRegistry), "DANGLING_EDGE");
    expect(issue).toMatchObject({ edgeId: "ghost", nodeId: "s", severity: "error" });
    expect(issue!.message).toContain("'nobody'");
  });

  it("reports duplicate node and edge ids", () => {
    const d = valid();
    d.nodes.push({ ...d.nodes[1]! });
    d.edges.push({ ...d.edges[1]! });
    const dups = only(validate(d, testRegistry), "DUPLICATE_ID");
    expect(dups.map((i) => i.nodeId ?? i.edgeId)).toEqual(["s", "e1"]);
  });

  it("reports a second edge into the same input", () => {
    const d = valid();
    d.nodes.push({ id: "in2", type: "core.input", version: 1, params: { name: "other" }, position: { x: 0, y: 0 } });
    d.edges.push({ id: "second", from: { node: "in2", port: "value" }, to: { node: "s", port: "text" } });
    expect(only(validate(d, testRegistry), "DUPLICATE_INPUT_EDGE")).toEqual([
      expect.objectContaining({ edgeId: "second", nodeId: "s", portId: "text", severity: "error" }),
    ]);
  });

  it("reports output and input names used twice, after defaults are applied", () => {
    const d = valid();
    // Both default to name "text" / "result".
    d.nodes.push({ id: "in2", type: "core.input", version: 1, params: {}, position: { x: 0, y: 0 } });
    d.nodes.push({ id: "out2", type: "core.output", version: 1, params: { name: "result" }, position: { x: 0, y: 0 } });
    d.edges.push({ id: "e9", from: { node: "s", port: "scores" }, to: { node: "out2", port: "value" } });
    const issues = validate(d, testRegistry);
    expect(only(issues, "DUPLICATE_OUTPUT_NAME")).toEqual([expect.objectContaining({ nodeId: "out2" })]);
    expect(only(issues, "DUPLICATE_INPUT_NAME")).toEqual([expect.objectContaining({ nodeId: "in2", severity: "error" })]);
    expect(only(issues, "DUPLICATE_OUTPUT_NAME")[0]!.message).toContain("'out'");
  });

  it("reports a pipeline without any output node, without pointing at a node", () => {
    const d = doc([{ id: "in", type: "core.input" }, { id: "s", type: "nlp.sentiment" }], [["in.value", "s.text"]]);
    const issues = validate(d, testRegistry);
    expect(issues).toEqual([expect.objectContaining({ code: "NO_OUTPUT", severity: "error" })]);
    expect(issues[0]!.nodeId).toBeUndefined();
  });

  it("reports nodes saved by a newer version, or by an older one with no migration", () => {
    const d = valid();
    d.nodes[1]!.version = 2;
    d.nodes.push({ id: "old", type: "core.legacy", version: 1, params: {}, position: { x: 0, y: 0 } });
    d.edges.push({ id: "e9", from: { node: "old", port: "value" }, to: { node: "t", port: "scores" } });
    const issues = only(validate(d, testRegistry), "VERSION_UNSUPPORTED");
    expect(issues.map((i) => i.nodeId)).toEqual(["s", "old"]);
  });

  it("downgrades problems in branches that feed no output to warnings", () => {
    const d = valid();
    // A half-built branch: an unwired emotion node with a bad neighbour.
    d.nodes.push({ id: "draft", type: "nlp.emotion", version: 1, params: {}, position: { x: 0, y: 0 } });
    d.nodes.push({ id: "draft2", type: "policy.threshold", version: 2, params: { level: 9 }, position: { x: 0, y: 0 } });
    d.edges.push({ id: "e9", from: { node: "draft", port: "scores" }, to: { node: "draft2", port: "scores" } });
    const issues = validate(d, testRegistry);
    expect(codes(issues).sort()).toEqual(["MISSING_REQUIRED_INPUT", "PARAM_INVALID"]);
    expect(issues.every((i) => i.severity === "warning")).toBe(true);
  });

  it("returns only codes from ISSUE_CODES", () => {
    const d = doc(
      [{ id: "a", type: "nlp.nope" }, { id: "b", type: "nlp.sentiment", params: { smoothing: "x" } }],
      [["a.x", "b.text"], ["zz.q", "b.text"]],
    );
    for (const issue of validate(d, testRegistry)) expect(ISSUE_CODES).toContain(issue.code);
  });
});

describe("resolveParams", () => {
  it("fills defaults and never mutates the instance", () => {
    const instance = { id: "t", version: 1, params: Object.freeze({ min: 50 }) };
    expect(resolveParams(instance, threshold)).toEqual({ ok: true, params: { label: "negative", level: 0.5, tags: [] } });
    expect(instance.params).toEqual({ min: 50 });
  });

  it("reports a migration that throws as PARAM_INVALID", () => {
    const spec = { ...threshold, migrate: () => { throw new Error("boom"); } };
    const result = resolveParams({ id: "t", version: 1, params: {} }, spec);
    expect(result).toMatchObject({ ok: false, issues: [{ code: "PARAM_INVALID", nodeId: "t" }] });
    expect(!result.ok && result.issues[0]!.message).toContain("boom");
  });
});

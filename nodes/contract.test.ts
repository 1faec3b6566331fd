/**
 * Registry contract: every node of every family declares itself consistently, its defaults
 * validate, its browser-safe spec matches its runnable definition, and it runs on its own example
 * producing exactly the ports it declares, with values of the declared types.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  acceptedTypes,
  actionSchema,
  emotionScoresSchema,
  idSchema,
  isPortType,
  NodeRegistry,
  previewSummarySchema,
  valenceArousalSchema,
  type NodeDefinition,
  type NodeSpec,
  type PortType,
} from "@attune/graph";
import { nodes as coreNodes } from "@attune/nodes-core";
import { specs as coreSpecs } from "@attune/nodes-core/specs";
import { sharedModelService } from "@attune/models/testing";
import { makeTestContext } from "@attune/nodes-core/testing";
import { createCodeSandbox } from "@attune/nodes-core/code-sandbox";
import { nodes as nlpNodes } from "@attune/nodes-nlp";
import { specs as nlpSpecs } from "@attune/nodes-nlp/specs";
import { nodes as audioNodes } from "@attune/nodes-audio";
import { specs as audioSpecs } from "@attune/nodes-audio/specs";
import { nodes as visionNodes } from "@attune/nodes-vision";
import { specs as visionSpecs } from "@attune/nodes-vision/specs";
import { nodes as fusionNodes } from "@attune/nodes-fusion";
import { specs as fusionSpecs } from "@attune/nodes-fusion/specs";
import { nodes as stateNodes } from "@attune/nodes-state";
import { specs as stateSpecs } from "@attune/nodes-state/specs";
import { nodes as modelNodes } from "@attune/nodes-model";
import { specs as modelSpecs } from "@attune/nodes-model/specs";
import { nodes as policyNodes } from "@attune/nodes-policy";
import { specs as policySpecs } from "@attune/nodes-policy/specs";
import { afterAll, describe, expect, it } from "vitest";

const NODES_DIR = dirname(fileURLToPath(import.meta.url));

interface Family {
  name: string;
  nodes: NodeDefinition[];
  specs: NodeSpec[];
}

const FAMILIES: Family[] = [
  { name: "core", nodes: coreNodes, specs: coreSpecs },
  { name: "nlp", nodes: nlpNodes, specs: nlpSpecs },
  { name: "vision", nodes: visionNodes, specs: visionSpecs },
  { name: "audio", nodes: audioNodes, specs: audioSpecs },
  { name: "fusion", nodes: fusionNodes, specs: fusionSpecs },
  { name: "state", nodes: stateNodes, specs: stateSpecs },
  { name: "model", nodes: modelNodes, specs: modelSpecs },
  { name: "policy", nodes: policyNodes, specs: policySpecs },
];

/** One code sandbox (worker threads) for every node that runs user code, as the runner has one. */
const sandbox = createCodeSandbox();
afterAll(() => sandbox.close());

const ALL_NODES = FAMILIES.flatMap((f) => f.nodes.map((node) => ({ family: f.name, node })));

/** Checks a produced value against what its output port promises downstream nodes. */
function checkPortValue(type: PortType, value: unknown): string | undefined {
  const fail = (what: string) => `expected ${what}, got ${JSON.stringify(value)}`;
  switch (type) {
    case "text": return typeof value === "string" ? undefined : fail("a string");
    case "number": return typeof value === "number" && Number.isFinite(value) ? undefined : fail("a finite number");
    case "boolean": return typeof value === "boolean" ? undefined : fail("a boolean");
    case "action": return value === null || actionSchema.safeParse(value).success ? undefined : fail("an Action or null");
    case "valence-arousal": return valenceArousalSchema.safeParse(value).success ? undefined : fail("valence/arousal");
    case "image": return isImage(value) ? undefined : fail("an RGB ImageValue");
    case "audio": return isAudio(value) ? undefined : fail("an AudioValue");
    case "faces": return Array.isArray(value) && value.every(isFace) ? undefined : fail("a face list");
    case "speech-segments": return Array.isArray(value) && value.every(isSegment) ? undefined : fail("speech segments");
    case "prosody": return typeof value === "object" && value !== null && "overall" in value ? undefined : fail("prosody features");
    case "any": case "json": return undefined;
  }
  const parsed = emotionScoresSchema.safeParse(value);
  if (!parsed.success) return fail("emotion scores");
  if (type !== "scores:any" && `scores:${parsed.data.taxonomy}` !== type) return fail(`taxonomy of ${type}`);
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isImage = (v: unknown) =>
  isObject(v) && v.data instanceof Uint8Array && v.channels === 3 && (v.data as Uint8Array).length === (v.width as number) * (v.height as number) * 3;
const isAudio = (v: unknown) => isObject(v) && v.samples instanceof Float32Array && typeof v.sampleRate === "number";
const isFace = (v: unknown) => isObject(v) && isObject(v.box) && typeof v.score === "number";
const isSegment = (v: unknown) => isObject(v) && typeof v.start === "number" && typeof v.end === "number" && (v.end as number) >= (v.start as number);

describe("node registry contract", () => {
  it("has nodes in every family", () => {
    for (const f of FAMILIES) expect(f.nodes.length, f.name).toBeGreaterThan(0);
  });

  it("registers every type id once, across families, for specs and definitions alike", () => {
    const registry = new NodeRegistry(ALL_NODES.map((n) => n.node));
    expect(registry.list()).toHaveLength(ALL_NODES.length);
    const specRegistry = new NodeRegistry(FAMILIES.flatMap((f) => f.specs));
    expect(specRegistry.list()).toHaveLength(ALL_NODES.length);
  });

  it.each(FAMILIES)("$name: specs list the same nodes as nodes, sharing spec objects", (f) => {
    expect(f.specs.map((s) => s.type).sort()).toEqual(f.nodes.map((n) => n.type).sort());
    for (const spec of f.specs) {
      const node = f.nodes.find((n) => n.type === spec.type)!;
      // Same objects, so the studio validates with exactly what the runner runs.
      expect(node.params, spec.type).toBe(spec.params);
      expect(node.inputs, spec.type).toBe(spec.inputs);
      expect(node.outputs, spec.type).toBe(spec.outputs);
      expect(node.version, spec.type).toBe(spec.version);
      expect(node.role, spec.type).toBe(spec.role);
    }
  });

  it.each(FAMILIES)("$name: every node folder under src/ is listed", (f) => {
    const src = join(NODES_DIR, f.name, "src");
    const folders = readdirSync(src).filter((d) => existsSync(join(src, d, "spec.ts")));
    expect(folders.map((d) => `${f.name}.${d}`).sort()).toEqual(f.nodes.map((n) => n.type).sort());
  });
});

describe.each(ALL_NODES.map((n) => ({ ...n, type: n.node.type })))("$type", ({ family, node }) => {
  it("has a type '<family>.<kebab>' matching its family and folder", () => {
    expect(node.type).toMatch(/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/);
    const [typeFamily, kebab] = node.type.split(".") as [string, string];
    expect(typeFamily).toBe(family);
    expect(node.family).toBe(family);
    const folder = join(NODES_DIR, family, "src", kebab);
    for (const file of ["spec.ts", "run.ts", "index.ts", `${kebab}.test.ts`]) {
      expect(existsSync(join(folder, file)), `${family}/src/${kebab}/${file}`).toBe(true);
    }
    expect(Number.isInteger(node.version) && node.version > 0).toBe(true);
    expect(node.title.trim()).not.toBe("");
    expect(node.description.trim()).not.toBe("");
  });

  it("parses {} into defaults that validate again unchanged", () => {
    const defaults = node.params.parse({});
    expect(node.params.parse(structuredClone(defaults))).toEqual(defaults);
  });

  it("declares valid port types and unique port ids", () => {
    for (const ports of [node.inputs, node.outputs]) {
      const ids = ports.map((p) => p.id);
      expect(new Set(ids).size, `duplicate port id in ${ids.join(", ")}`).toBe(ids.length);
      for (const id of ids) expect(idSchema.safeParse(id).success, id).toBe(true);
    }
    for (const input of node.inputs) {
      const accepted = acceptedTypes(input);
      expect(accepted.length, input.id).toBeGreaterThan(0);
      for (const t of accepted) expect(isPortType(t), `${input.id} accepts ${t}`).toBe(true);
    }
    for (const output of node.outputs) expect(isPortType(output.type), `${output.id}: ${output.type}`).toBe(true);
    if (node.role === "input") expect(node.inputs).toEqual([]);
  });

  it("runs on its own example, producing exactly its declared outputs with the declared types", async () => {
    const { example } = node;
    const params = node.params.parse(example.params ?? {});
    const required = node.inputs.filter((p) => !p.optional).map((p) => p.id);
    for (const id of required) expect(Object.keys(example.inputs), `example lacks input '${id}'`).toContain(id);

    const inputs = structuredClone(example.inputs);
    const ctx = makeTestContext({ runInputs: example.runInputs ?? {}, models: await sharedModelService(), sandbox });
    const outputs = await node.run(inputs, params, ctx);

    expect(Object.keys(outputs).sort()).toEqual(node.outputs.map((o) => o.id).sort());
    for (const port of node.outputs) {
      expect(checkPortValue(port.type, outputs[port.id]), `${node.type}.${port.id}`).toBeUndefined();
    }
    expect(inputs, "run mutated its inputs").toEqual(example.inputs);
    if (node.preview) expect(previewSummarySchema.safeParse(node.preview(outputs, params)).success).toBe(true);
  });
});

/** Relative and bare import specifiers of a TS source (static, re-export and dynamic forms). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\/\/\/\s*<reference\s+path=["']([^"']+)["']/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]!);
  return found;
}

function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`cannot resolve '${specifier}' from ${fromFile}`);
}

/** Every file reachable from `entry` by relative imports, and every bare package it names. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) queue.push(resolveRelative(file, spec));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

describe("specs entry points stay browser-safe", () => {
  // Packages a browser bundle may pull in through a spec. Anything else (onnxruntime-node,
  // vader-sentiment, node:fs...) belongs in run code.
  const BROWSER_SAFE = new Set(["@attune/graph", "zod"]);

  it.each(FAMILIES.map((f) => f.name))("%s/src/specs.ts reaches no run.ts and no node-only package", (family) => {
    const entry = join(NODES_DIR, family, "src", "specs.ts");
    const { files, packages } = importGraph(entry);
    const reached = [...files].map((f) => relative(NODES_DIR, f));
    expect(reached.filter((f) => /(^|\/)run\.ts$/.test(f))).toEqual([]);
    expect(reached.filter((f) => /(^|\/)index\.ts$/.test(f))).toEqual([]);
    expect([...packages].filter((p) => !BROWSER_SAFE.has(p))).toEqual([]);
    // Reaching the spec files at all shows the walk follows imports (guards a vacuous pass).
    expect(reached.some((f) => f.endsWith("/spec.ts"))).toBe(true);
  });

  it("the import walk does catch run code when it is there", () => {
    const { files, packages } = importGraph(join(NODES_DIR, "nlp", "src", "index.ts"));
    expect([...files].some((f) => f.endsWith("sentiment/run.ts"))).toBe(true);
    expect(packages.has("vader-sentiment")).toBe(true);
  });
});

/**
 * Golden-test machinery for templates: loads a template folder, turns its sample inputs into run
 * inputs, runs its cases turn by turn in one session, and checks the assertions of
 * `samples/expected.json`. Kept apart from the test so the format is documented in one place.
 *
 * samples/inputs.json: named input sets, each mapping run input names to a value:
 *   - a string, number or boolean: passed as is (text and number inputs);
 *   - { "file": "angry-caller.wav", "mimeType"?: "audio/wav" }: bytes of a file in samples/;
 *   - { "npmFile": "@vladmandic/face-api/demo/sample1.jpg", "mimeType"?: "image/jpeg" }: bytes of a
 *     file shipped by an installed npm package (photos of people are referenced, never copied).
 *
 * samples/expected.json: { "cases": [ { name, secondsBetweenTurns?, turns: [ { inputs, expect } ] } ] }
 * where `inputs` names an input set and every assertion reads a result field by path (`action.name`,
 * `contributors.used`) or a node's status. Assertions check what a user would notice (an action,
 * a label in a set, a value above a bound), never exact floats.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { topLabel, type EmotionScores, type MediaBytes, type ModelService, type Plan } from "@attune/graph";
import { execute, MemorySessionStateStore, type NodeStatus, type RunResult } from "@attune/runtime";
import { z } from "zod";
import type { RunnerRegistry } from "../apps/runner/src/registry";

export const TEMPLATES_DIR = dirname(fileURLToPath(import.meta.url));

/** Template folders: every directory of templates/ that holds a pipeline.json. */
export function templateSlugs(): string[] {
  return readdirSync(TEMPLATES_DIR)
    .filter((name) => statSync(join(TEMPLATES_DIR, name)).isDirectory() && existsSync(join(TEMPLATES_DIR, name, "pipeline.json")))
    .sort();
}

/** README sections every template has (level-2 headings, in this order). */
export const README_SECTIONS = ["What it does", "When to use it", "Nodes", "Limits", "Ethical notes"] as const;

// ---- sample inputs ---------------------------------------------------------------------------

const fileRefSchema = z.object({ file: z.string().min(1), mimeType: z.string().optional() }).strict();
const npmFileRefSchema = z.object({ npmFile: z.string().min(1), mimeType: z.string().optional() }).strict();
const inputValueSchema = z.union([z.string(), z.number(), z.boolean(), fileRefSchema, npmFileRefSchema]);
export const inputsFileSchema = z.record(z.string(), z.record(z.string(), inputValueSchema));
export type InputSets = z.infer<typeof inputsFileSchema>;

/** Licences under which a package's sample files may be used by reference in a template. */
export const PERMISSIVE_LICENSES = ["MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC"];

/** The folder of an installed npm package, found the way Node looks it up from templates/. */
export function packageDir(name: string): string {
  const require = createRequire(join(TEMPLATES_DIR, "golden.ts"));
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  throw new Error(`npm package '${name}' is not installed`);
}

/** Splits "@scope/pkg/some/file.jpg" or "pkg/some/file.jpg" into the package name and the file path. */
export function splitNpmFile(ref: string): { pkg: string; path: string } {
  const parts = ref.split("/");
  const take = ref.startsWith("@") ? 2 : 1;
  const pkg = parts.slice(0, take).join("/");
  const path = parts.slice(take).join("/");
  if (!pkg || !path) throw new Error(`'${ref}' must name a package and a file inside it`);
  return { pkg, path };
}

function inside(base: string, rel: string): string {
  const full = resolve(base, normalize(rel));
  if (!full.startsWith(base + sep)) throw new Error(`'${rel}' points outside ${base}`);
  return full;
}

/** Where a file reference reads from, and the licence it comes under for npm files. */
export function locateSample(samplesDir: string, value: z.infer<typeof fileRefSchema> | z.infer<typeof npmFileRefSchema>): { path: string; license?: string; pkg?: string } {
  if ("file" in value) return { path: inside(samplesDir, value.file) };
  const { pkg, path } = splitNpmFile(value.npmFile);
  const dir = packageDir(pkg);
  const license = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { license?: string }).license;
  return { path: inside(dir, path), pkg, ...(license ? { license } : {}) };
}

/** An input set as run inputs: file references become MediaBytes, like a runner upload. */
export function resolveInputSet(samplesDir: string, set: Record<string, z.infer<typeof inputValueSchema>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(set)) {
    if (typeof value !== "object") {
      out[name] = value;
      continue;
    }
    const { path } = locateSample(samplesDir, value);
    const buffer = readFileSync(path);
    const media: MediaBytes = {
      bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      filename: path.split(sep).pop()!,
      ...(value.mimeType ? { mimeType: value.mimeType } : {}),
    };
    out[name] = media;
  }
  return out;
}

// ---- expectations ----------------------------------------------------------------------------

const NODE_STATUSES = ["ok", "failed", "skipped", "cancelled"] as const satisfies readonly NodeStatus[];

/**
 * One check on a turn's result. `path` reads a result field (`action.name`, `contributors.used`,
 * `scores.scores.negative`); `node` + `status` checks how a node ended (e.g. a missing modality).
 */
export const assertionSchema = z
  .object({
    path: z.string().min(1).optional(),
    node: z.string().min(1).optional(),
    /** Why this matters, shown when it fails. */
    why: z.string().optional(),
    present: z.boolean().optional(),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    in: z.array(z.union([z.string(), z.number()])).min(1).optional(),
    notIn: z.array(z.union([z.string(), z.number()])).min(1).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    contains: z.string().optional(),
    startsWith: z.string().optional(),
    includes: z.union([z.string(), z.number()]).optional(),
    excludes: z.union([z.string(), z.number()]).optional(),
    /** The top label of an emotion-scores value is one of these. */
    topLabelIn: z.array(z.string()).min(1).optional(),
    /** Score of `label` minus score of `than`, both in the emotion-scores value at `path`, exceeds this. */
    scoreAbove: z.object({ label: z.string(), than: z.string(), by: z.number().default(0) }).optional(),
    status: z.enum(NODE_STATUSES).optional(),
    runStatus: z.enum(["ok", "partial", "failed", "cancelled"]).optional(),
  })
  .strict()
  .refine((a) => Object.keys(a).some((k) => !["path", "node", "why"].includes(k)), { message: "an assertion must check something" })
  .refine((a) => a.status === undefined || a.node !== undefined, { message: "'status' needs 'node'" })
  .refine((a) => a.node === undefined || a.status !== undefined, { message: "'node' needs 'status'" });
export type Assertion = z.infer<typeof assertionSchema>;

export const expectedFileSchema = z
  .object({
    cases: z
      .array(
        z
          .object({
            name: z.string().min(1),
            description: z.string().optional(),
            /** Clock advance between turns of the case (stateful nodes read it: mood decay, rule durations). */
            secondsBetweenTurns: z.number().min(0).default(5),
            turns: z.array(z.object({ inputs: z.string().min(1), expect: z.array(assertionSchema).default([]) }).strict()).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type ExpectedFile = z.infer<typeof expectedFileSchema>;
export type GoldenCase = ExpectedFile["cases"][number];

/** Reads `a.b.0.c` from the run's outputs; the first segment is the result field name. */
export function readPath(outputs: Record<string, unknown>, path: string): { found: boolean; value: unknown } {
  let value: unknown = outputs;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return { found: false, value: undefined };
    value = (value as Record<string, unknown>)[key];
  }
  return { found: true, value };
}

function isScores(value: unknown): value is EmotionScores {
  return typeof value === "object" && value !== null && typeof (value as EmotionScores).taxonomy === "string" && typeof (value as EmotionScores).scores === "object";
}

const show = (v: unknown) => {
  const text = JSON.stringify(v, (_k, x: unknown) => (typeof x === "number" ? Number(x.toFixed(3)) : x));
  return text === undefined ? "undefined" : text.length > 300 ? `${text.slice(0, 300)}...` : text;
};

/** Every way the result fails the assertion, as sentences (empty when it holds). */
export function checkAssertion(result: RunResult, a: Assertion): string[] {
  const problems: string[] = [];
  const fail = (msg: string) => problems.push(`${a.path ?? a.node ?? "run"}: ${msg}${a.why ? ` (${a.why})` : ""}`);
  if (a.runStatus !== undefined && result.status !== a.runStatus) fail(`run status is ${result.status}, expected ${a.runStatus}`);
  if (a.node !== undefined) {
    const status = result.nodes[a.node]?.status ?? "not in plan";
    if (status !== a.status) fail(`node '${a.node}' ended ${status}, expected ${a.status}`);
  }
  if (a.path === undefined) return problems;

  const { found, value } = readPath(result.outputs, a.path);
  if (a.present !== undefined && found !== a.present) fail(a.present ? "is missing from the result" : `is present (${show(value)})`);
  const needsValue = Object.keys(a).some((k) => !["path", "node", "why", "present", "status", "runStatus"].includes(k));
  if (!needsValue) return problems;
  if (!found) {
    fail(`is missing from the result; outputs: ${show(Object.keys(result.outputs))}`);
    return problems;
  }
  if (a.equals !== undefined && value !== a.equals) fail(`is ${show(value)}, expected ${show(a.equals)}`);
  if (a.in !== undefined && !a.in.includes(value as string | number)) fail(`is ${show(value)}, expected one of ${show(a.in)}`);
  if (a.notIn !== undefined && a.notIn.includes(value as string | number)) fail(`is ${show(value)}, expected none of ${show(a.notIn)}`);
  for (const [op, bound] of [["gt", a.gt], ["gte", a.gte], ["lt", a.lt], ["lte", a.lte]] as const) {
    if (bound === undefined) continue;
    if (typeof value !== "number") {
      fail(`is ${show(value)}, expected a number ${op} ${bound}`);
      continue;
    }
    const ok = op === "gt" ? value > bound : op === "gte" ? value >= bound : op === "lt" ? value < bound : value <= bound;
    if (!ok) fail(`is ${show(value)}, expected ${op} ${bound}`);
  }
  if (a.contains !== undefined && !(typeof value === "string" && value.includes(a.contains))) fail(`is ${show(value)}, expected it to contain ${show(a.contains)}`);
  if (a.startsWith !== undefined && !(typeof value === "string" && value.startsWith(a.startsWith))) fail(`is ${show(value)}, expected it to start with ${show(a.startsWith)}`);
  if (a.includes !== undefined && !(Array.isArray(value) && value.includes(a.includes))) fail(`is ${show(value)}, expected it to include ${show(a.includes)}`);
  if (a.excludes !== undefined && !(Array.isArray(value) && !value.includes(a.excludes))) fail(`is ${show(value)}, expected it not to include ${show(a.excludes)}`);
  if (a.topLabelIn !== undefined || a.scoreAbove !== undefined) {
    if (!isScores(value)) fail(`is ${show(value)}, expected emotion scores`);
    else {
      if (a.topLabelIn !== undefined) {
        const top = topLabel(value)?.label;
        if (top === undefined || !a.topLabelIn.includes(top)) fail(`top label is ${show(top)} in ${show(value.scores)}, expected one of ${show(a.topLabelIn)}`);
      }
      if (a.scoreAbove !== undefined) {
        const { label, than, by } = a.scoreAbove;
        const x = value.scores[label];
        const y = value.scores[than];
        if (x === undefined || y === undefined || !(x - y > by)) fail(`${label} ${show(x)} - ${than} ${show(y)} is not above ${by}`);
      }
    }
  }
  return problems;
}

// ---- running ---------------------------------------------------------------------------------

export interface TurnOutcome {
  turn: number;
  inputs: string;
  result: RunResult;
  problems: string[];
}

/**
 * Runs one case: every turn in the same session, with a clock that advances
 * `secondsBetweenTurns` per turn, so stateful nodes (mood, smoothing, rule streaks) see a
 * conversation rather than unrelated requests.
 */
export async function runCase(options: {
  plan: Plan;
  registry: RunnerRegistry;
  models: ModelService;
  samplesDir: string;
  inputSets: InputSets;
  goldenCase: GoldenCase;
}): Promise<TurnOutcome[]> {
  const { plan, registry, models, samplesDir, inputSets, goldenCase } = options;
  const state = new MemorySessionStateStore();
  const sessionId = `golden-${goldenCase.name.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
  const start = Date.UTC(2025, 0, 1, 9, 0, 0);
  const outcomes: TurnOutcome[] = [];
  for (const [i, turn] of goldenCase.turns.entries()) {
    const set = inputSets[turn.inputs];
    if (!set) throw new Error(`case '${goldenCase.name}' turn ${i + 1}: no input set '${turn.inputs}' in inputs.json`);
    const at = start + i * goldenCase.secondsBetweenTurns * 1000;
    const result = await execute(plan, {
      registry,
      models,
      inputs: resolveInputSet(samplesDir, set),
      sessionId,
      state,
      now: () => at,
      nodeTimeoutMs: 60_000,
    });
    const problems = turn.expect.flatMap((a) => checkAssertion(result, a)).map((p) => `turn ${i + 1} (${turn.inputs}): ${p}`);
    outcomes.push({ turn: i + 1, inputs: turn.inputs, result, problems });
  }
  return outcomes;
}

/** A short account of a run for failure messages: status, outputs and every node that did not finish ok. */
export function describeRun(result: RunResult): string {
  const broken = Object.entries(result.nodes)
    .filter(([, n]) => n.status !== "ok")
    .map(([id, n]) => `${id}: ${n.status}${n.error ? ` (${n.error.message})` : ""}${n.skippedBecause ? ` because ${n.skippedBecause}` : ""}`);
  return `status ${result.status}; outputs ${show(result.outputs)}${broken.length ? `; ${broken.join("; ")}` : ""}`;
}

// Bias audits end to end in the runner: real SQLite in a temp folder, the real runner on a loopback
// port, pipelines run by the real compiler and executor (core.code through the worker sandbox).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { auditItemsWithResults, createPipeline, openDatabase, type AttuneDb, type AuditInfo, type AuditReportDocument } from "@attune/db";
import { defineNode } from "@attune/graph";
import { createCodeSandbox, type WorkerCodeSandbox } from "@attune/nodes-core/code-sandbox";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createNodeRegistry } from "../registry";
import { buildServer, type BuildServerOptions } from "../server";

const TOKEN = "audit-test-token-0123456789";
const FIXTURE = readFileSync(path.join(import.meta.dirname, "fixtures", "dialect-sentiment.csv"), "utf8");

const node = (id: string, type: string, params: Record<string, unknown> = {}, x = 0) => ({ id, type, version: 1, params, position: { x, y: 0 } });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({ id: `${from}-${to}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

/** A keyword classifier in core.code: it knows the listed words and calls everything else neutral. */
function lexiconPipeline(positive: string[], negative: string[]) {
  const code = [
    `const t = String(input).toLowerCase();`,
    `const pos = ${JSON.stringify(positive)}.filter((w) => t.includes(w)).length;`,
    `const neg = ${JSON.stringify(negative)}.filter((w) => t.includes(w)).length;`,
    `const total = pos + neg + 0.5;`,
    `return { taxonomy: "sentiment3", calibrated: false, scores: { negative: neg / total, neutral: 0.5 / total, positive: pos / total } };`,
  ].join("\n");
  return {
    schemaVersion: 1,
    nodes: [node("text", "core.text-input", { name: "text" }), node("clf", "core.code", { code }, 1), node("out", "core.output", { name: "emotion" }, 2)],
    edges: [edge("text", "text", "clf", "input"), edge("clf", "output", "out", "value")],
  };
}
const STANDARD_POS = ["great", "love", "wonderful", "happy", "excellent", "good", "lovely"];
const STANDARD_NEG = ["terrible", "hate", "awful", "sad", "horrible", "bad"];
const DIALECT_POS = ["wicked", "mint", "chuffed", "buzzing", "lush"];
const DIALECT_NEG = ["gutted", "vexed", "pants", "minging", "cheesed off"];
/** Knows only standard English: dialect markers of sentiment read as neutral. */
const BIASED = lexiconPipeline(STANDARD_POS, STANDARD_NEG);
/** Knows both; still misses sarcasm, equally in both groups. */
const UNBIASED = lexiconPipeline([...STANDARD_POS, ...DIALECT_POS], [...STANDARD_NEG, ...DIALECT_NEG]);

/** Every row this node sees, so a test can tell whether a row ran twice. A little slow on purpose. */
const seen: string[] = [];
const slowNode = defineNode(
  {
    type: "core.test-slow-sentiment",
    version: 1,
    family: "core",
    title: "Slow sentiment (test)",
    description: "Records its input, waits, scores by one keyword.",
    inputs: [{ id: "text", label: "Text", accepts: "text" }],
    outputs: [{ id: "scores", label: "Scores", type: "scores:sentiment3" }],
    params: z.object({ delayMs: z.number().default(15) }),
    cacheable: false,
  },
  {
    run: async ({ text }, params, ctx) => {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, params.delayMs);
        ctx.signal.addEventListener("abort", () => (clearTimeout(timer), reject(ctx.signal.reason)), { once: true });
      });
      seen.push(String(text));
      const positive = String(text).toLowerCase().includes("great") ? 1 : 0;
      return { scores: { taxonomy: "sentiment3", calibrated: true, scores: { negative: 0, neutral: 1 - positive, positive } } };
    },
    example: { inputs: { text: "great" } },
  },
);
const SLOW = {
  schemaVersion: 1,
  nodes: [node("text", "core.text-input", { name: "message" }), node("slow", "core.test-slow-sentiment", {}, 1), node("out", "core.output", { name: "sentiment" }, 2)],
  edges: [edge("text", "text", "slow", "text"), edge("slow", "scores", "out", "value")],
};

interface Runner {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

let dir: string;
let db: AttuneDb;
let sandbox: WorkerCodeSandbox;
const registry = createNodeRegistry([slowNode]);

async function startRunner(options: Partial<BuildServerOptions> = {}): Promise<Runner> {
  const app = buildServer({ token: TOKEN, registry, sandbox, database: db, audits: { pollIntervalMs: 100, flushIntervalMs: 50, batchSize: 10 }, ...options });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}

async function http<T>(runner: Runner, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${runner.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T };
}

async function waitFor(runner: Runner, id: string, done: (a: AuditInfo) => boolean): Promise<AuditInfo> {
  for (;;) {
    const { body } = await http<AuditInfo>(runner, "GET", `/v1/audits/${id}`);
    if (done(body)) return body;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const codeAudit = (pipelineId: string, data = FIXTURE) => ({
  pipelineId,
  fileName: "dialect-sentiment.csv",
  format: "csv",
  data,
  inputs: { text: "text" },
  labelColumn: "label",
  groupColumns: ["dialect", "region"],
  output: "emotion",
  taxonomy: "sentiment3",
});

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "attune-audits-"));
  db = openDatabase(path.join(dir, "attune.db"));
  sandbox = createCodeSandbox({ workers: 2 });
});

afterAll(async () => {
  db?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("audit over a fixture data set (200 rows, two dialect groups)", () => {
  let runner: Runner;
  beforeAll(async () => (runner = await startRunner()));
  afterAll(async () => runner.close());

  async function runToReport(document: unknown): Promise<AuditReportDocument> {
    const pipeline = createPipeline(db, { name: "lexicon", document });
    const created = await http<AuditInfo>(runner, "POST", "/v1/audits", codeAudit(pipeline.id));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "queued", rowCount: 200, processed: 0, pipelineVersion: 1 });
    const done = await waitFor(runner, created.body.id, (a) => a.status !== "queued" && a.status !== "running");
    expect(done).toMatchObject({ status: "completed", processed: 200, errors: 0 });
    const report = await http<AuditReportDocument>(runner, "GET", `/v1/audits/${created.body.id}/report`);
    expect(report.status).toBe(200);
    return report.body;
  }

  it("detects the disparity of a pipeline that misreads one dialect (CI excludes 0)", async () => {
    const doc = await runToReport(BIASED);
    const dialect = doc.report.groupings.find((g) => g.column === "dialect")!;
    const byName = Object.fromEntries(dialect.groups.map((g) => [g.group, g]));
    // standard: only the 10 sarcastic rows wrong; dialect: only its 30 neutral rows right.
    expect(byName.standard).toMatchObject({ n: 100, scored: 100, accuracy: 0.9 });
    expect(byName.dialect).toMatchObject({ n: 100, scored: 100, accuracy: 0.3 });
    expect(byName.dialect!.recall).toEqual({ negative: 0, neutral: 1, positive: 0 });
    const gap = dialect.disparity.accuracy!;
    expect(gap).toMatchObject({ best: { group: "standard" }, worst: { group: "dialect" } });
    expect(gap.difference).toBeCloseTo(0.6, 12);
    expect(gap.ci!.low).toBeGreaterThan(0);
    expect(dialect.disparity.macroF1!.ci!.low).toBeGreaterThan(0);
    // region: 10 island rows are below the minimum of 30.
    const region = doc.report.groupings.find((g) => g.column === "region")!;
    expect(region.tooSmall).toEqual(["islands"]);
    expect(region.disparity.accuracy).toBeNull();
    expect(doc).toMatchObject({ taxonomy: "sentiment3", calibrated: false, output: "emotion", pipeline: { version: 1 } });
  });

  it("finds no disparity for a pipeline that reads both dialects (CI includes 0)", async () => {
    const doc = await runToReport(UNBIASED);
    const dialect = doc.report.groupings.find((g) => g.column === "dialect")!;
    expect(dialect.groups.map((g) => g.accuracy)).toEqual([0.9, 0.9]);
    const ci = dialect.disparity.accuracy!.ci!;
    expect(ci.low).toBeLessThanOrEqual(0);
    expect(ci.high).toBeGreaterThanOrEqual(0);
    expect(ci.high - ci.low).toBeGreaterThan(0);
  });

  it("shows the latest disparity on the pipeline, and exports JSON and a self-contained HTML page", async () => {
    const pipeline = createPipeline(db, { name: "biased" , document: BIASED });
    const created = await http<AuditInfo>(runner, "POST", "/v1/audits", codeAudit(pipeline.id));
    const done = await waitFor(runner, created.body.id, (a) => a.status === "completed");
    expect(done.summary).toMatchObject({ column: "dialect", accuracy: { best: "standard", worst: "dialect", difference: expect.closeTo(0.6, 9) } });
    const html = await http<string>(runner, "GET", `/v1/audits/${created.body.id}/report?format=html`);
    expect(html.status).toBe(200);
    expect(html.body).toContain("<svg");
    expect(html.body).toContain("Accuracy by dialect");
    expect(html.body).toContain("too small to judge");
    expect(html.body).not.toMatch(/<script|(src|href)="http/);
    const list = await http<{ audits: AuditInfo[] }>(runner, "GET", `/v1/audits?pipelineId=${pipeline.id}`);
    expect(list.body.audits.map((a) => a.id)).toEqual([created.body.id]);
  });

  it("streams progress as server-sent events until the audit stops", async () => {
    const pipeline = createPipeline(db, { name: "sse", document: UNBIASED });
    const created = await http<AuditInfo>(runner, "POST", "/v1/audits", codeAudit(pipeline.id));
    const res = await fetch(`${runner.url}/v1/audits/${created.body.id}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = (await res.text())
      .split("\n\n")
      .filter((f) => f.startsWith("event: progress"))
      .map((f) => JSON.parse(f.split("data: ")[1]!) as { status: string; processed: number });
    expect(events.at(-1)).toMatchObject({ status: "completed", processed: 200 });
    const counts = events.map((e) => e.processed);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it("rejects bad uploads with line numbers and stores nothing", async () => {
    const pipeline = createPipeline(db, { name: "rejects", document: BIASED });
    const countAudits = () => (db.sqlite.prepare("select count(*) as n from audits").get() as { n: number }).n;
    const countItems = () => (db.sqlite.prepare("select count(*) as n from audit_items").get() as { n: number }).n;
    const before = [countAudits(), countItems()];

    const broken = await http<{ error: { code: string; problems: { line?: number; message: string }[] } }>(
      runner, "POST", "/v1/audits", codeAudit(pipeline.id, 'text,label,dialect,region\nfine,positive,standard,mainland\n"never closed,positive,standard,mainland\n'),
    );
    expect(broken.status).toBe(422);
    expect(broken.body.error.problems).toEqual([{ line: 3, message: "a quoted field is never closed" }]);

    const ragged = await http<{ error: { problems: { line?: number }[] } }>(runner, "POST", "/v1/audits", codeAudit(pipeline.id, "text,label,dialect,region\na,positive,x\nb,positive,x,y\nc\n"));
    expect(ragged.body.error.problems.map((p) => p.line)).toEqual([2, 4]);

    const jsonl = await http<{ error: { problems: { line?: number }[] } }>(runner, "POST", "/v1/audits", { ...codeAudit(pipeline.id, '{"text":"a","label":"positive","dialect":"x","region":"y"}\n{oops\n'), format: "jsonl" });
    expect(jsonl.body.error.problems.map((p) => p.line)).toEqual([2]);

    const unknown = await http<{ error: { problems: { line?: number; message: string }[] } }>(
      runner, "POST", "/v1/audits", codeAudit(pipeline.id, "text,label,dialect,region\na,positive,x,y\nb,joy,x,y\nc,Joy,x,y\nd,,x,y\n"),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.problems).toEqual([
      { line: 3, message: expect.stringMatching(/^label 'joy' is not in sentiment3 \(2 rows, lines 3, 4\)/) },
      { line: 5, message: expect.stringMatching(/^empty label \(1 row, lines 5\)/) },
    ]);

    const mapping = await http<{ error: { problems: { message: string }[] } }>(runner, "POST", "/v1/audits", { ...codeAudit(pipeline.id), inputs: {}, labelColumn: "nope", output: "missing" });
    expect(mapping.body.error.problems.map((p) => p.message)).toEqual([
      "map a column to the pipeline input 'text'",
      "no label column 'nope' in the file",
      "the pipeline has no output named 'missing'",
    ]);
    const noTaxonomy = await http<{ error: { problems: { message: string }[] } }>(runner, "POST", "/v1/audits", { ...codeAudit(pipeline.id), taxonomy: undefined });
    expect(noTaxonomy.body.error.problems[0]!.message).toBe("output 'emotion' is json: name the taxonomy its scores use");

    expect([countAudits(), countItems()]).toEqual(before);
  });
});

describe("cancel, resume and restart lose nothing", () => {
  const slowAudit = (pipelineId: string) => ({ ...codeAudit(pipelineId), inputs: { message: "text" }, output: "sentiment", taxonomy: undefined });
  /** The report without its timestamps and ids: what a straight run and a resumed run must share. */
  const essence = (doc: AuditReportDocument) => doc.report;

  async function straightRun(runner: Runner, pipelineId: string): Promise<AuditReportDocument> {
    const created = await http<AuditInfo>(runner, "POST", "/v1/audits", slowAudit(pipelineId));
    await waitFor(runner, created.body.id, (a) => a.status === "completed");
    return (await http<AuditReportDocument>(runner, "GET", `/v1/audits/${created.body.id}/report`)).body;
  }

  function expectEveryRowOnce(auditId: string) {
    const items = auditItemsWithResults(db, auditId);
    expect(items).toHaveLength(200);
    expect(items.every((i) => i.done && i.predicted !== null)).toBe(true);
  }

  it("cancel then resume continues from the first unprocessed row: no row twice, none missing", async () => {
    const runner = await startRunner();
    try {
      const pipeline = createPipeline(db, { name: "slow", document: SLOW });
      const reference = await straightRun(runner, pipeline.id);

      seen.length = 0;
      const created = await http<AuditInfo>(runner, "POST", "/v1/audits", slowAudit(pipeline.id));
      await waitFor(runner, created.body.id, (a) => a.processed >= 40);
      const cancelling = await http<AuditInfo>(runner, "POST", `/v1/audits/${created.body.id}/cancel`);
      expect(cancelling.status).toBe(200);
      const cancelled = await waitFor(runner, created.body.id, (a) => a.status === "cancelled");
      expect(cancelled.processed).toBeGreaterThanOrEqual(40);
      expect(cancelled.processed).toBeLessThan(200);
      // The rows done are exactly a prefix in row order (dispatch is in order, in-flight rows drained).
      const done = auditItemsWithResults(db, created.body.id).filter((i) => i.done).map((i) => i.rowIndex);
      expect(done).toEqual(Array.from({ length: cancelled.processed }, (_, i) => i));
      expect(seen).toHaveLength(cancelled.processed);

      const resumed = await http<AuditInfo>(runner, "POST", `/v1/audits/${created.body.id}/resume`);
      expect(resumed.body.status).toBe("queued");
      const finished = await waitFor(runner, created.body.id, (a) => a.status === "completed");
      expect(finished).toMatchObject({ processed: 200, errors: 0 });
      // Every row ran exactly once across the cancel and the resume.
      expect(seen).toHaveLength(200);
      const rowTexts = FIXTURE.trim().split("\n").slice(1);
      expect(new Set(seen).size).toBe(new Set(rowTexts.map((l) => (l.startsWith('"') ? l.slice(1, l.indexOf('"', 1)) : l.split(",")[0]))).size);
      expectEveryRowOnce(created.body.id);
      const report = (await http<AuditReportDocument>(runner, "GET", `/v1/audits/${created.body.id}/report`)).body;
      expect(essence(report)).toEqual(essence(reference));

      // A completed audit cannot be resumed; an unknown one is a 404.
      expect((await http(runner, "POST", `/v1/audits/${created.body.id}/resume`)).status).toBe(409);
      expect((await http(runner, "GET", "/v1/audits/nope")).status).toBe(404);
    } finally {
      await runner.close();
    }
  });

  it("a runner shutdown leaves the audit interrupted; a new runner resumes it to the same report", async () => {
    const pipeline = createPipeline(db, { name: "restart", document: SLOW });
    let runner = await startRunner();
    const reference = await straightRun(runner, pipeline.id);
    const created = await http<AuditInfo>(runner, "POST", "/v1/audits", slowAudit(pipeline.id));
    await waitFor(runner, created.body.id, (a) => a.processed >= 30);
    await runner.close();

    runner = await startRunner();
    try {
      const interrupted = (await http<AuditInfo>(runner, "GET", `/v1/audits/${created.body.id}`)).body;
      expect(interrupted.status).toBe("interrupted");
      expect(interrupted.processed).toBeGreaterThanOrEqual(30);
      expect(interrupted.processed).toBeLessThan(200);
      await http(runner, "POST", `/v1/audits/${created.body.id}/resume`);
      const finished = await waitFor(runner, created.body.id, (a) => a.status === "completed");
      expect(finished.processed).toBe(200);
      expectEveryRowOnce(created.body.id);
      const report = (await http<AuditReportDocument>(runner, "GET", `/v1/audits/${created.body.id}/report`)).body;
      expect(essence(report)).toEqual(essence(reference));
    } finally {
      await runner.close();
    }
  });

  it("an audit left running by a runner that died is marked interrupted at the next start", async () => {
    const pipeline = createPipeline(db, { name: "crash", document: SLOW });
    let runner = await startRunner();
    const created = await http<AuditInfo>(runner, "POST", "/v1/audits", slowAudit(pipeline.id));
    await waitFor(runner, created.body.id, (a) => a.processed >= 10);
    await runner.close();
    // What a kill -9 leaves behind: the row still says running.
    db.sqlite.prepare("update audits set status = 'running' where id = ?").run(created.body.id);
    runner = await startRunner();
    try {
      const after = (await http<AuditInfo>(runner, "GET", `/v1/audits/${created.body.id}`)).body;
      expect(after.status).toBe("interrupted");
      expect(after.error).toMatch(/runner stopped/);
      await http(runner, "POST", `/v1/audits/${created.body.id}/resume`);
      await waitFor(runner, created.body.id, (a) => a.status === "completed");
      expectEveryRowOnce(created.body.id);
    } finally {
      await runner.close();
    }
  });
});

// The studio's side of bias audits through the real tRPC router and a real SQLite file: set-up
// checks, the job state machine the runner shares, and the figures shown on lists and model cards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { claimNextAudit, completeAudit, interruptRunningAudits, openDatabase, pendingAuditItems, recordAuditResults, type AttuneDb } from "@attune/db";
import { NodeRegistry, type NodeSpec } from "@attune/graph";
import { specs as coreSpecs } from "@attune/nodes-core/specs";
import { specs as nlpSpecs } from "@attune/nodes-nlp/specs";
import { specs as modelSpecs } from "@attune/nodes-model/specs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppRouter, createContext } from "../index";

const specs = new NodeRegistry<NodeSpec>([...coreSpecs, ...nlpSpecs, ...modelSpecs]);
const node = (id: string, type: string, params: Record<string, unknown> = {}, x = 0) => ({ id, type, version: 1, params, position: { x, y: 0 } });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({ id: `${from}-${to}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
const EMOTION = {
  schemaVersion: 1 as const,
  nodes: [node("t", "core.text-input", { name: "utterance" }), node("m", "nlp.text-emotion", {}, 1), node("o", "core.output", { name: "emotion" }, 2)],
  edges: [edge("t", "text", "m", "text"), edge("m", "scores", "o", "value")],
};
const CSV = ["utterance,label,lang", ...Array.from({ length: 8 }, (_, i) => `"text ${i}",${i % 2 ? "joy" : "anger"},${i < 4 ? "en" : "de"}`)].join("\n");

let dir: string;
let db: AttuneDb;
let api: ReturnType<ReturnType<typeof createAppRouter>["createCaller"]>;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "attune-api-audits-"));
  db = openDatabase(path.join(dir, "attune.db"));
  api = createAppRouter().createCaller(createContext({ db, specs }));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (pipelineId: string, data = CSV) => ({ pipelineId, fileName: "x.csv", format: "csv" as const, data, inputs: { utterance: "utterance" }, labelColumn: "label", groupColumns: ["lang"], output: "emotion", params: { minGroupSize: 2, bootstrapIterations: 200 } });

describe("audits router", () => {
  it("describes what can be mapped: inputs and the scores output with its taxonomy", async () => {
    const p = await api.pipelines.create({ name: "emotion", document: EMOTION });
    expect(await api.audits.targets({ pipelineId: p.id })).toEqual({
      pipelineId: p.id,
      version: 1,
      inputs: [{ name: "utterance", type: "text", supported: true }],
      outputs: [{ name: "emotion", portType: "scores:ekman7", taxonomy: "ekman7", usable: true }],
      problems: [],
    });
  });

  it("returns every set-up problem as data and stores nothing", async () => {
    const p = await api.pipelines.create({ name: "emotion", document: EMOTION });
    const result = await api.audits.create(request(p.id, "utterance,label,lang\na,joy,en\nb,happiness,en\n"));
    expect(result).toEqual({ ok: false, problems: [{ line: 3, message: expect.stringContaining("label 'happiness' is not in ekman7") }] });
    expect(await api.audits.list({ pipelineId: p.id })).toEqual([]);
  });

  it("runs the state machine: queued -> cancelled -> queued -> running -> cancel asked -> cancelled", async () => {
    const p = await api.pipelines.create({ name: "emotion", document: EMOTION });
    const created = await api.audits.create(request(p.id));
    if (!created.ok) throw new Error("expected ok");
    expect(created.audit).toMatchObject({ status: "queued", rowCount: 8, processed: 0 });
    expect((await api.audits.cancel({ id: created.audit.id })).status).toBe("cancelled");
    expect((await api.audits.resume({ id: created.audit.id })).status).toBe("queued");
    expect(claimNextAudit(db)?.id).toBe(created.audit.id);
    const asked = await api.audits.cancel({ id: created.audit.id });
    expect(asked).toMatchObject({ status: "running", cancelRequested: true });
    // The runner died before acting on it: a cancel that was asked for still counts.
    interruptRunningAudits(db);
    expect((await api.audits.get({ id: created.audit.id })).status).toBe("cancelled");
    await expect(api.audits.get({ id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("after completion: report, HTML export, latest disparity per pipeline and per single-model", async () => {
    const p = await api.pipelines.create({ name: "emotion <b>", document: EMOTION });
    const created = await api.audits.create(request(p.id));
    if (!created.ok) throw new Error("expected ok");
    expect(claimNextAudit(db)?.id).toBe(created.audit.id);
    // Play the runner: English rows right, German rows called "neutral".
    const rows = pendingAuditItems(db, created.audit.id, -1, 100);
    recordAuditResults(
      db,
      created.audit.id,
      rows.map((r) => {
        const right = r.rowIndex < 4 ? (r.rowIndex % 2 ? "joy" : "anger") : "neutral";
        return { rowIndex: r.rowIndex, predicted: right, scores: { calibrated: true, scores: { [right]: 0.9, surprise: 0.1 } }, errorCode: null, errorMessage: null, durationMs: 1 };
      }),
    );
    // A second write of the same rows changes nothing: a result is recorded once.
    expect(recordAuditResults(db, created.audit.id, [{ rowIndex: 0, predicted: "joy", scores: null, errorCode: null, errorMessage: null, durationMs: 1 }]).recorded).toBe(0);
    completeAudit(db, created.audit.id);
    await expect(api.audits.resume({ id: created.audit.id })).rejects.toMatchObject({ code: "CONFLICT" });

    const doc = (await api.audits.report({ id: created.audit.id }))!;
    expect(doc.report.groupings[0]!.disparity.accuracy).toMatchObject({ best: { group: "en", value: 1 }, worst: { group: "de", value: 0 }, difference: 1 });
    const { html, fileName } = await api.audits.exportHtml({ id: created.audit.id });
    expect(fileName).toBe("audit-emotion-b-v1.html");
    expect(html).toContain("emotion &lt;b&gt;");
    const latest = await api.audits.latest({ pipelineIds: [p.id] });
    expect(latest[p.id]).toMatchObject({ auditId: created.audit.id, summary: { column: "lang", accuracy: { difference: 1, best: "en", worst: "de" } } });
    const byModel = await api.audits.byModel();
    expect(byModel["text-emotion"]).toContainEqual(expect.objectContaining({ pipelineId: p.id, auditId: created.audit.id }));
  });
});

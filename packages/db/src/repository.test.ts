import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PipelineDocument } from "@attune/graph";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConflictError,
  CorruptDocumentError,
  createPipeline,
  deletePipeline,
  duplicatePipeline,
  getPipeline,
  getVersion,
  InvalidDocumentError,
  listPipelines,
  listVersions,
  NotFoundError,
  openDatabase,
  renamePipeline,
  restoreVersion,
  savePipeline,
  type AttuneDb,
} from "./index";

function doc(...nodeIds: string[]): PipelineDocument {
  return {
    schemaVersion: 1,
    nodes: nodeIds.map((id, i) => ({ id, type: "core.text-input", version: 1, params: { name: id }, position: { x: i * 10, y: 0 } })),
    edges: [],
  };
}

function rowCounts(db: AttuneDb): { pipelines: number; versions: number } {
  const count = (table: string) => (db.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { pipelines: count("pipelines"), versions: count("pipeline_versions") };
}

let dir: string;
let file: string;
let db: AttuneDb;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "attune-db-"));
  // A nested folder that does not exist yet: openDatabase must create it.
  file = path.join(dir, "nested", "data", "attune.sqlite");
  db = openDatabase(file);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("openDatabase", () => {
  it("creates the folder and turns on WAL, foreign keys and a busy timeout", () => {
    expect(db.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.sqlite.pragma("busy_timeout", { simple: true })).toBeGreaterThan(0);
  });

  it("keeps data across reopen and applies each migration exactly once", () => {
    const created = createPipeline(db, { name: "Escalation", document: doc("a") });
    savePipeline(db, { id: created.id, baseVersion: 1, document: doc("a", "b"), message: "add b" });
    db.close();

    const journal = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../drizzle/meta/_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    for (let i = 0; i < 2; i++) {
      db = openDatabase(file);
      const applied = (db.sqlite.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n;
      expect(applied).toBe(journal.entries.length);
      const again = getPipeline(db, created.id);
      expect(again.name).toBe("Escalation");
      expect(again.headVersion).toBe(2);
      expect(again.document.nodes.map((n) => n.id)).toEqual(["a", "b"]);
      expect(listVersions(db, created.id).map((v) => v.message)).toEqual(["add b", null]);
      db.close();
    }
    db = openDatabase(file);
  });

  it("opens from any cwd (migrations resolve from the module, not the working directory)", () => {
    const before = process.cwd();
    try {
      process.chdir(dir);
      const other = openDatabase(path.join(dir, "other.sqlite"));
      expect(listPipelines(other)).toEqual([]);
      other.close();
    } finally {
      process.chdir(before);
    }
  });
});

describe("pipelines and versions", () => {
  it("creates with an empty document by default", () => {
    const p = createPipeline(db, { name: "  Blank  " });
    expect(p.name).toBe("Blank");
    expect(p.headVersion).toBe(1);
    expect(p.document).toEqual({ schemaVersion: 1, nodes: [], edges: [] });
    expect(listPipelines(db).map((s) => s.id)).toEqual([p.id]);
  });

  it("appends a version on every save and never rewrites an old one", () => {
    const p = createPipeline(db, { name: "P", document: doc("a") });
    const v2 = savePipeline(db, { id: p.id, baseVersion: 1, document: doc("a", "b"), message: "two" });
    const v3 = savePipeline(db, { id: p.id, baseVersion: 2, document: doc("c") });
    expect([v2.version, v3.version]).toEqual([2, 3]);

    expect(getVersion(db, p.id, 1).document.nodes.map((n) => n.id)).toEqual(["a"]);
    expect(getVersion(db, p.id, 2).document.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    expect(getPipeline(db, p.id).document.nodes.map((n) => n.id)).toEqual(["c"]);
    expect(listVersions(db, p.id).map((v) => [v.version, v.message, v.nodeCount])).toEqual([
      [3, null, 1],
      [2, "two", 2],
      [1, null, 1],
    ]);
    expect(listPipelines(db)[0]).toMatchObject({ id: p.id, headVersion: 3, nodeCount: 1 });
  });

  it("rejects a stale save with the current head and writes nothing", () => {
    const p = createPipeline(db, { name: "P", document: doc("a") });
    savePipeline(db, { id: p.id, baseVersion: 1, document: doc("a", "b") });
    const before = rowCounts(db);
    const updatedAt = getPipeline(db, p.id).updatedAt;

    let caught: unknown;
    try {
      savePipeline(db, { id: p.id, baseVersion: 1, document: doc("z") });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConflictError);
    expect((caught as ConflictError).currentHead).toBe(2);
    expect(rowCounts(db)).toEqual(before);
    const after = getPipeline(db, p.id);
    expect(after.headVersion).toBe(2);
    expect(after.updatedAt).toBe(updatedAt);
    expect(after.document.nodes.map((n) => n.id)).toEqual(["a", "b"]);
  });

  it("rejects a schema-invalid document on write with exact paths and writes nothing", () => {
    const p = createPipeline(db, { name: "P" });
    const before = rowCounts(db);
    const bad = { schemaVersion: 1, nodes: [{ id: "a", type: "core.text-input", version: 1, params: {}, position: { x: "1", y: 0 } }], edges: [] };
    expect(() => savePipeline(db, { id: p.id, baseVersion: 1, document: bad })).toThrow(InvalidDocumentError);
    try {
      savePipeline(db, { id: p.id, baseVersion: 1, document: bad });
    } catch (error) {
      expect((error as InvalidDocumentError).problems.map((x) => x.path)).toEqual(["nodes[0].position.x"]);
    }
    expect(() => createPipeline(db, { name: "Q", document: { nodes: [] } })).toThrow(InvalidDocumentError);
    expect(rowCounts(db)).toEqual(before);
  });

  it("restores an old version as a new version, keeping history intact", () => {
    const p = createPipeline(db, { name: "P", document: doc("a") });
    savePipeline(db, { id: p.id, baseVersion: 1, document: doc("b") });
    const restored = restoreVersion(db, { id: p.id, version: 1, baseVersion: 2 });
    expect(restored.version).toBe(3);
    expect(restored.message).toBe("Restored version 1");
    expect(getPipeline(db, p.id).document).toEqual(doc("a"));
    expect(getVersion(db, p.id, 2).document).toEqual(doc("b"));
    expect(listVersions(db, p.id).map((v) => v.version)).toEqual([3, 2, 1]);

    const before = rowCounts(db);
    expect(() => restoreVersion(db, { id: p.id, version: 2, baseVersion: 2 })).toThrow(ConflictError);
    expect(() => restoreVersion(db, { id: p.id, version: 9, baseVersion: 3 })).toThrow(NotFoundError);
    expect(rowCounts(db)).toEqual(before);
  });

  it("duplicates the head document into a fresh pipeline with its own history", () => {
    const p = createPipeline(db, { name: "Escalation", description: "angry caller", document: doc("a") });
    savePipeline(db, { id: p.id, baseVersion: 1, document: doc("a", "b") });
    const copy = duplicatePipeline(db, { id: p.id });
    expect(copy.id).not.toBe(p.id);
    expect(copy.name).toBe("Escalation (copy)");
    expect(copy.description).toBe("angry caller");
    expect(copy.headVersion).toBe(1);
    expect(copy.document).toEqual(doc("a", "b"));
    expect(listVersions(db, copy.id)).toHaveLength(1);

    // Editing the copy leaves the source alone.
    savePipeline(db, { id: copy.id, baseVersion: 1, document: doc("x") });
    expect(getPipeline(db, p.id).document).toEqual(doc("a", "b"));
  });

  it("renames without writing a version", () => {
    const p = createPipeline(db, { name: "Old" });
    const renamed = renamePipeline(db, { id: p.id, name: "New", description: "d" });
    expect(renamed).toMatchObject({ name: "New", description: "d", headVersion: 1 });
    expect(listVersions(db, p.id)).toHaveLength(1);
    expect(() => renamePipeline(db, { id: p.id, name: "   " })).toThrow(TypeError);
    expect(getPipeline(db, p.id).name).toBe("New");
  });

  it("deletes a pipeline and cascades to its versions", () => {
    const keep = createPipeline(db, { name: "Keep" });
    const p = createPipeline(db, { name: "Gone", document: doc("a") });
    savePipeline(db, { id: p.id, baseVersion: 1, document: doc("b") });
    expect(rowCounts(db)).toEqual({ pipelines: 2, versions: 3 });
    deletePipeline(db, p.id);
    expect(rowCounts(db)).toEqual({ pipelines: 1, versions: 1 });
    expect(() => getPipeline(db, p.id)).toThrow(NotFoundError);
    expect(() => deletePipeline(db, p.id)).toThrow(NotFoundError);
    expect(getPipeline(db, keep.id).name).toBe("Keep");
  });

  it("raises NotFoundError for unknown ids and versions", () => {
    const p = createPipeline(db, { name: "P" });
    expect(() => getPipeline(db, "nope")).toThrow(NotFoundError);
    expect(() => listVersions(db, "nope")).toThrow(NotFoundError);
    expect(() => savePipeline(db, { id: "nope", baseVersion: 1, document: doc() })).toThrow(NotFoundError);
    expect(() => duplicatePipeline(db, { id: "nope" })).toThrow(NotFoundError);
    expect(() => getVersion(db, p.id, 7)).toThrow(/has no version 7/);
    expect(() => getVersion(db, "nope", 1)).toThrow(/'nope' does not exist/);
  });

  it("reports a corrupt stored document naming the pipeline and version", () => {
    const p = createPipeline(db, { name: "P", document: doc("a") });
    savePipeline(db, { id: p.id, baseVersion: 1, document: doc("b") });
    db.sqlite.prepare("update pipeline_versions set document = ? where pipeline_id = ? and version = 2").run(
      JSON.stringify({ schemaVersion: 1, nodes: [{ id: "b" }], edges: [] }),
      p.id,
    );
    db.sqlite.prepare("update pipeline_versions set document = '{oops' where pipeline_id = ? and version = 1").run(p.id);

    let caught: unknown;
    try {
      getPipeline(db, p.id);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CorruptDocumentError);
    expect((caught as Error).message).toContain(`pipeline '${p.id}' version 2`);
    expect((caught as CorruptDocumentError).problems.map((x) => x.path)).toContain("nodes[0].type");
    expect(() => getVersion(db, p.id, 1)).toThrow(/version 1 .*not valid JSON/);
    // Listing does not parse documents, so one bad row does not hide every pipeline.
    expect(listPipelines(db)).toHaveLength(1);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compactableOutputs, compactOutputs, getRunOutputs, openDatabase, type AttuneDb, type RunLogEntry } from "@attune/db";
import { BackgroundWriter } from "../src/writes";

let dir: string;
let db: AttuneDb;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "attune-writer-"));
  db = openDatabase(path.join(dir, "attune.db"));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const entry = (i: number): RunLogEntry => ({
  runId: `run-${i}`,
  deploymentId: "dep",
  slug: "s",
  deploymentVersion: 1,
  at: Date.now(),
  status: "ok",
  httpStatus: 200,
  latencyMs: 1,
  keyId: null,
  keyName: null,
  errorCode: null,
});

/** Outputs as a pipeline may return them: scores, media, typed arrays, and values no thread can receive. */
const outputs = (i: number) => ({
  valence: -0.5 + i / 10_000,
  scores: { taxonomy: "sentiment3", calibrated: true, scores: { negative: 0.7, neutral: 0.2, positive: 0.1 }, extra: () => 1 },
  action: { name: "escalate", reason: "angry caller", at: Symbol("now") },
  embedding: new Float32Array([1, 2, 3]),
  callback: () => "not cloneable",
  text: "x".repeat(10_000),
});

describe("background writer", () => {
  it("loses nothing on close, even with non-cloneable outputs, and compacts in the worker", async () => {
    const errors: unknown[] = [];
    const writer = new BackgroundWriter(db.filePath, { flushIntervalMs: 60_000, batchChars: 100_000, onError: (e) => errors.push(e) });
    for (let i = 0; i < 1000; i++) writer.push({ ...entry(i), keyId: "k", keyName: "key", outputs: outputs(i) });
    // Refused calls have no outputs: a run log line only.
    for (let i = 1000; i < 1100; i++) writer.push({ ...entry(i), status: "rejected", httpStatus: 422, errorCode: "INVALID_INPUT" });
    await writer.close();
    expect(errors).toEqual([]);
    expect(writer.dropped).toBe(0);
    expect((db.sqlite.prepare("select count(*) as n from run_log").get() as { n: number }).n).toBe(1100);
    expect((db.sqlite.prepare("select count(*) as n from run_outputs").get() as { n: number }).n).toBe(1000);
    // Compacted in the worker exactly as it would have been from the raw outputs.
    expect(getRunOutputs(db, "run-7")!.snapshot).toEqual(compactOutputs(outputs(7)));
    // Closed: later pushes are ignored, not queued forever.
    writer.push(entry(5000));
    expect(writer.pending).toBe(0);
  });

  it("flush() resolves once what was pushed before it is readable from another connection", async () => {
    const writer = new BackgroundWriter(db.filePath, { flushIntervalMs: 60_000 });
    try {
      writer.push({ ...entry(0), runId: "late", deploymentVersion: 2, keyId: "k", keyName: "key", outputs: { valence: 0.25 } });
      expect(getRunOutputs(db, "late")).toBeUndefined();
      await writer.flush();
      expect(getRunOutputs(db, "late")).toMatchObject({ deploymentVersion: 2, snapshot: { numbers: { valence: 0.25 } } });
    } finally {
      await writer.close();
    }
  });

  it("hands over a batch once its JSON reaches batchChars, without waiting for the timer", async () => {
    const writer = new BackgroundWriter(db.filePath, { flushIntervalMs: 60_000, batchChars: 2_000 });
    const count = () => (db.sqlite.prepare("select count(*) as n from run_log").get() as { n: number }).n;
    try {
      // Each entry is a few hundred characters: 20 of them pass 2,000 well before the timer's minute.
      for (let i = 0; i < 20; i++) writer.push(entry(i));
      for (let waited = 0; count() < 20 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(count()).toBe(20);
    } finally {
      await writer.close();
    }
  });

  it("keeps the unwritten backlog bounded, dropping the oldest", async () => {
    const writer = new BackgroundWriter(db.filePath, { flushIntervalMs: 60_000, batchChars: 10_000_000, maxQueue: 100 });
    for (let i = 0; i < 250; i++) writer.push(entry(i));
    expect(writer.pending).toBe(100);
    expect(writer.dropped).toBe(150);
    await writer.close();
    const ids = (db.sqlite.prepare("select run_id as id from run_log order by id").all() as { id: string }[]).map((r) => r.id);
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe("run-150");
  });

  it("the subset that crosses threads as JSON compacts to the same snapshot", () => {
    // Non-finite numbers included: JSON would turn them into null, which compaction reads as a label.
    const odd = { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, nested: { x: Number.NaN, y: 2 }, scores: { taxonomy: "t", scores: { a: Number.NaN, b: 0.5 } } };
    for (const raw of [outputs(3), odd]) {
      const crossed = JSON.parse(JSON.stringify(compactableOutputs(raw))) as Record<string, unknown>;
      expect(compactOutputs(crossed)).toEqual(compactOutputs(raw));
    }
  });
});

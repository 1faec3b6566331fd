import { parentPort, workerData } from "node:worker_threads";
import {
  appendRunLog,
  appendRunOutputs,
  compactOutputs,
  getRunLogSettings,
  openDatabase,
  pruneRunLog,
  pruneRunOutputs,
  touchApiKeys,
  type AttuneDb,
  type RunLogEntry,
  type RunOutputsEntry,
} from "@attune/db";
import type { FromWriter, RunOutputsSource, ToWriter, WriterWorkerData } from "./protocol";

/**
 * The writer thread (see background-writer.ts): owns its own connection to the runner's SQLite
 * file and does the batched writes of the run log, keys' last-used times and run outputs snapshots
 * (compaction included), plus retention pruning, so none of it runs on the request event loop.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const port = parentPort!;
const data = workerData as WriterWorkerData;
const post = (message: FromWriter) => port.postMessage(message);
const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

let db: AttuneDb | undefined;
try {
  db = openDatabase(data.filePath);
} catch (error) {
  post({ type: "error", error: `cannot open ${data.filePath}: ${describe(error)}` });
}

function prune(): void {
  if (!db) return;
  try {
    pruneRunLog(db);
    // Unrated snapshots live as long as the run log (its retention setting); rated ones stay.
    pruneRunOutputs(db, Date.now() - getRunLogSettings(db).retentionDays * DAY_MS);
  } catch (error) {
    post({ type: "error", error: describe(error) });
  }
}
const pruneTimer = setInterval(prune, data.pruneIntervalMs);
prune();

function write(message: Extract<ToWriter, { type: "batch" }>): void {
  const count = message.runs.length + message.outputs.length;
  if (!db) return post({ type: "written", seq: message.seq, failed: count, error: "the database is not open" });
  try {
    const runs = message.runs.map((text) => JSON.parse(text) as RunLogEntry);
    const entries: RunOutputsEntry[] = message.outputs.map((text) => {
      const r = JSON.parse(text) as RunOutputsSource;
      return {
        runId: r.runId,
        deploymentId: r.deploymentId,
        slug: r.slug,
        deploymentVersion: r.version,
        keyId: r.keyId,
        at: r.at,
        snapshot: compactOutputs(r.outputs),
      };
    });
    const target = db;
    // One commit for the whole batch (the inner helpers' transactions become savepoints).
    target.sqlite.transaction(() => {
      appendRunLog(target, runs);
      touchApiKeys(target, message.touched);
      appendRunOutputs(target, entries);
    })();
    post({ type: "written", seq: message.seq, failed: 0 });
  } catch (error) {
    post({ type: "written", seq: message.seq, failed: count, error: describe(error) });
  }
}

port.on("message", (message: ToWriter) => {
  switch (message.type) {
    case "batch":
      return write(message);
    case "flush":
      return post({ type: "flushed", id: message.id });
    case "close":
      clearInterval(pruneTimer);
      try {
        db?.close();
      } catch (error) {
        post({ type: "error", error: describe(error) });
      }
      post({ type: "closed" });
      // Nothing else keeps the thread alive: it exits once the port is closed.
      port.close();
  }
});

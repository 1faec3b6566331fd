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
  type RunOutputsEntry,
} from "@attune/db";
import type { FromWriter, PublishedCallRecord, ToWriter, WriterWorkerData } from "./protocol";

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
  const count = message.count;
  if (!db) return post({ type: "written", seq: message.seq, failed: count, error: "the database is not open" });
  try {
    const calls = JSON.parse(message.calls) as PublishedCallRecord[];
    const snapshots: RunOutputsEntry[] = [];
    for (const call of calls) {
      // Only successful runs carry outputs, and those always ran with a key and a version.
      if (call.outputs === undefined || call.keyId === null || call.deploymentVersion === null) continue;
      snapshots.push({
        runId: call.runId,
        deploymentId: call.deploymentId,
        slug: call.slug,
        deploymentVersion: call.deploymentVersion,
        keyId: call.keyId,
        at: call.at,
        snapshot: compactOutputs(call.outputs),
      });
    }
    const target = db;
    // One commit for the whole batch (the inner helpers' transactions become savepoints).
    target.sqlite.transaction(() => {
      appendRunLog(target, calls);
      touchApiKeys(target, message.touched);
      appendRunOutputs(target, snapshots);
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

import type { RunLogEntry } from "@attune/db";

/**
 * One published call as it crosses to the writer thread: its run log entry and, for a run that
 * succeeded, its outputs reduced by `compactableOutputs` (the snapshot feedback is joined to).
 */
export interface PublishedCallRecord extends RunLogEntry {
  outputs?: Record<string, unknown>;
}

export interface WriterWorkerData {
  /** The SQLite file (WAL): the worker opens its own connection to it. */
  filePath: string;
  pruneIntervalMs: number;
}

/**
 * A value as JSON text. Entries are encoded when they are queued and a batch crosses to the writer
 * thread as one JSON array text: copying one string between threads is cheap, while
 * structured-cloning a batch of objects that have gone cold in the cache cost the request thread
 * several microseconds per entry, and a batch of separate strings still about five.
 */
export type Json<T> = string & { readonly __json?: T };

/** Queued JSON texts as one JSON array text (JSON.stringify output is valid inside an array as is). */
export function jsonArray<T>(items: readonly Json<T>[]): Json<T[]> {
  return `[${items.join(",")}]`;
}

/** Main thread -> writer thread. Handled strictly in order, so a `flush` answer means every earlier batch was written. */
export type ToWriter =
  | {
      type: "batch";
      seq: number;
      /** How many records `calls` holds: what is lost if the batch cannot be read or written. */
      count: number;
      calls: Json<PublishedCallRecord[]>;
      touched: Map<string, number>;
    }
  | { type: "flush"; id: number }
  | { type: "close" };

/** Writer thread -> main thread. */
export type FromWriter =
  /** A batch is done; `failed` of its entries were lost with `error`. */
  | { type: "written"; seq: number; failed: number; error?: string }
  | { type: "flushed"; id: number }
  /** A failure outside a batch (opening the database, pruning). */
  | { type: "error"; error: string }
  | { type: "closed" };

import type { RunLogEntry } from "@attune/db";

/** A successful published run's outputs, reduced by `compactableOutputs` so they can cross threads. */
export interface RunOutputsSource {
  runId: string;
  deploymentId: string;
  slug: string;
  version: number;
  keyId: string;
  /** Epoch ms when the call arrived. */
  at: number;
  outputs: Record<string, unknown>;
}

export interface WriterWorkerData {
  /** The SQLite file (WAL): the worker opens its own connection to it. */
  filePath: string;
  pruneIntervalMs: number;
}

/**
 * A value as JSON text. Entries cross to the writer thread as text, encoded when they are queued:
 * copying a batch of strings between threads is cheap, while structured-cloning a batch of
 * objects that have gone cold in the cache cost the request thread several microseconds per entry.
 */
export type Json<T> = string & { readonly __json?: T };

/** Main thread -> writer thread. Handled strictly in order, so a `flush` answer means every earlier batch was written. */
export type ToWriter =
  | { type: "batch"; seq: number; runs: Json<RunLogEntry>[]; touched: Map<string, number>; outputs: Json<RunOutputsSource>[] }
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

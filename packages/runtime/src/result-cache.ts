import type { PortValues } from "@attune/graph";
import type { ResultCache } from "./types";

/**
 * In-memory result cache, least recently used out first. Bounded by entry count because results
 * are small summaries of models' work (scores, actions); sized so a studio session's recent edits
 * stay warm.
 */
export class MemoryResultCache implements ResultCache {
  private readonly entries = new Map<string, PortValues>();

  constructor(readonly maxEntries = 1000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError("maxEntries must be a positive integer");
  }

  get(key: string): PortValues | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: re-inserting marks the entry as most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: PortValues): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

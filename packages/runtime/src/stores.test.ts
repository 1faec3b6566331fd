import { describe, expect, it } from "vitest";
import { MemoryResultCache } from "./result-cache";
import { MemorySessionStateStore, nodeStateView } from "./session-state";

describe("MemoryResultCache", () => {
  it("evicts the least recently used entry once full", () => {
    const cache = new MemoryResultCache(2);
    cache.set("a", { v: 1 });
    cache.set("b", { v: 2 });
    expect(cache.get("a")).toEqual({ v: 1 }); // a is now the most recent
    cache.set("c", { v: 3 });
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toEqual({ v: 1 });
    expect(cache.get("c")).toEqual({ v: 3 });
    expect(cache.size).toBe(2);
  });

  it("rejects a non-positive bound", () => {
    expect(() => new MemoryResultCache(0)).toThrow(RangeError);
  });
});

describe("MemorySessionStateStore", () => {
  it("partitions by session and node, and evicts the least recently used session", () => {
    const store = new MemorySessionStateStore(2);
    store.set("s1", "n1", "k", 1);
    store.set("s1", "n2", "k", 2);
    store.set("s2", "n1", "k", 3);
    expect([store.get("s1", "n1", "k"), store.get("s1", "n2", "k"), store.get("s2", "n1", "k")]).toEqual([1, 2, 3]);
    store.get("s1", "n1", "k"); // touching s1 makes s2 the least recently used
    store.set("s3", "n1", "k", 4);
    expect(store.get("s2", "n1", "k")).toBeUndefined();
    expect(store.get("s1", "n1", "k")).toBe(1);
    expect(store.sessionCount).toBe(2);
  });

  it("gives a node a view of its own partition", () => {
    const store = new MemorySessionStateStore();
    const view = nodeStateView(store, "s", "mood");
    view.set("level", 0.4);
    expect(store.get("s", "mood", "level")).toBe(0.4);
    expect(view.get<number>("level")).toBe(0.4);
    view.delete("level");
    expect(view.get("level")).toBeUndefined();
  });
});

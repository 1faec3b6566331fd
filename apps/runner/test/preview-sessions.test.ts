import { afterEach, describe, expect, it } from "vitest";
import { MemoryResultCache, MemorySessionStateStore } from "@attune/runtime";
import { PreviewSessions, RunAbortedError } from "../src/preview-sessions";

let clock = 0;
const open: PreviewSessions[] = [];
function sessions(max: number, ttlMs: number): PreviewSessions {
  const s = new PreviewSessions({
    max,
    ttlMs,
    createCache: () => new MemoryResultCache(),
    createState: () => new MemorySessionStateStore(),
    now: () => clock,
  });
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  clock = 0;
});

describe("PreviewSessions", () => {
  it("returns the same cache for the same session id and a separate one per session", () => {
    const s = sessions(10, 60_000);
    const a = s.acquire("a");
    expect(s.acquire("a").cache).toBe(a.cache);
    expect(s.acquire("b").cache).not.toBe(a.cache);
    expect(s.size).toBe(2);
  });

  it("evicts the least recently used session beyond the bound and aborts its run", () => {
    const s = sessions(2, 60_000);
    const a = s.acquire("a");
    const run = new AbortController();
    a.current = run;
    s.acquire("b");
    s.acquire("c");
    expect(s.size).toBe(2);
    expect(run.signal.aborted).toBe(true);
    expect((run.signal.reason as RunAbortedError).code).toBe("SESSION_EVICTED");
    // "a" starts over with an empty cache.
    expect(s.acquire("a").cache).not.toBe(a.cache);
  });

  it("using a session keeps it from being the one evicted", () => {
    const s = sessions(2, 60_000);
    const a = s.acquire("a");
    s.acquire("b");
    s.acquire("a");
    s.acquire("c");
    expect(s.acquire("a").cache).toBe(a.cache);
  });

  it("expires sessions idle past the TTL, but not one with a run in flight", () => {
    const s = sessions(10, 1000);
    const idle = s.acquire("idle");
    const busy = s.acquire("busy");
    busy.current = new AbortController();
    clock = 5000;
    s.sweep();
    expect(s.size).toBe(1);
    expect(s.acquire("busy")).toBe(busy);
    expect(s.acquire("idle").cache).not.toBe(idle.cache);
  });

  it("drop and close abort the running preview", () => {
    const s = sessions(10, 1000);
    const run = new AbortController();
    s.acquire("a").current = run;
    expect(s.drop("a")).toBe(true);
    expect(s.drop("a")).toBe(false);
    expect(run.signal.aborted).toBe(true);
    const other = new AbortController();
    s.acquire("b").current = other;
    s.close();
    expect((other.signal.reason as RunAbortedError).code).toBe("SHUTTING_DOWN");
  });
});

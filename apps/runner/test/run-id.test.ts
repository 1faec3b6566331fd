import { describe, expect, it } from "vitest";
import { newRunId } from "../src/published/run-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("published run ids", () => {
  it("are version 7 UUIDs whose first 48 bits are the call's time in milliseconds", () => {
    const at = Date.UTC(2026, 10, 26, 6, 40, 0, 123);
    const id = newRunId(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it("sort by time across milliseconds and stay unique within one", () => {
    const at = Date.now();
    const sameMs = new Set(Array.from({ length: 1000 }, () => newRunId(at)));
    expect(sameMs.size).toBe(1000);
    const later = [at + 1, at + 2, at + 1000, at + 86_400_000].map((t) => newRunId(t));
    const ids = [newRunId(at), ...later];
    expect([...ids].sort()).toEqual(ids);
  });
});

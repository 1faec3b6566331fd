import type { NodeStateStore } from "@attune/graph";
import type { SessionStateStore } from "./types";

/**
 * Per-session node state in memory (mood, smoothing windows). Sessions are evicted least recently
 * used first once `maxSessions` is reached, so an abandoned browser tab cannot grow it forever.
 */
export class MemorySessionStateStore implements SessionStateStore {
  private readonly sessions = new Map<string, Map<string, Map<string, unknown>>>();

  constructor(readonly maxSessions = 10_000) {
    if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new RangeError("maxSessions must be a positive integer");
  }

  get(sessionId: string, nodeId: string, key: string): unknown {
    return this.session(sessionId, false)?.get(nodeId)?.get(key);
  }

  set(sessionId: string, nodeId: string, key: string, value: unknown): void {
    const session = this.session(sessionId, true)!;
    let node = session.get(nodeId);
    if (!node) session.set(nodeId, (node = new Map()));
    node.set(key, value);
  }

  delete(sessionId: string, nodeId: string, key: string): void {
    this.session(sessionId, false)?.get(nodeId)?.delete(key);
  }

  clearSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  private session(sessionId: string, create: boolean): Map<string, Map<string, unknown>> | undefined {
    let session = this.sessions.get(sessionId);
    if (session) {
      this.sessions.delete(sessionId);
      this.sessions.set(sessionId, session);
      return session;
    }
    if (!create) return undefined;
    session = new Map();
    this.sessions.set(sessionId, session);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    return session;
  }
}

/** A NodeStateStore view onto one (session, node) partition of a SessionStateStore. */
export function nodeStateView(store: SessionStateStore, sessionId: string, nodeId: string): NodeStateStore {
  return {
    get: <T = unknown>(key: string) => store.get(sessionId, nodeId, key) as T | undefined,
    set: (key, value) => store.set(sessionId, nodeId, key, value),
    delete: (key) => store.delete(sessionId, nodeId, key),
  };
}

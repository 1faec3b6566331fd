import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { AttuneDb } from "./open-database";
import { getPipeline, getVersion, type PipelineVersion } from "./repository";
import { shares } from "./schema";

/** A read-only link to one pipeline version. Times are epoch ms. */
export interface Share {
  token: string;
  pipelineId: string;
  version: number;
  createdAt: number;
  revokedAt: number | null;
}

/** What a share link opens: the pipeline's name and description now, and the shared version. */
export interface SharedPipeline {
  share: Share;
  pipeline: { id: string; name: string; description: string };
  version: PipelineVersion;
}

/** An unknown or revoked token. The API answers 404 either way; the message says which. */
export class ShareNotFoundError extends Error {
  override readonly name = "ShareNotFoundError";
  constructor(readonly reason: "unknown" | "revoked") {
    super(reason === "revoked" ? "this share link was revoked" : "this share link does not exist");
  }
}

/** 32 random bytes: the token is the only credential, so it must not be guessable. */
function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Shares `version` (default: the current head) of a pipeline. Throws NotFoundError for a bad id/version. */
export function createShare(db: AttuneDb, input: { pipelineId: string; version?: number }): Share {
  const version = input.version ?? getPipeline(db, input.pipelineId).headVersion;
  getVersion(db, input.pipelineId, version);
  const row: Share = { token: newToken(), pipelineId: input.pipelineId, version, createdAt: Date.now(), revokedAt: null };
  db.orm.insert(shares).values(row).run();
  return row;
}

/** A pipeline's links, newest first, revoked ones included (shown as revoked). */
export function listShares(db: AttuneDb, pipelineId: string): Share[] {
  return db.orm.select().from(shares).where(eq(shares.pipelineId, pipelineId)).orderBy(desc(shares.createdAt)).all();
}

/** Revokes a link for good; revoking twice keeps the first time. */
export function revokeShare(db: AttuneDb, token: string): Share {
  const row = db.orm.select().from(shares).where(eq(shares.token, token)).get();
  if (!row) throw new ShareNotFoundError("unknown");
  if (row.revokedAt !== null) return row;
  const revokedAt = Date.now();
  db.orm.update(shares).set({ revokedAt }).where(eq(shares.token, token)).run();
  return { ...row, revokedAt };
}

/** Opens a live link. Throws ShareNotFoundError for an unknown or revoked token. */
export function getSharedPipeline(db: AttuneDb, token: string): SharedPipeline {
  const row = db.orm.select().from(shares).where(eq(shares.token, token)).get();
  if (!row) throw new ShareNotFoundError("unknown");
  if (row.revokedAt !== null) throw new ShareNotFoundError("revoked");
  const pipeline = getPipeline(db, row.pipelineId);
  return {
    share: row,
    pipeline: { id: pipeline.id, name: pipeline.name, description: pipeline.description },
    version: getVersion(db, row.pipelineId, row.version),
  };
}

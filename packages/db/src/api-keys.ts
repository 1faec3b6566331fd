import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { ApiKeyNotFoundError } from "./deployment-errors";
import { isValidSlug } from "./deployments";
import type { AttuneDb } from "./open-database";
import { apiKeys } from "./schema";

/**
 * Key format: `atn_<prefix>_<secret>`. The prefix (10 chars of [a-z0-9]) is stored in clear and
 * indexed so a request finds its row in one lookup; the secret (32 random bytes, base64url) is
 * stored only as its sha256. A fast hash is enough here: the secret has 256 bits of entropy, so
 * there is nothing to brute-force, unlike a password.
 */
const KEY_PATTERN = /^atn_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;
const PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: number;
  /** The full key. Returned once, here; only its hash is kept. */
  key: string;
}

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

function randomPrefix(): string {
  const bytes = randomBytes(10);
  let out = "";
  // 36 does not divide 256, so the first letters are very slightly likelier; the prefix is an
  // identifier, not a secret, so that bias does not matter.
  for (const b of bytes) out += PREFIX_ALPHABET[b % PREFIX_ALPHABET.length];
  return out;
}

function cleanScopes(scopes: readonly string[]): string[] {
  const unique = [...new Set(scopes.map((s) => s.trim()))];
  if (unique.length === 0) throw new TypeError("an API key needs at least one endpoint slug in its scopes");
  const bad = unique.filter((s) => !isValidSlug(s));
  if (bad.length > 0) throw new TypeError(`not a valid endpoint slug: ${bad.map((s) => `'${s}'`).join(", ")}`);
  return unique.sort();
}

/** Creates a key scoped to the given endpoint slugs. The returned `key` is never retrievable again. */
export function createApiKey(db: AttuneDb, input: { name: string; scopes: readonly string[] }): CreatedApiKey {
  const name = input.name.trim();
  if (!name) throw new TypeError("an API key name must not be empty");
  const scopes = cleanScopes(input.scopes);
  const secret = randomBytes(32).toString("base64url");
  const id = randomUUID();
  const createdAt = Date.now();
  // A prefix collision is astronomically unlikely (36^10); retrying keeps the unique index happy anyway.
  for (let attempt = 0; ; attempt++) {
    const prefix = randomPrefix();
    try {
      db.orm.insert(apiKeys).values({ id, name, prefix, secretHash: hashSecret(secret), scopes: JSON.stringify(scopes), createdAt }).run();
      return { id, name, prefix, scopes, createdAt, key: `atn_${prefix}_${secret}` };
    } catch (error) {
      if (attempt < 3 && /UNIQUE constraint failed: api_keys\.prefix/.test(String(error))) continue;
      throw error;
    }
  }
}

/** Every key, newest first, without anything secret. */
export function listApiKeys(db: AttuneDb): ApiKeySummary[] {
  return db.orm
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt))
    .all()
    .map((row) => ({ ...row, scopes: JSON.parse(row.scopes) as string[] }));
}

/** Revokes a key; revoking twice keeps the first time. The row stays so the run log keeps its name. */
export function revokeApiKey(db: AttuneDb, id: string): ApiKeySummary {
  const row = db.orm.select({ revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!row) throw new ApiKeyNotFoundError(id);
  if (row.revokedAt === null) db.orm.update(apiKeys).set({ revokedAt: Date.now() }).where(eq(apiKeys.id, id)).run();
  const summary = listApiKeys(db).find((k) => k.id === id);
  if (!summary) throw new ApiKeyNotFoundError(id);
  return summary;
}

/** A presented key that matched a stored one. */
export interface VerifiedApiKey {
  id: string;
  name: string;
  scopes: ReadonlySet<string>;
  revoked: boolean;
}

/**
 * Verifies presented keys for the runner's request path: one indexed lookup by prefix, then a
 * constant-time comparison of the secret's hash. Scopes are parsed once per distinct row text.
 */
export interface ApiKeyVerifier {
  /** undefined when the key is malformed or unknown; a revoked key is returned with `revoked: true`. */
  verify(presented: string): VerifiedApiKey | undefined;
}

export function createApiKeyVerifier(db: AttuneDb): ApiKeyVerifier {
  const byPrefix = db.sqlite.prepare<[string], { id: string; name: string; secretHash: string; scopes: string; revokedAt: number | null }>(
    "select id, name, secret_hash as secretHash, scopes, revoked_at as revokedAt from api_keys where prefix = ?",
  );
  const scopeCache = new Map<string, ReadonlySet<string>>();
  return {
    verify(presented) {
      const match = KEY_PATTERN.exec(presented);
      if (!match) return undefined;
      const row = byPrefix.get(match[1]!);
      if (!row) return undefined;
      const expected = Buffer.from(row.secretHash, "hex");
      const actual = createHash("sha256").update(match[2]!, "utf8").digest();
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
      let scopes = scopeCache.get(row.scopes);
      if (!scopes) {
        // Bounded by the number of distinct scope lists, i.e. by the number of keys.
        if (scopeCache.size > 10_000) scopeCache.clear();
        scopes = new Set(JSON.parse(row.scopes) as string[]);
        scopeCache.set(row.scopes, scopes);
      }
      return { id: row.id, name: row.name, scopes, revoked: row.revokedAt !== null };
    },
  };
}

/** Records last-used times in one transaction; never moves a time backwards. */
export function touchApiKeys(db: AttuneDb, lastUsed: ReadonlyMap<string, number>): void {
  if (lastUsed.size === 0) return;
  const update = db.sqlite.prepare("update api_keys set last_used_at = max(coalesce(last_used_at, 0), ?) where id = ?");
  db.sqlite.transaction(() => {
    for (const [id, at] of lastUsed) update.run(at, id);
  })();
}

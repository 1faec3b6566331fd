/**
 * Admin access to the studio when it listens beyond loopback. Pure functions on Web Crypto so the
 * same code runs in the proxy, in route handlers and in tests; nothing here reads process.env.
 *
 * The cookie is `<expiry seconds>.<HMAC-SHA256(secret, "attune-admin:" + expiry)>`: it proves the
 * holder once knew the secret, expires on its own, and every cookie dies when the secret changes.
 */

export const ADMIN_COOKIE = "attune_admin";
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;
export const LOGIN_PATH = "/login";
/** The login form posts here; it is the one API route reachable without the cookie. */
export const LOGIN_API_PATH = "/api/admin/login";

const encoder = new TextEncoder();

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** Compares equal-length digests without an early exit, so timing says nothing about where they differ. */
function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Whether a typed secret equals the configured one, in constant time: both sides are first reduced
 * to HMACs under a fixed label, so neither the content nor the length of the secret leaks.
 */
export async function secretMatches(candidate: string, secret: string): Promise<boolean> {
  const [a, b] = await Promise.all([hmac(secret, `attune-login:${candidate}`), hmac(secret, `attune-login:${secret}`)]);
  return digestsEqual(a, b);
}

export async function createSessionToken(secret: string, nowMs = Date.now()): Promise<string> {
  const expires = Math.floor(nowMs / 1000) + SESSION_TTL_SECONDS;
  return `${expires}.${toBase64Url(await hmac(secret, `attune-admin:${expires}`))}`;
}

export async function verifySessionToken(token: string | undefined, secret: string, nowMs = Date.now()): Promise<boolean> {
  if (!token) return false;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  if (!match?.[1] || !match[2]) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= nowMs) return false;
  const given = fromBase64Url(match[2]);
  if (!given) return false;
  return digestsEqual(given, await hmac(secret, `attune-admin:${expires}`));
}

/**
 * Paths that never need the admin cookie: the public, API-keyed endpoints (the runner checks the
 * key), the login page and its form target, and static build assets.
 */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname.startsWith("/v1/") ||
    pathname === LOGIN_PATH ||
    pathname === LOGIN_API_PATH ||
    pathname.startsWith("/_next/static/") ||
    pathname.startsWith("/_next/image") ||
    pathname === "/icon.svg" ||
    pathname === "/favicon.ico"
  );
}

/** Only same-origin paths: `//evil.example` or `/\evil` would leave the studio after login. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}

export type AccessDecision = { kind: "allow" } | { kind: "redirect"; location: string } | { kind: "unauthorized" };

export interface AccessRequest {
  pathname: string;
  search: string;
  method: string;
  cookie: string | undefined;
}

/**
 * The whole access rule. No secret configured means the studio is on loopback (env.ts refuses to
 * start otherwise), so everything is allowed; with a secret, only a valid session cookie passes.
 */
export async function decideAccess(request: AccessRequest, secret: string | undefined, nowMs = Date.now()): Promise<AccessDecision> {
  if (!secret || isPublicPath(request.pathname)) return { kind: "allow" };
  if (await verifySessionToken(request.cookie, secret, nowMs)) return { kind: "allow" };
  // Page reads go to the login page (browsers, client-side navigations and curl alike); API calls
  // and writes get a 401 they can act on.
  const isPage = !request.pathname.startsWith("/api/") && (request.method === "GET" || request.method === "HEAD");
  if (isPage) {
    const next = `${request.pathname}${request.search}`;
    return { kind: "redirect", location: next === "/" ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(next)}` };
  }
  return { kind: "unauthorized" };
}

export function unauthorizedResponse(): Response {
  return Response.json(
    { error: { code: "ADMIN_LOGIN_REQUIRED", message: `This studio requires the admin secret: sign in at ${LOGIN_PATH}.` } },
    { status: 401, headers: { "cache-control": "no-store" } },
  );
}

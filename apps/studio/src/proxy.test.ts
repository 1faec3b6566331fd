import { NextRequest } from "next/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { ADMIN_COOKIE, createSessionToken, decideAccess, isLoopbackHost, secretMatches, SESSION_TTL_SECONDS, verifySessionToken } from "./server/admin-auth";

const SECRET = "correct horse battery staple";

/** Loads proxy.ts (and env.ts) afresh under the given environment. */
async function loadProxy(vars: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
  return (await import("./proxy")).proxy;
}

function request(path: string, init: { cookie?: string; accept?: string; method?: string } = {}) {
  const headers = new Headers({ accept: init.accept ?? "*/*" });
  if (init.cookie) headers.set("cookie", init.cookie);
  return new NextRequest(new URL(path, "http://studio.example:3000"), { method: init.method ?? "GET", headers });
}

afterEach(() => vi.unstubAllEnvs());

describe("admin secret", () => {
  test("loopback detection", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3", "::ffff:127.0.0.1"]) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "studio.example", "a1b2c3d4e5f6", "127.0.0.1.evil.example"]) expect(isLoopbackHost(host)).toBe(false);
  });

  test("secrets compare exactly", async () => {
    expect(await secretMatches(SECRET, SECRET)).toBe(true);
    expect(await secretMatches(`${SECRET} `, SECRET)).toBe(false);
    expect(await secretMatches(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(await secretMatches("", SECRET)).toBe(false);
  });

  test("session cookies are bound to the secret and expire", async () => {
    const now = Date.UTC(2030, 0, 1);
    const token = await createSessionToken(SECRET, now);
    expect(await verifySessionToken(token, SECRET, now + 1000)).toBe(true);
    expect(await verifySessionToken(token, "another secret of enough length", now)).toBe(false);
    expect(await verifySessionToken(token, SECRET, now + SESSION_TTL_SECONDS * 1000 + 1)).toBe(false);
    const [expiry, mac] = token.split(".");
    // A later expiry with the old signature is a forgery.
    expect(await verifySessionToken(`${Number(expiry) + 999_999}.${mac}`, SECRET, now)).toBe(false);
    expect(await verifySessionToken(`${expiry}.${mac!.slice(0, -2)}AA`, SECRET, now)).toBe(false);
    expect(await verifySessionToken("garbage", SECRET, now)).toBe(false);
  });

  test("without a secret (loopback) everything is allowed", async () => {
    expect(await decideAccess({ pathname: "/api/trpc/pipelines.list", search: "", method: "GET", cookie: undefined }, undefined)).toEqual({ kind: "allow" });
  });
});

describe("proxy", () => {
  test("refuses pages and internal APIs without the cookie, accepts them with it", async () => {
    const proxy = await loadProxy({ ATTUNE_HOST: "0.0.0.0", ATTUNE_ADMIN_SECRET: SECRET });

    const page = await proxy(request("/pipelines/abc?tab=json", { accept: "text/html,application/xhtml+xml" }));
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("http://studio.example:3000/login?next=%2Fpipelines%2Fabc%3Ftab%3Djson");

    for (const [path, method] of [["/api/trpc/pipelines.list", "GET"], ["/api/trpc/apiKeys.create", "POST"], ["/keys", "POST"]] as const) {
      const api = await proxy(request(path, { method }));
      expect(api.status, path).toBe(401);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe("ADMIN_LOGIN_REQUIRED");
    }

    const forged = await proxy(request("/api/trpc/pipelines.list", { cookie: `${ADMIN_COOKIE}=9999999999.${"A".repeat(43)}` }));
    expect(forged.status).toBe(401);

    const cookie = `${ADMIN_COOKIE}=${await createSessionToken(SECRET)}`;
    for (const path of ["/", "/keys", "/api/trpc/pipelines.list"]) {
      const ok = await proxy(request(path, { cookie, accept: "text/html" }));
      // NextResponse.next() marks "continue to the route" with this header.
      expect(ok.headers.get("x-middleware-next"), path).toBe("1");
    }
  });

  test("the public API and the login page stay reachable without the cookie", async () => {
    const proxy = await loadProxy({ ATTUNE_HOST: "0.0.0.0", ATTUNE_ADMIN_SECRET: SECRET });
    for (const path of ["/v1/pipelines/angry-caller/run", "/login", "/api/admin/login"]) {
      const res = await proxy(request(path, { method: path === "/login" ? "GET" : "POST" }));
      expect(res.headers.get("x-middleware-next"), path).toBe("1");
    }
  });

  test("on loopback without a secret the proxy lets everything through", async () => {
    const proxy = await loadProxy({ ATTUNE_HOST: "127.0.0.1", ATTUNE_ADMIN_SECRET: undefined });
    const res = await proxy(request("/api/trpc/pipelines.list"));
    expect(res.headers.get("x-middleware-next")).toBe("1");
  });

  test("the matcher skips only static assets, /v1 and the two streaming routes", async () => {
    await loadProxy({ ATTUNE_HOST: "127.0.0.1" });
    const { config } = await import("./proxy");
    // Next anchors the matcher source; as a plain regex it behaves the same for these paths.
    const matches = (path: string) => new RegExp(`^${config.matcher[0]}$`).test(path);
    for (const path of ["/", "/keys", "/login", "/pipelines/x/publish", "/api/trpc/apiKeys.list", "/api/admin/login", "/api/modelsx", "/v1", "/models"]) expect(matches(path), path).toBe(true);
    for (const path of ["/v1/pipelines/a/run", "/_next/static/chunks/a.js", "/api/models", "/api/preview", "/icon.svg"]) expect(matches(path), path).toBe(false);
  });

  test("a secret set on loopback is enforced too", async () => {
    const proxy = await loadProxy({ ATTUNE_HOST: "127.0.0.1", ATTUNE_ADMIN_SECRET: SECRET });
    expect((await proxy(request("/api/trpc/pipelines.list"))).status).toBe(401);
  });

  test("the studio refuses to start beyond loopback without a secret", async () => {
    await expect(loadProxy({ ATTUNE_HOST: "0.0.0.0", ATTUNE_ADMIN_SECRET: undefined, NEXT_PHASE: undefined })).rejects.toThrow(/ATTUNE_ADMIN_SECRET/);
    await expect(loadProxy({ ATTUNE_HOST: undefined, HOSTNAME: "a1b2c3d4e5f6", ATTUNE_ADMIN_SECRET: undefined, NEXT_PHASE: undefined })).rejects.toThrow(/not loopback/);
    await expect(loadProxy({ ATTUNE_HOST: "0.0.0.0", ATTUNE_ADMIN_SECRET: "short" })).rejects.toThrow(/16 characters/);
  });
});

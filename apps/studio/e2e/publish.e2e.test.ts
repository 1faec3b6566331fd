import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { useStudio } from "./harness";

// Publish a sentiment pipeline from the editor, create a key on /keys, call the endpoint on the
// studio's own origin (from this test and from the try-it form), read the run log, re-publish and
// roll back: the whole path a user takes from canvas to API.

const studio = useStudio();

const WAIT = { timeout: 30_000 };

function node(id: string, type: string, params: Record<string, unknown>, x: number, y: number) {
  return { id, type, version: 1, params, position: { x, y } };
}
const edge = (id: string, from: [string, string], to: [string, string]) => ({ id, from: { node: from[0], port: from[1] }, to: { node: to[0], port: to[1] } });

/** v1: text -> sentiment -> scores and valence. */
const v1 = {
  schemaVersion: 1,
  nodes: [
    node("message", "core.text-input", { name: "text", sample: "The new version works great, thanks!" }, 0, 100),
    node("sentiment", "nlp.sentiment", {}, 300, 100),
    node("out-scores", "core.output", { name: "sentiment" }, 600, 0),
    node("out-valence", "core.output", { name: "valence" }, 600, 200),
  ],
  edges: [
    edge("e1", ["message", "text"], ["sentiment", "text"]),
    edge("e2", ["sentiment", "scores"], ["out-scores", "value"]),
    edge("e3", ["sentiment", "valence"], ["out-valence", "value"]),
  ],
};
/** v2 adds an escalation decision, so a caller can tell the versions apart by their outputs. */
const v2 = {
  ...v1,
  nodes: [...v1.nodes, node("threshold", "policy.threshold", {}, 600, 300), node("out-action", "core.output", { name: "action" }, 900, 300)],
  edges: [...v1.edges, edge("e4", ["sentiment", "scores"], ["threshold", "value"]), edge("e5", ["threshold", "action"], ["out-action", "value"])],
};

/** The studio's tRPC endpoint as plain HTTP (no transformer): setup through the API is fine. */
async function trpcMutation<T>(path: string, input: unknown): Promise<T> {
  const res = await fetch(`${studio.stack.studioUrl}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !body.result) throw new Error(`${path} failed (${res.status}): ${JSON.stringify(body.error)}`);
  return body.result.data;
}

interface RunResponse {
  runId: string;
  slug: string;
  version: number;
  outputs: Record<string, unknown>;
  trace?: unknown;
  error?: { code: string; message: string };
}

async function call(path: string, key: string | null, inputs: Record<string, unknown>): Promise<{ status: number; body: RunResponse; headers: Headers }> {
  const res = await fetch(`${studio.stack.studioUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ inputs }),
  });
  return { status: res.status, body: (await res.json()) as RunResponse, headers: res.headers };
}

describe("publish a pipeline as an endpoint", () => {
  test("publish, key, call on the studio origin, try it, run log, re-publish and roll back", async () => {
    const page = await studio.newPage();
    try {
      const created = await trpcMutation<{ id: string; headVersion: number }>("pipelines.create", { name: "Support sentiment", document: v1 });

      // ----- publish from the editor's toolbar -----
      await page.goto(`${studio.stack.studioUrl}/pipelines/${created.id}`);
      await page.getByTestId("canvas").waitFor(WAIT);
      await page.getByTestId("open-publish").click();
      await page.getByTestId("publish-drawer").waitFor(WAIT);
      expect(await page.getByTestId("live-version").textContent()).toBe("not published");
      await page.getByTestId("publish-slug").fill("support-sentiment");
      await page.getByTestId("publish").click();
      await page.waitForFunction(() => document.querySelector('[data-testid="live-version"]')?.textContent === "live v1", undefined, WAIT);
      const slug = "support-sentiment";
      const runUrl = `${studio.stack.studioUrl}/v1/pipelines/${slug}/run`;
      expect(await page.getByTestId("endpoint-url").textContent()).toBe(runUrl);
      expect(await page.getByTestId("openapi-url").textContent()).toBe(`${studio.stack.studioUrl}/v1/pipelines/${slug}/openapi.json`);
      // The snippets carry the real URL, the key placeholder and the pipeline's input and example.
      const curl = await page.getByTestId("snippet-curl").textContent();
      expect(curl).toContain(runUrl);
      expect(curl).toContain("$ATTUNE_API_KEY");
      expect(curl).toContain(`"text":"The new version works great, thanks!"`);
      await page.getByTestId("snippet-tab-python").click();
      expect(await page.getByTestId("snippet-python").textContent()).toContain(`os.environ['ATTUNE_API_KEY']`);
      await page.screenshot({ path: "/tmp/attune-e2e-publish.png" });

      // ----- create a key on /keys, shown once -----
      await page.goto(`${studio.stack.studioUrl}/keys`);
      await page.getByTestId(`scope-${slug}`).check();
      await page.getByTestId("new-key-name").fill("E2E caller");
      await page.getByTestId("create-key").click();
      await page.getByTestId("created-key").waitFor(WAIT);
      const key = (await page.getByTestId("created-key-value").textContent())?.trim() ?? "";
      expect(key).toMatch(/^atn_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
      expect(await page.getByTestId("created-key").textContent()).toContain("shown only once");
      const row = page.locator('[data-key-name="E2E caller"]');
      expect(await row.textContent()).toContain(key.split("_").slice(0, 2).join("_"));
      expect(await row.textContent()).not.toContain(key);
      expect(await row.getByTestId("key-last-used").textContent()).toBe("never");
      await page.screenshot({ path: "/tmp/attune-e2e-keys.png" });
      // Shown once: after a reload only the prefix is left.
      await page.reload();
      await page.getByTestId("key-table").waitFor(WAIT);
      expect(await page.getByTestId("created-key").count()).toBe(0);
      expect(await page.content()).not.toContain(key);

      // ----- call the endpoint on the studio's origin, as a product would -----
      const angry = await call(`/v1/pipelines/${slug}/run`, key, { text: "I hate this, it is awful and nobody helps!" });
      expect(angry.status, JSON.stringify(angry.body)).toBe(200);
      expect(angry.body.version).toBe(1);
      expect(angry.body.slug).toBe(slug);
      expect(Object.keys(angry.body.outputs).sort()).toEqual(["sentiment", "valence"]);
      expect(angry.body.outputs.valence as number).toBeLessThan(0);
      const happy = await call(`/v1/pipelines/${slug}/run`, key, { text: "Wonderful, thank you so much!" });
      expect(happy.body.outputs.valence as number).toBeGreaterThan(0);
      // The studio origin passes the runner's refusals through unchanged.
      expect((await call(`/v1/pipelines/${slug}/run`, null, { text: "hi" })).status).toBe(401);
      expect((await call(`/v1/pipelines/${slug}/run`, `${key.slice(0, -3)}xyz`, { text: "hi" })).status).toBe(401);
      expect((await call(`/v1/pipelines/${slug}/run`, key, {})).status).toBe(422);
      const traced = await fetch(`${runUrl}?trace=1`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ inputs: { text: "ok" } }) });
      expect(((await traced.json()) as RunResponse).trace).toBeDefined();
      // The runner-token routes are not reachable through the public proxy.
      expect((await fetch(`${studio.stack.studioUrl}/v1/nodes`)).status).toBe(404);
      // OpenAPI is served on the studio's origin (with the same key) and names that origin as the server.
      const openapiUrl = `${studio.stack.studioUrl}/v1/pipelines/${slug}/openapi.json`;
      expect((await fetch(openapiUrl)).status).toBe(401);
      const openapi = (await (await fetch(openapiUrl, { headers: { authorization: `Bearer ${key}` } })).json()) as { openapi: string; servers: { url: string }[] };
      expect(openapi.openapi).toMatch(/^3\.1/);
      expect(openapi.servers[0]?.url).toBe(studio.stack.studioUrl);

      // ----- the try-it form on the publish page -----
      await page.goto(`${studio.stack.studioUrl}/pipelines/${created.id}/publish`);
      await page.getByTestId("try-it").waitFor(WAIT);
      await page.getByTestId("try-key").fill(key);
      await page.getByTestId("try-input-text").fill("This is terrible, I want a refund now!");
      await page.getByTestId("try-send").click();
      await page.waitForFunction(() => document.querySelector('[data-testid="try-result"]')?.getAttribute("data-status") === "200", undefined, WAIT);
      const tried = JSON.parse((await page.getByTestId("try-response").textContent()) ?? "{}") as RunResponse;
      expect(tried.version).toBe(1);
      expect(tried.outputs.valence as number).toBeLessThan(0);
      expect(await page.getByTestId("try-latency").textContent()).toMatch(/ms|s$/);

      // ----- the run log shows the calls: key name, status, version; filters work -----
      const runIds = [angry.body.runId, happy.body.runId, tried.runId];
      await waitForRunLog(page, (rows) => runIds.every((id) => rows.some((r) => r.runId === id)));
      const rows = await runLogRows(page);
      const angryRow = rows.find((r) => r.runId === angry.body.runId);
      expect(angryRow).toMatchObject({ status: "ok", http: "200" });
      expect(angryRow?.text).toContain("E2E caller");
      expect(angryRow?.text).toContain("v1");
      expect(rows.some((r) => r.status === "rejected" && r.http === "401")).toBe(true);
      await page.getByTestId("run-log-status").selectOption("rejected");
      await waitForRunLog(page, (r) => r.length > 0 && r.every((x) => x.status === "rejected"));
      await page.getByTestId("run-log-status").selectOption("");
      await page.getByTestId("run-log-key").selectOption({ label: `E2E caller (${key.split("_").slice(0, 2).join("_")}…)` });
      await waitForRunLog(page, (r) => r.length >= 3 && r.every((x) => x.text.includes("E2E caller")));
      await page.getByTestId("retention-days").fill("14");
      await page.getByTestId("retention-save").click();
      await page.getByTestId("retention-note").waitFor(WAIT);
      await page.screenshot({ path: "/tmp/attune-e2e-runlog.png", fullPage: true });

      // ----- re-publish a changed pipeline: v2 goes live -----
      await trpcMutation("pipelines.save", { id: created.id, baseVersion: created.headVersion, document: v2 });
      await page.reload();
      await page.getByTestId("publish").click();
      await page.waitForFunction(() => document.querySelector('[data-testid="live-version"]')?.textContent === "live v2", undefined, WAIT);
      const second = await call(`/v1/pipelines/${slug}/run`, key, { text: "I hate this, it is awful!" });
      expect(second.body.version).toBe(2);
      expect(Object.keys(second.body.outputs).sort()).toEqual(["action", "sentiment", "valence"]);
      // A pinned version keeps answering with its own plan.
      const pinned = await call(`/v1/pipelines/${slug}/versions/1/run`, key, { text: "I hate this" });
      expect(pinned.body.version).toBe(1);
      expect(Object.keys(pinned.body.outputs).sort()).toEqual(["sentiment", "valence"]);

      // ----- one-click rollback -----
      await page.getByTestId("rollback-1").click();
      await page.waitForFunction(() => document.querySelector('[data-testid="live-version"]')?.textContent === "live v1", undefined, WAIT);
      expect(await page.getByTestId("deployment-version-1").getAttribute("data-live")).toBe("true");
      const rolledBack = await call(`/v1/pipelines/${slug}/run`, key, { text: "I hate this, it is awful!" });
      expect(rolledBack.body.version).toBe(1);
      expect(Object.keys(rolledBack.body.outputs).sort()).toEqual(["sentiment", "valence"]);
      await page.screenshot({ path: "/tmp/attune-e2e-rollback.png", fullPage: true });

      // ----- revoke on /keys: the key stops working -----
      await page.goto(`${studio.stack.studioUrl}/keys`);
      const keyRow = page.locator('[data-key-name="E2E caller"]');
      await keyRow.waitFor(WAIT);
      expect(await keyRow.getByTestId("key-last-used").textContent()).not.toBe("never");
      const rowId = ((await keyRow.getAttribute("data-testid")) ?? "").replace("key-row-", "");
      await page.getByTestId(`revoke-${rowId}`).click();
      await page.getByTestId(`confirm-revoke-${rowId}`).click();
      await page.waitForFunction((id) => document.querySelector(`[data-testid="key-row-${id}"]`)?.getAttribute("data-revoked") === "true", rowId, WAIT);
      expect((await call(`/v1/pipelines/${slug}/run`, key, { text: "hello" })).status).toBe(401);
    } catch (error) {
      await page.screenshot({ path: "/tmp/attune-e2e-publish-failure.png", fullPage: true }).catch(() => {});
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${studio.stack.logs().slice(-4000)}`, { cause: error });
    } finally {
      await page.close();
    }
  });
});

interface LogRow {
  runId: string;
  status: string;
  http: string;
  text: string;
}

async function runLogRows(page: Page): Promise<LogRow[]> {
  return page.getByTestId("run-log-row").evaluateAll((rows) =>
    rows.map((r) => ({
      runId: r.getAttribute("data-run-id") ?? "",
      status: r.getAttribute("data-status") ?? "",
      http: r.getAttribute("data-http-status") ?? "",
      text: r.textContent ?? "",
    })),
  );
}

/** The runner flushes the log in batches: refresh until the rows are there. */
async function waitForRunLog(page: Page, done: (rows: LogRow[]) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await page.waitForTimeout(300);
    if (done(await runLogRows(page))) return;
    if (Date.now() > deadline) throw new Error(`run log never matched: ${JSON.stringify(await runLogRows(page))}`);
    await page.getByTestId("run-log-refresh").click();
  }
}

describe("admin secret", () => {
  const SECRET = "e2e-admin-secret-0123456789";
  const guarded = useStudio({ stack: { studioEnv: { ATTUNE_ADMIN_SECRET: SECRET } } });

  test("every studio page and internal API needs the login; /v1 does not", async () => {
    const base = guarded.stack.studioUrl;
    const page1 = await fetch(`${base}/keys`, { redirect: "manual", headers: { accept: "text/html" } });
    expect(page1.status).toBe(303);
    expect(page1.headers.get("location")).toMatch(/\/login\?next=%2Fkeys$/);
    expect((await fetch(`${base}/api/trpc/pipelines.list`)).status).toBe(401);
    expect((await fetch(`${base}/api/trpc/apiKeys.create`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    // The streaming routes the proxy skips check the cookie themselves.
    expect((await fetch(`${base}/api/preview`, { method: "POST", body: "{}" })).status).toBe(401);
    expect((await fetch(`${base}/api/models`, { method: "POST", body: "x", headers: { "content-type": "application/octet-stream" } })).status).toBe(401);
    // /v1 reaches the runner, which answers for itself (no API key: its own 401, not the studio's).
    const publicCall = await fetch(`${base}/v1/pipelines/nothing-here/run`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"inputs":{}}' });
    expect(publicCall.status).toBe(401);
    expect(((await publicCall.json()) as { error: { code: string } }).error.code).not.toBe("ADMIN_LOGIN_REQUIRED");

    const page = await guarded.newPage();
    try {
      await page.goto(`${base}/keys`);
      await page.waitForURL(/\/login\?next=/, WAIT);
      await page.getByTestId("login-secret").fill("not the secret at all");
      await page.getByTestId("login-submit").click();
      await page.getByTestId("login-error").waitFor(WAIT);
      await page.getByTestId("login-secret").fill(SECRET);
      await page.getByTestId("login-submit").click();
      await page.waitForURL(`${base}/keys`, WAIT);
      await page.getByTestId("create-key-form").waitFor(WAIT);
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === "attune_admin");
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe("Lax");
      // The cookie opens the internal API too.
      const listed = await fetch(`${base}/api/trpc/pipelines.list`, { headers: { cookie: `attune_admin=${session?.value}` } });
      expect(listed.status).toBe(200);
    } finally {
      await page.close();
    }
  });
});

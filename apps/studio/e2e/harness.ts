import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContextOptions, type LaunchOptions, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const studioDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(studioDir, "../..");

/** A running runner + studio pair on loopback ports, with its own SQLite file in a temp folder. */
export interface Stack {
  studioUrl: string;
  runnerUrl: string;
  dataDir: string;
  /** Everything both processes printed so far: attached to failures to explain them. */
  logs(): string;
  stop(): Promise<void>;
}

/** Asks the OS for a free port by binding port 0, then releases it for the child to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      server.close(() => resolve(address.port));
    });
  });
}

interface Managed {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function launch(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Managed {
  // detached: the child leads its own process group, so stop() also reaches grandchildren.
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, child, output, exited };
}

async function waitForHttp(url: string, managed: Managed, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void managed.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${managed.name} exited with code ${exitCode} before it was ready:\n${managed.output.join("")}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${managed.name} did not answer ${url} within ${timeoutMs} ms:\n${managed.output.join("")}`);
}

async function terminate(managed: Managed): Promise<void> {
  const pid = managed.child.pid;
  if (pid === undefined || managed.child.exitCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  signalGroup("SIGTERM");
  const killed = await Promise.race([managed.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
  if (!killed) signalGroup("SIGKILL");
}

export interface StackOptions {
  /** Extra environment for the studio process only, e.g. ATTUNE_ADMIN_SECRET. */
  studioEnv?: Record<string, string>;
}

/**
 * Starts the real runner (`node --import tsx apps/runner/src/main.ts`) and the real, built studio
 * (`next start`) wired together with a fresh token and database, and waits until both answer.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!existsSync(path.join(studioDir, ".next", "BUILD_ID"))) {
    throw new Error("apps/studio has no production build: run `npx turbo run build --filter=@attune/studio` first");
  }
  const [runnerPort, studioPort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "attune-e2e-"));
  const token = randomBytes(24).toString("hex");
  const runnerUrl = `http://127.0.0.1:${runnerPort}`;
  const studioUrl = `http://127.0.0.1:${studioPort}`;
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };

  const runner = launch("runner", process.execPath, ["--import", "tsx", "apps/runner/src/main.ts"], {
    cwd: repoRoot,
    // The same SQLite file as the studio: the runner serves published endpoints and keys from it.
    env: { ...baseEnv, RUNNER_HOST: "127.0.0.1", RUNNER_PORT: String(runnerPort), RUNNER_TOKEN: token, LOG_LEVEL: "warn", ATTUNE_DB_PATH: path.join(dataDir, "attune.db") },
  });
  const nextBin = createRequire(path.join(studioDir, "package.json")).resolve("next/dist/bin/next");
  const studio = launch("studio", process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(studioPort)], {
    cwd: studioDir,
    // ATTUNE_HOST: the address it listens on; an inherited HOSTNAME (CI containers) must not count.
    env: { ...baseEnv, ATTUNE_DB_PATH: path.join(dataDir, "attune.db"), RUNNER_URL: runnerUrl, RUNNER_TOKEN: token, ATTUNE_HOST: "127.0.0.1", ...options.studioEnv },
  });
  const all = [runner, studio];
  const stop = async () => {
    await Promise.all(all.map(terminate));
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await Promise.all([waitForHttp(`${runnerUrl}/healthz`, runner, 90_000), waitForHttp(studioUrl, studio, 120_000)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    studioUrl,
    runnerUrl,
    dataDir,
    logs: () => all.map((m) => `--- ${m.name} ---\n${m.output.join("")}`).join("\n"),
    stop,
  };
}

/** The Chromium flags this machine needs (see DESIGN.md, "Tests"). */
export const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export interface StudioOptions {
  /** The window size of every page newPage() opens; 1440×1000 if unset. */
  viewport?: { width: number; height: number };
  /** How long a page's actions and waits may take before they fail; 30 s if unset. */
  pageTimeoutMs?: number;
  /** How Chromium is launched: CHROMIUM unless a file needs more flags (a fake camera, say). */
  launch?: LaunchOptions;
  stack?: StackOptions;
  /** Setup the stack reads when it starts (its processes copy process.env then). */
  beforeStart?: () => Promise<void> | void;
  /** Cleanup that must wait until the stack's processes are gone. */
  afterStop?: () => Promise<void> | void;
  /** How long setup, stack start and browser launch may take together; vitest's hookTimeout if unset. */
  startTimeoutMs?: number;
}

export interface StudioSession {
  /** The running stack: only inside tests and hooks, once the session's beforeAll has run. */
  readonly stack: Stack;
  /** The headless Chromium: only inside tests and hooks, once the session's beforeAll has run. */
  readonly browser: Browser;
  /** A page in a fresh browser context (no cookies shared), with the session's viewport and timeout. */
  newPage(contextOptions?: BrowserContextOptions): Promise<Page>;
}

/**
 * A studio stack (runner + studio) and a headless Chromium for one test file or describe block,
 * started in its beforeAll and stopped in its afterAll. Call it at the top level of the file (or
 * of the describe) so vitest registers both hooks there.
 */
export function useStudio(options: StudioOptions = {}): StudioSession {
  const { viewport = { width: 1440, height: 1000 }, pageTimeoutMs = 30_000, launch = CHROMIUM } = options;
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await options.beforeStart?.();
    stack = await startStack(options.stack);
    browser = await chromium.launch(launch);
  }, options.startTimeoutMs);

  afterAll(async () => {
    try {
      await browser?.close();
      await stack?.stop();
    } finally {
      await options.afterStop?.();
    }
  });

  // Module-level code runs while vitest collects the tests, before any beforeAll: fail loudly there.
  function started<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`useStudio(): the ${what} exists only inside tests and hooks, after useStudio's beforeAll has started it`);
    return value;
  }

  return {
    get stack() {
      return started(stack, "stack");
    },
    get browser() {
      return started(browser, "browser");
    },
    async newPage(contextOptions = {}) {
      const page = await started(browser, "browser").newPage({ viewport, ...contextOptions });
      page.setDefaultTimeout(pageTimeoutMs);
      return page;
    },
  };
}

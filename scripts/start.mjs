#!/usr/bin/env node
// `npm start`: install what is missing, build, migrate the database, start runner and studio.
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { dataDir, ensureDependencies, log, root, run, runnerToken } from "./lib.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureDependencies();

const host = process.env.ATTUNE_HOST || "127.0.0.1";
// Same rule as apps/studio/src/env.ts, checked here too so `npm start` fails before building.
const loopback = /^(localhost|::1|\[::1\]|127(\.\d{1,3}){3})$/i.test(host);
if (!loopback && (process.env.ATTUNE_ADMIN_SECRET ?? "").length < 16) {
  log(`ATTUNE_HOST=${host} is reachable from the network: set ATTUNE_ADMIN_SECRET (16+ characters) to protect the studio, or leave ATTUNE_HOST unset for 127.0.0.1.`);
  process.exit(1);
}
const studioPort = process.env.PORT ?? "3000";
const runnerPort = process.env.RUNNER_PORT ?? "4100";
const dbPath = resolve(root, process.env.ATTUNE_DB_PATH ?? join(dataDir(), "attune.db"));
const env = {
  ...process.env,
  ATTUNE_DB_PATH: dbPath,
  ATTUNE_MODELS_DIR: process.env.ATTUNE_MODELS_DIR ?? join(dataDir(), "models"),
  RUNNER_TOKEN: runnerToken(),
  // The studio's env.ts decides from this whether the admin secret is required.
  ATTUNE_HOST: host,
  RUNNER_HOST: process.env.RUNNER_HOST ?? "127.0.0.1",
  RUNNER_PORT: runnerPort,
  RUNNER_URL: process.env.RUNNER_URL ?? `http://127.0.0.1:${runnerPort}`,
  // What the Docker images run too: among other things the runtime then skips freezing every
  // node output, a development check that node authors get in tests (packages/runtime/src/execute.ts).
  NODE_ENV: process.env.NODE_ENV ?? "production",
  // Per-request log lines would bury the URL below; LOG_LEVEL=info brings them back.
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
};

log("building...");
run("npx", ["turbo", "run", "build", "--filter=@attune/studio", "--output-logs=errors-only"]);

log(`migrating database ${dbPath}...`);
run("node", ["--import", "tsx", "scripts/migrate.ts"], { env });

log("preparing models (converted once, cached by sha256)...");
run("node", ["--import", "tsx", "packages/models/scripts/prepare.ts"], { env });

const children = [];
function start(name, command, args, cwd) {
  // Each child leads its own process group: `npx next start` forks next-server, and signalling the
  // group is what stops the whole tree instead of leaving an orphan holding the port.
  const child = spawn(command, args, { cwd: join(root, cwd), env, stdio: "inherit", detached: true });
  child.on("exit", (code, signal) => {
    log(`${name} stopped (${signal ?? code}); shutting down`);
    shutdown(code ?? 1);
  });
  children.push(child);
}
let shuttingDown = false;
function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  // Give the runner time to flush its run log and close the database, then make sure.
  setTimeout(() => {
    for (const child of children) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
    process.exit(code);
  }, 5000).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

start("runner", "node", ["--import", "tsx", "src/main.ts"], "apps/runner");
start("studio", "npx", ["next", "start", "-H", host, "-p", studioPort], "apps/studio");

async function waitFor(url) {
  for (let i = 0; i < 240; i++) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
const ready = (await waitFor(`${env.RUNNER_URL}/healthz`)) && (await waitFor(`http://${host}:${studioPort}/`));
if (ready) log(`Attune studio is running at \x1b[1mhttp://${host}:${studioPort}\x1b[0m (Ctrl+C to stop)`);
else log("the studio or runner did not come up; see the output above");

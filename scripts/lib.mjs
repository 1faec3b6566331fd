// Shared set-up steps for `npm start` and `npm test`: each step checks first and only does work
// that is missing, so both commands work on a fresh clone and stay quick on a prepared one.
import { spawnSync } from "node:child_process";
import { existsSync, statSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function log(message) {
  process.stdout.write(`\x1b[36m[attune]\x1b[0m ${message}\n`);
}

/** Runs a command in the repo root, inheriting stdio; exits the process on failure. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...options.env } });
  if (result.status !== 0) {
    if (options.allowFailure) return result.status ?? 1;
    log(`'${command} ${args.join(" ")}' failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  return 0;
}

/** npm ci when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log("installing dependencies (npm ci)...");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

/** Debian's Chromium for browser tests; installed with apt-get when we are root and it is missing. */
export function ensureChromium() {
  if (existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() !== 0) {
    log("Chromium is missing: install it with `sudo apt-get install chromium` and run again.");
    process.exit(1);
  }
  log("installing Chromium with apt-get...");
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
}

export function dataDir() {
  const dir = resolve(root, process.env.ATTUNE_DATA_DIR ?? "data");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The secret the studio uses to call the runner. Generated once per data folder (mode 600) unless
 * RUNNER_TOKEN is set; never printed.
 */
export function runnerToken() {
  if (process.env.RUNNER_TOKEN) return process.env.RUNNER_TOKEN;
  const file = join(dataDir(), "runner-token");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

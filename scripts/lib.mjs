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

/**
 * Debian packages the tests need: Chromium for browser tests, espeak-ng/sox/opus-tools/lame to
 * synthesise and encode test audio. Installed with apt-get when we are root and one is missing.
 */
const TEST_SYSTEM_PACKAGES = [
  { binary: "/usr/bin/chromium", pkg: "chromium" },
  { binary: "/usr/bin/espeak-ng", pkg: "espeak-ng" },
  { binary: "/usr/bin/sox", pkg: "sox" },
  { binary: "/usr/lib/x86_64-linux-gnu/sox/libsox_fmt_mp3.so", pkg: "libsox-fmt-all" },
  { binary: "/usr/bin/opusenc", pkg: "opus-tools" },
  { binary: "/usr/bin/lame", pkg: "lame" },
];

export function ensureTestSystemPackages() {
  const missing = TEST_SYSTEM_PACKAGES.filter((p) => !existsSync(p.binary)).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    log(`missing system packages for tests: install them with \`sudo apt-get install ${missing.join(" ")}\` and run again.`);
    process.exit(1);
  }
  log(`installing ${missing.join(", ")} with apt-get...`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
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

#!/usr/bin/env node
// `npm test`: set up what is missing, then typecheck, unit + integration tests, build, browser tests.
// Exits non-zero on the first failing stage and ends with one summary line.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTestSystemPackages, ensureDependencies, log, run } from "./lib.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureDependencies();
ensureTestSystemPackages();

const reports = mkdtempSync(join(tmpdir(), "attune-test-"));
let passed = 0;
let failed = 0;
function vitest(name, args) {
  const outputFile = join(reports, `${name}.json`);
  const status = run("npx", ["vitest", "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${outputFile}`], {
    allowFailure: true,
  });
  if (existsSync(outputFile)) {
    const report = JSON.parse(readFileSync(outputFile, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  if (status !== 0) finish(status);
}
function finish(status) {
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
  process.exit(status);
}

log("typechecking...");
run("npx", ["turbo", "run", "typecheck", "--output-logs=errors-only"]);
run("npx", ["tsc", "-p", "tsconfig.json"]); // repo-level tests, scripts, benches, training
log("preparing models...");
run("node", ["--import", "tsx", "packages/models/scripts/prepare.ts"]);
log("unit and integration tests...");
vitest("unit", []);
log("building the studio for browser tests...");
run("npx", ["turbo", "run", "build", "--filter=@attune/studio", "--output-logs=errors-only"]);
log("browser tests (headless Chromium)...");
vitest("e2e", ["-c", "vitest.e2e.config.ts"]);
finish(failed > 0 ? 1 : 0);

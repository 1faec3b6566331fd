/**
 * Test-only helpers for command-line audio tools (sox, opusenc, espeak-ng from Debian packages).
 * Locally a missing tool skips the tests that need it, with a message naming the apt package; in CI
 * (CI=true) it never skips: the tests run and fail loudly, because .ci/run installs these tools.
 */
import { spawnSync } from "node:child_process";

export function hasTool(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** True when tests needing `command` should be skipped (only outside CI); logs why once. */
export function skipWithoutTool(command: string, aptPackage: string): boolean {
  if (hasTool(command)) return false;
  if (process.env.CI) return false;
  console.warn(`skipping tests that need '${command}': install it with 'apt-get install -y ${aptPackage}' (CI must have it)`);
  return true;
}

/** Runs a tool and returns stdout; throws with its stderr when it fails. */
export function runTool(command: string, args: string[], input?: Uint8Array): Uint8Array {
  const result = spawnSync(command, args, { input, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr.toString()}`);
  return new Uint8Array(result.stdout);
}

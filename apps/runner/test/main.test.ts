import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const TOKEN = "main-test-token-0123456789";

/** Runs `npm start`'s command with a clean environment (only what the runner needs). */
function startMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function collect(stream: NodeJS.ReadableStream | null): { text: () => string } {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => (text += chunk));
  return { text: () => text };
}

describe("main.ts", () => {
  it("exits with a clear message when RUNNER_TOKEN is missing", async () => {
    const child = startMain({});
    const stderr = collect(child.stderr);
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(1);
    expect(stderr.text()).toContain("RUNNER_TOKEN is required");
  });

  it("listens, logs its URL but not the token, serves requests and shuts down on SIGTERM", async () => {
    const child = startMain({ RUNNER_TOKEN: TOKEN, RUNNER_PORT: "0", LOG_LEVEL: "info" });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const exited = once(child, "exit");
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const check = () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text());
          if (match?.[1]) resolve(match[1]);
        };
        child.stdout?.on("data", check);
        child.on("exit", (code) => reject(new Error(`runner exited early (${code}): ${stderr.text()}`)));
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const nodes = await fetch(`${url}/v1/nodes`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(nodes.status).toBe(200);
      await nodes.text();
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(stdout.text()).toContain("shutting down");
    expect(stdout.text() + stderr.text()).not.toContain(TOKEN);
  });
});

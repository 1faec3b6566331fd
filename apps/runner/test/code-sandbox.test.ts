import { createCodeSandbox, type WorkerCodeSandbox } from "@attune/nodes-core/code-sandbox";
import type { RunResult } from "@attune/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge, node, postPreview, startServer, type RunningServer } from "./helpers";

/** A pipeline of one core.code node feeding the `result` output. */
function codePipeline(code: string, timeoutMs = 1_000) {
  return {
    schemaVersion: 1,
    nodes: [node("js", "core.code", { code, timeoutMs }), node("out", "core.output", { name: "result" }, 1)],
    edges: [edge("js", "output", "out", "value")],
  };
}

async function preview(server: RunningServer, code: string, timeoutMs?: number): Promise<RunResult> {
  const res = await postPreview(server, { document: codePipeline(code, timeoutMs), inputs: {} }, { accept: "application/json" });
  expect(res.status).toBe(200);
  return (await res.json()) as RunResult;
}

describe("runner: user JavaScript runs in the code sandbox's worker threads", () => {
  let sandbox: WorkerCodeSandbox;
  let server: RunningServer;
  beforeAll(async () => {
    sandbox = createCodeSandbox({ workers: 2 });
    server = await startServer({ sandbox });
  });
  afterAll(async () => {
    await server.close();
    await sandbox.close();
  });

  it("runs code nodes", async () => {
    const results = await Promise.all([preview(server, "return [1, 2, 3].map((x) => x * 2);"), preview(server, "return 'b';")]);
    expect(results.map((r) => r.outputs)).toEqual([{ result: [2, 4, 6] }, { result: "b" }]);
    // Both workers are up now, so the ordering test below does not depend on thread start-up time.
    while (sandbox.stats().idle < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it("keeps serving /healthz and other runs while one run is stuck in an endless loop", async () => {
    const finished: string[] = [];
    const stuck = preview(server, "while (true) {}", 3_000).then((result) => {
      finished.push("stuck");
      return result;
    });
    // Wait until the loop is really spinning in a worker before asking for anything else.
    while (sandbox.stats().busy === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const health = fetch(`${server.url}/healthz`).then(async (res) => {
      finished.push("healthz");
      return { status: res.status, body: (await res.json()) as { ok: boolean } };
    });
    const normal = preview(server, "return 'still here';").then((result) => {
      finished.push("normal");
      return result;
    });

    const [stuckResult, healthResult, normalResult] = await Promise.all([stuck, health, normal]);
    expect(healthResult).toEqual({ status: 200, body: expect.objectContaining({ ok: true }) });
    expect(normalResult.outputs).toEqual({ result: "still here" });
    // Both answered while the loop was still spinning: the stuck run is the last to finish.
    expect(finished).toHaveLength(3);
    expect(finished[2]).toBe("stuck");
    expect(stuckResult.status).toBe("failed");
    expect(stuckResult.nodes["js"]!.status).toBe("failed");
    expect(stuckResult.nodes["js"]!.error).toMatchObject({ code: "CODE_TIMEOUT", message: expect.stringMatching(/limit 3000 ms/) });
  });

  it("reports a hostile node's failure as data and keeps working afterwards", async () => {
    const escaped = await preview(server, 'return this.constructor.constructor("return process")().mainModule;');
    expect(escaped.nodes["js"]!.error).toMatchObject({ code: "CODE_ERROR", message: expect.stringMatching(/^ReferenceError.*process/) });
    expect((await preview(server, "return 1 + 1;")).outputs).toEqual({ result: 2 });
  });
});

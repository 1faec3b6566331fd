import { compile, NodeRegistry, type NodeDefinition } from "@attune/graph";
import { execute } from "@attune/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { output } from "../output";
import { textInput } from "../text-input";
import { makeTestContext } from "../testing";
import { code } from "./index";
import { CodeError } from "./run";
import { createCodeSandbox, type WorkerCodeSandbox } from "./sandbox";

/** One sandbox for the file, as the runner has one per process. */
const sandbox = createCodeSandbox();
const extraSandboxes: WorkerCodeSandbox[] = [];
afterAll(async () => {
  await Promise.all([sandbox, ...extraSandboxes].map((s) => s.close()));
});

function ownSandbox(...args: Parameters<typeof createCodeSandbox>): WorkerCodeSandbox {
  const created = createCodeSandbox(...args);
  extraSandboxes.push(created);
  return created;
}

async function run(source: string, input?: unknown, params: Record<string, unknown> = {}, on = sandbox) {
  const ctx = makeTestContext({ sandbox: on });
  const out = await code.run(input === undefined ? {} : { input }, code.params.parse({ code: source, ...params }), ctx);
  return { output: out.output, logs: ctx.logs };
}

async function failure(source: string, input?: unknown, params: Record<string, unknown> = {}): Promise<CodeError> {
  try {
    await run(source, input, params);
  } catch (error) {
    expect(error).toBeInstanceOf(CodeError);
    return error as CodeError;
  }
  throw new Error("expected the code to fail");
}

/** The sandbox must still work normally after whatever the previous test did to it. */
async function stillWorks(on = sandbox) {
  expect((await run("return input.a + input.b;", { a: 2, b: 3 }, {}, on)).output).toBe(5);
}

/** Resolves once `check` holds, polling the event loop (which hostile code must never block). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("core.code: normal use", () => {
  it("runs a function body on the JSON input and returns JSON", async () => {
    const scores = { taxonomy: "sentiment3", calibrated: false, scores: { negative: 0.7, neutral: 0.2, positive: 0.1 } };
    const { output } = await run("const s = input.scores;\nreturn { upset: s.negative > 0.5, labels: Object.keys(s) };", scores);
    expect(output).toEqual({ upset: true, labels: ["negative", "neutral", "positive"] });
  });

  it("passes through by default, turns undefined into null and works without an input", async () => {
    expect((await code.run({ input: [1, "a"] }, code.params.parse({}), makeTestContext({ sandbox }))).output).toEqual([1, "a"]);
    expect((await run("const x = 1;")).output).toBeNull();
    expect((await run("return typeof input;")).output).toBe("undefined");
  });

  it("sends console.log lines to the run log", async () => {
    const { logs } = await run("console.log('hello', { n: 1 }); return 1;");
    expect(logs).toEqual([{ level: "info", message: 'hello {"n":1}', data: { source: "console.log" } }]);
  });

  it("works on a copy: mutating input inside does not touch the host value", async () => {
    const input = { items: [1, 2] };
    expect((await run("input.items.push(3); return input.items.length;", input)).output).toBe(3);
    expect(input).toEqual({ items: [1, 2] });
  });

  it("refuses an input JSON cannot carry", async () => {
    const e = await failure("return 1;", { big: 10n });
    expect(e.code).toBe("CODE_INPUT");
  });
});

describe("core.code: hostile code fails that node with a clear error", () => {
  it("offers no host objects: require, process, fs, network and timers do not exist", async () => {
    const probe = ["require", "process", "module", "fetch", "XMLHttpRequest", "setTimeout", "setInterval", "std", "os", "Deno", "Bun", "__attuneLog"]
      .map((name) => `${name}: typeof ${name}`)
      .join(", ");
    const { output } = await run(`return { ${probe} };`);
    expect(Object.values(output as Record<string, string>).every((t) => t === "undefined")).toBe(true);
  });

  it("constructor-chain escapes reach only the sandbox's own globals", async () => {
    expect((await run('return this.constructor.constructor("return typeof process")();')).output).toBe("undefined");
    const e = await failure('return this.constructor.constructor("return process")().mainModule.require("fs");');
    expect(e).toMatchObject({ code: "CODE_ERROR" });
    expect(e.message).toMatch(/^ReferenceError.*process/);
    // Dynamic import has no loader in the sandbox: it cannot reach node:fs either.
    const imported = await run('try { import("node:fs"); return "no throw"; } catch (e) { return String(e); }').catch((x: Error) => x);
    expect(JSON.stringify(imported)).not.toMatch(/readFileSync/);
    expect((await run('return (() => {}).constructor("return Object.keys(globalThis).sort().join()")();')).output).not.toMatch(/process|require/);
    await stillWorks();
  });

  it("prototype pollution stays inside the run's own context", async () => {
    await run("Object.prototype.polluted = 'yes'; Array.prototype.map = null; JSON.parse = () => 'hacked'; return 1;");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof [].map).toBe("function");
    expect(JSON.parse("1")).toBe(1);
    // The next run gets a fresh context: nothing of the previous one is left.
    expect((await run("return [({}).polluted, typeof [].map];")).output).toEqual([null, "function"]);
    // Replacing JSON inside cannot change how the output leaves.
    expect((await run("JSON.stringify = () => '\"forged\"'; return { ok: true };")).output).toEqual({ ok: true });
  });

  it("an endless loop fails with a timeout error, and the next run works", async () => {
    const e = await failure("while (true) {}", undefined, { timeoutMs: 50 });
    expect(e.code).toBe("CODE_TIMEOUT");
    expect(e.message).toMatch(/^timed out after \d+ ms \(limit 50 ms\)/);
    await stillWorks();
  });

  it("a memory bomb fails with a memory error, and the next run works", async () => {
    const e = await failure("const a = []; for (;;) a.push({ x: [1, 2, 3, 4] });", undefined, { memoryLimitMb: 8, timeoutMs: 5000 });
    expect(e.code).toBe("CODE_MEMORY_LIMIT");
    expect(e.message).toContain("limited to 8 MB");
    const str = await failure("let s = 'x'; for (;;) s += s;", undefined, { memoryLimitMb: 8, timeoutMs: 5000 });
    expect(str.code).toBe("CODE_MEMORY_LIMIT");
    await stillWorks();
  });

  it("a huge output fails with a size error instead of being copied out", async () => {
    const e = await failure("return 'x'.repeat(100000);", undefined, { maxOutputKb: 16 });
    expect(e.code).toBe("CODE_OUTPUT_TOO_LARGE");
    expect(e.message).toBe("the output is 98 KB of JSON, over the 16 KB limit");
    await stillWorks();
  });

  it("a syntax error names the line in the user's code", async () => {
    const e = await failure("const a = 1;\nconst b = ;\nreturn a;");
    expect(e.code).toBe("CODE_SYNTAX");
    expect(e.message).toMatch(/^SyntaxError on line 2: /);
    await stillWorks();
  });

  it("a thrown error names its type, message and line", async () => {
    const e = await failure("const x = null;\n\nreturn x.y;");
    expect(e).toMatchObject({ code: "CODE_ERROR", message: "TypeError on line 3: cannot read property 'y' of null" });
    expect((await failure("throw new RangeError('too big');")).message).toBe("RangeError on line 1: too big");
  });

  it("deep recursion fails with a stack overflow error", async () => {
    const e = await failure("function f(n) { return f(n + 1) + 1; }\nreturn f(0);", undefined, { timeoutMs: 5000 });
    expect(e.code).toBe("CODE_STACK_OVERFLOW");
    await stillWorks();
  });

  it("async code is refused clearly", async () => {
    expect((await failure("return Promise.resolve(1);")).message).toContain("async code is not supported");
  });

  it("in a pipeline, a hostile node fails alone: its sibling branch finishes and other runs keep working", async () => {
    const registry = new NodeRegistry<NodeDefinition<any>>([textInput, output, code]);
    const doc = (hostile: string) => ({
      schemaVersion: 1 as const,
      nodes: [
        { id: "in", type: "core.text-input", version: 1, params: {}, position: { x: 0, y: 0 } },
        { id: "bad", type: "core.code", version: 1, params: { code: hostile, timeoutMs: 50 }, position: { x: 1, y: 0 } },
        { id: "good", type: "core.code", version: 1, params: { code: "return input.toUpperCase();" }, position: { x: 1, y: 1 } },
        { id: "o1", type: "core.output", version: 1, params: { name: "bad" }, position: { x: 2, y: 0 } },
        { id: "o2", type: "core.output", version: 1, params: { name: "good" }, position: { x: 2, y: 1 } },
      ],
      edges: [
        { id: "e1", from: { node: "in", port: "text" }, to: { node: "bad", port: "input" } },
        { id: "e2", from: { node: "in", port: "text" }, to: { node: "good", port: "input" } },
        { id: "e3", from: { node: "bad", port: "output" }, to: { node: "o1", port: "value" } },
        { id: "e4", from: { node: "good", port: "output" }, to: { node: "o2", port: "value" } },
      ],
    });
    for (const hostile of ["while (true) {}", "const a = []; for (;;) a.push([a]);", 'return this.constructor.constructor("return process")();']) {
      const compiled = compile(doc(hostile), registry);
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
      const [attacked, normal] = await Promise.all([
        execute(compiled.plan, { registry, inputs: { text: "hi" }, sandbox }),
        execute(compiled.plan, { registry, inputs: { text: "there" }, sandbox }),
      ]);
      for (const result of [attacked, normal]) {
        expect(result.status).toBe("partial");
        expect(result.nodes["bad"]!.status).toBe("failed");
        expect(result.nodes["bad"]!.error!.code).toMatch(/^CODE_/);
      }
      expect(attacked.outputs).toEqual({ good: "HI" });
      expect(normal.outputs).toEqual({ good: "THERE" });
    }
  });

  it("keeps the console.log lines written before the code failed", async () => {
    const ctx = makeTestContext({ sandbox });
    await expect(code.run({}, code.params.parse({ code: "console.log('step 1');\nthrow new Error('boom');" }), ctx)).rejects.toMatchObject({
      code: "CODE_ERROR",
    });
    expect(ctx.logs.map((l) => l.message)).toEqual(["step 1"]);
  });

  it("validates its limits", () => {
    expect(code.params.safeParse({ timeoutMs: 60_000 }).success).toBe(false);
    expect(code.params.safeParse({ memoryLimitMb: 0 }).success).toBe(false);
  });
});

describe("core.code: the worker-thread sandbox", () => {
  it("fails clearly when no sandbox is wired into the context", async () => {
    await expect(code.run({ input: 1 }, code.params.parse({}), makeTestContext())).rejects.toThrow(/no code sandbox is available/);
  });

  it("an endless loop blocks neither the event loop nor another code run: the normal run finishes first", async () => {
    const pool = ownSandbox({ workers: 2 });
    // Both workers started first, so the ordering below does not depend on how fast a thread boots.
    await Promise.all([stillWorks(pool), stillWorks(pool)]);
    await until(() => pool.stats().idle === 2);
    const finished: string[] = [];
    const stuck = run("while (true) {}", undefined, { timeoutMs: 2_000 }, pool).then(
      () => finished.push("stuck"),
      (error: CodeError) => finished.push(`stuck:${error.code}`),
    );
    await until(() => pool.stats().busy === 1);
    // The main thread is free: timers fire while the loop spins in its worker.
    await new Promise((resolve) => setTimeout(resolve, 1));
    finished.push("timer");
    const normal = await run("return input * 2;", 21, {}, pool);
    finished.push("normal");
    expect(normal.output).toBe(42);
    await stuck;
    expect(finished).toEqual(["timer", "normal", "stuck:CODE_TIMEOUT"]);
  });

  it("bounds the pool: more requests than workers wait in the queue and all complete", async () => {
    const pool = ownSandbox({ workers: 2 });
    const runs = [1, 2, 3, 4, 5].map((n) => run("return input + 1;", n, {}, pool));
    await until(() => pool.stats().queued > 0 || pool.stats().busy > 0);
    expect(pool.stats().workers).toBeLessThanOrEqual(2);
    expect((await Promise.all(runs)).map((r) => r.output)).toEqual([2, 3, 4, 5, 6]);
    expect(pool.stats()).toMatchObject({ started: 2, terminated: 0, busy: 0, queued: 0 });
  });

  it("aborting a run terminates its worker at once, and the pool recovers with a fresh one", async () => {
    const pool = ownSandbox({ workers: 1 });
    const ctx = makeTestContext({ sandbox: pool });
    const running = code.run({}, code.params.parse({ code: "for (;;) {}", timeoutMs: 5_000 }), ctx).then(
      () => "resolved",
      (error: unknown) => error,
    );
    await until(() => pool.stats().busy === 1);
    const reason = new DOMException("run cancelled", "AbortError");
    ctx.abort.abort(reason);
    // Rejected with the abort reason, not QuickJS's timeout: the worker was terminated, not interrupted.
    expect(await running).toBe(reason);
    expect(pool.stats()).toMatchObject({ workers: 0, busy: 0, started: 1, terminated: 1 });
    await stillWorks(pool);
    expect(pool.stats()).toMatchObject({ workers: 1, started: 2 });
  });

  it("a queued run whose signal aborts leaves the queue without touching the running worker", async () => {
    const pool = ownSandbox({ workers: 1 });
    const first = run("let x = 0; for (let i = 0; i < 1e5; i++) x += i; return x;", undefined, {}, pool);
    const abort = new AbortController();
    const queued = pool.run({ code: "return 1;", timeoutMs: 100, memoryLimitMb: 8, maxOutputKb: 1 }, abort.signal);
    const outcome = expect(queued).rejects.toThrow("never mind");
    abort.abort(new Error("never mind"));
    await outcome;
    expect((await first).output).toBe(4999950000);
    expect(pool.stats().terminated).toBe(0);
  });

  it("a worker that stops answering is terminated by the backstop and replaced", async () => {
    const pool = ownSandbox({ workers: 1, graceMs: 100, workerUrl: new URL("./fixtures/hanging-worker.ts", import.meta.url) });
    await stillWorks(pool);
    const e = await run("HANG", undefined, { timeoutMs: 50 }, pool).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(CodeError);
    expect(e).toMatchObject({ code: "CODE_TIMEOUT", message: expect.stringMatching(/did not answer within 150 ms .*restarted/) });
    expect(pool.stats()).toMatchObject({ terminated: 1 });
    await stillWorks(pool);
    expect(pool.stats()).toMatchObject({ workers: 1, started: 2 });
  });

  it("close() rejects runs in flight and later runs", async () => {
    const pool = createCodeSandbox({ workers: 1 });
    const running = pool.run({ code: "for (;;) {}", timeoutMs: 5_000, memoryLimitMb: 8, maxOutputKb: 1 });
    const outcome = expect(running).rejects.toThrow("the code sandbox is closed");
    await until(() => pool.stats().busy === 1);
    await pool.close();
    await outcome;
    await expect(pool.run({ code: "return 1;", timeoutMs: 100, memoryLimitMb: 8, maxOutputKb: 1 })).rejects.toThrow("closed");
    expect(pool.stats().workers).toBe(0);
  });
});

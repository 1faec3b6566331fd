import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildSnippets, type EndpointInput } from "./snippets";

// The snippets are run for real against a loopback echo server: a snippet that a user copies must
// send exactly the inputs, key and media bytes it claims to.

interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

let server: Server;
let url: string;
let received: Received[] = [];
let dir: string;
const KEY = "atk_test_0123456789abcdef";
const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 250, 251, 0x0a, 0x0a]);
const clip = Buffer.from("RIFF$\0\0\0WAVEfmt fake audio bytes \n\n with newlines".repeat(40));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "attune-snippets-"));
  writeFileSync(path.join(dir, "photo.jpg"), photo);
  writeFileSync(path.join(dir, "clip.wav"), clip);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ authorization: req.headers.authorization, contentType: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ runId: "r1", slug: "s", version: 1, outputs: { ok: true } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  url = `http://127.0.0.1:${address.port}/v1/pipelines/angry-caller/run`;
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Async on purpose: spawnSync would block this process, and with it the echo server. */
function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env: { ...process.env, ATTUNE_API_KEY: KEY }, timeout: 20_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} failed (${code}): ${stderr}\n${input ?? ""}`))));
    child.stdin.end(input ?? "");
  });
}

const hasPythonRequests = spawnSync("python3", ["-c", "import requests"]).status === 0;
const hasCurl = spawnSync("curl", ["--version"]).status === 0;

const textInputs: EndpointInput[] = [
  // Quotes, $ and backticks must survive shell quoting in every language.
  { name: "text", type: "text", required: true, example: `It's "awful" — $HOME \`id\` \\ cost me $5!` },
  { name: "threshold", type: "number", required: false, example: 0.7 },
];
const mediaInputs: EndpointInput[] = [
  { name: "caption", type: "text", required: false, example: "Don't $(rm) me" },
  { name: "face", type: "image", required: true },
  { name: "voice", type: "audio", required: true },
];
const expectedText = { text: textInputs[0]!.example, threshold: 0.7 };
const expectedMedia = {
  caption: "Don't $(rm) me",
  face: { base64: photo.toString("base64"), mimeType: "image/jpeg" },
  voice: { base64: clip.toString("base64"), mimeType: "audio/wav" },
};

describe("endpoint snippets", () => {
  test("name the real URL, the key variable and every input", () => {
    const s = buildSnippets(url, mediaInputs);
    for (const snippet of [s.curl, s.typescript, s.python]) {
      expect(snippet).toContain(url);
      expect(snippet).toContain("ATTUNE_API_KEY");
      for (const input of mediaInputs) expect(snippet).toContain(`"${input.name}"`);
      expect(snippet).toMatch(/base64/);
    }
  });

  for (const [label, inputs, expected] of [
    ["text", textInputs, expectedText],
    ["media", mediaInputs, expectedMedia],
  ] as const) {
    test.skipIf(!hasCurl)(`curl sends the ${label} inputs`, async () => {
      received = [];
      await run("bash", ["-e"], buildSnippets(url, inputs).curl);
      expect(received).toEqual([{ authorization: `Bearer ${KEY}`, contentType: "application/json", body: { inputs: expected } }]);
    });

    test(`TypeScript fetch sends the ${label} inputs`, async () => {
      received = [];
      const file = path.join(dir, `snippet-${label}.mjs`);
      writeFileSync(file, buildSnippets(url, inputs).typescript);
      expect(await run(process.execPath, [file])).toContain("r1");
      expect(received).toEqual([{ authorization: `Bearer ${KEY}`, contentType: "application/json", body: { inputs: expected } }]);
    });

    test.skipIf(!hasPythonRequests)(`Python requests sends the ${label} inputs`, async () => {
      received = [];
      expect(await run("python3", ["-"], buildSnippets(url, inputs).python)).toContain("r1");
      expect(received).toEqual([{ authorization: `Bearer ${KEY}`, contentType: "application/json", body: { inputs: expected } }]);
    });
  }
});

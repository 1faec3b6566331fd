import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const here = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, "utf8");
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms)) {
    found.push({ specifier: match[3] ?? "", typeOnly: Boolean(match[2]) });
  }
  return found;
}

it("api depends only on db, graph, tRPC and zod (never on node packages, runtime or models)", () => {
  const allowed = /^(\.|@attune\/(db|graph)$|@trpc\/server|zod$|node:)/;
  const offenders = sourceFiles(here).flatMap((file) =>
    importsOf(file)
      .filter((i) => !allowed.test(i.specifier))
      .map((i) => `${path.relative(here, file)} -> ${i.specifier}`),
  );
  expect(offenders).toEqual([]);
});

it("the browser entry exports types only, so the studio bundle never pulls in the server", () => {
  const file = path.join(here, "client.ts");
  const statements = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => /^\s*(import|export)\b/.test(line));
  expect(statements.length).toBeGreaterThan(0);
  for (const line of statements) expect(line).toMatch(/^\s*(import|export)\s+type\b/);
});

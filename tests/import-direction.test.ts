// Enforces the dependency direction from DESIGN.md by reading every source file's imports.
// npm hoisting would let a forbidden import resolve anyway, so only this test stops it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

/** Which @attune packages each workspace may import (by folder). */
const allowed: Record<string, (specifier: string) => boolean> = {
  "packages/graph": () => false,
  "packages/runtime": (s) => s === "@attune/graph",
  "packages/stats": () => false,
  "packages/db": (s) => s === "@attune/graph" || s === "@attune/stats",
  "packages/api": (s) => ["@attune/graph", "@attune/db", "@attune/stats"].includes(s) || s === "@attune/api/client",
  // The runner reads published endpoints and API keys from, and appends the run log to, the same
  // SQLite file (WAL mode) the studio writes, so it shares the db package's schema and repository.
  "apps/runner": (s) => ["@attune/graph", "@attune/runtime", "@attune/models", "@attune/db", "@attune/stats"].includes(s) || /^@attune\/nodes-[a-z]+(\/[a-z-]+)?$/.test(s),
  // The studio sees node specs only, never run code, the runtime or model sessions.
  "apps/studio": (s) => ["@attune/graph", "@attune/api", "@attune/api/client", "@attune/db", "@attune/stats"].includes(s) || /^@attune\/nodes-[a-z]+\/specs$/.test(s),
};
for (const family of readdirSync(join(root, "nodes"))) {
  // Node families sit in one layer and may share helpers (e.g. vision reuses core's image
  // thumbnails); they never reach down to the runtime, models, db or api. Browser-safe spec entries
  // are held to "graph and zod only" by nodes/contract.test.ts.
  if (statSync(join(root, "nodes", family)).isDirectory()) {
    allowed[`nodes/${family}`] = (s) => s === "@attune/graph" || /^@attune\/nodes-[a-z]+(\/[a-z-/]+)?$/.test(s);
  }
}

/** Third-party packages a workspace must never import. */
const forbiddenExternal: Record<string, RegExp> = {
  "packages/graph": /^(?!zod($|\/)).+/, // graph imports only zod
  "packages/stats": /^(?!zod($|\/)).+/, // pure statistics: nothing but (maybe) zod
  "apps/studio": /^(onnxruntime-node|better-sqlite3|fastify)($|\/)/,
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "dist", ".turbo"].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const importPattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(importPattern)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

describe("dependency direction", () => {
  for (const [workspace, isAllowed] of Object.entries(allowed)) {
    it(`${workspace} imports only what DESIGN.md allows`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, workspace))) {
        // Tests and their helpers may reach further (real models, the runner).
        const isTest = /\.(test|e2e\.test|bench)\.ts$|\/(test-[a-z-]+|testing)\.ts$/.test(file) || /\/(e2e|test)\//.test(file);
        for (const specifier of importsOf(file)) {
          if (specifier.startsWith(".") || specifier.startsWith("node:") || specifier.startsWith("@/")) continue;
          const where = `${relative(root, file)} imports '${specifier}'`;
          if (specifier.startsWith("@attune/")) {
            // Tests may reach further (e.g. the studio's browser test starts the runner).
            if (!isAllowed(specifier) && !isTest) violations.push(where);
          } else if (forbiddenExternal[workspace]?.test(specifier) && !isTest) {
            violations.push(where);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it("catches a forbidden import (self-check of the pattern)", () => {
    const sample = `import { execute } from "@attune/runtime";\nconst m = await import("onnxruntime-node");`;
    expect([...sample.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3])).toEqual(["@attune/runtime", "onnxruntime-node"]);
    expect(allowed["apps/studio"]!("@attune/runtime")).toBe(false);
    expect(allowed["apps/studio"]!("@attune/nodes-nlp")).toBe(false);
    expect(allowed["apps/studio"]!("@attune/nodes-nlp/specs")).toBe(true);
  });
});

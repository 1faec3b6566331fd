import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_FOLDER } from "./open-database";

// Editing schema.ts without running `npm run db:generate -w @attune/db` would ship a database whose
// tables do not match the code. Regenerate against a copy of the committed migrations: drizzle-kit
// must find nothing to do.
it("committed migrations match schema.ts", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "attune-migrations-"));
  try {
    cpSync(DEFAULT_MIGRATIONS_FOLDER, path.join(dir, "out"), { recursive: true });
    const require = createRequire(import.meta.url);
    const bin = path.join(path.dirname(require.resolve("drizzle-kit")), "bin.cjs");
    const schema = path.resolve(import.meta.dirname, "schema.ts");
    // drizzle-kit mishandles an absolute --out, hence cwd + a relative one.
    const output = execFileSync(process.execPath, [bin, "generate", "--dialect", "sqlite", "--schema", schema, "--out", "./out"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(output).toContain("No schema changes");
    expect(readdirSync(path.join(dir, "out")).filter((f) => f.endsWith(".sql"))).toEqual(
      readdirSync(DEFAULT_MIGRATIONS_FOLDER).filter((f) => f.endsWith(".sql")),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

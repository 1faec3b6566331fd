import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The monorepo root is the nearest ancestor with a `workspaces` package.json. `next start` and
 * `next dev` run with cwd = apps/studio, but resolving it this way also works from the root.
 */
function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const parsed: unknown = JSON.parse(fs.readFileSync(manifest, "utf8"));
      if (typeof parsed === "object" && parsed !== null && "workspaces" in parsed) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

const envSchema = z.object({
  ATTUNE_DB_PATH: z.string().min(1).optional(),
  RUNNER_URL: z.url().default("http://127.0.0.1:4100"),
  // Optional so that `next build` works without secrets; the preview proxy reports its absence.
  RUNNER_TOKEN: z.string().min(1).optional(),
  // Matches the runner's default limit, so the studio refuses what the runner would refuse anyway.
  MAX_INPUT_CHARS: z.coerce.number().int().positive().default(10_000),
  // Matches the runner's RUNNER_MODEL_UPLOAD_LIMIT_BYTES; /api/models refuses bigger uploads before forwarding.
  MODEL_UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  throw new Error(`Invalid studio environment:\n${z.prettifyError(parsed.error)}`);
}

/** The studio's validated configuration. This module is the only place that reads process.env. */
export const env = {
  ...parsed.data,
  ATTUNE_DB_PATH: parsed.data.ATTUNE_DB_PATH ?? path.join(findRepoRoot(process.cwd()), "data", "attune.db"),
  RUNNER_URL: parsed.data.RUNNER_URL.replace(/\/+$/, ""),
};

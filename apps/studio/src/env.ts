import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { envSchema } from "./env-schema";
import { isLoopbackHost } from "./server/admin-auth";

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


// Empty strings count as unset (`ATTUNE_ADMIN_SECRET= npm start` must not mean "secret is empty").
const raw = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value.trim() !== ""));
const parsed = envSchema.safeParse(raw);
if (!parsed.success) {
  throw new Error(`Invalid studio environment:\n${z.prettifyError(parsed.error)}`);
}

const listenHost = parsed.data.ATTUNE_HOST ?? parsed.data.HOSTNAME ?? "127.0.0.1";
// `next build` evaluates route modules too; only a running server must refuse to be open.
if (!isLoopbackHost(listenHost) && !parsed.data.ATTUNE_ADMIN_SECRET && process.env.NEXT_PHASE !== "phase-production-build") {
  throw new Error(
    `Invalid studio environment: the studio listens on '${listenHost}', which is not loopback, and ATTUNE_ADMIN_SECRET is not set. ` +
      "Set ATTUNE_ADMIN_SECRET (16+ characters) so the studio asks for it, or listen on 127.0.0.1.",
  );
}

/** The studio's validated configuration. This module is the only place that reads process.env. */
export const env = {
  ...parsed.data,
  ATTUNE_DB_PATH: parsed.data.ATTUNE_DB_PATH ?? path.join(findRepoRoot(process.cwd()), "data", "attune.db"),
  RUNNER_URL: parsed.data.RUNNER_URL.replace(/\/+$/, ""),
  LISTEN_HOST: listenHost,
};

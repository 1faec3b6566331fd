import fs from "node:fs";
import path from "node:path";
import { readBuiltinTemplates, syncBuiltinTemplates } from "@attune/db";
import { getDatabase, getSpecs } from "@/server/services";

/** The repository's templates/ folder: the nearest ancestor of the cwd that has one next to a workspace package.json. */
function findTemplatesDir(start: string): string | null {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, "templates")) && fs.existsSync(path.join(dir, "package.json"))) {
      const manifest: unknown = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      if (typeof manifest === "object" && manifest !== null && "workspaces" in manifest) return path.join(dir, "templates");
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const holder = globalThis as typeof globalThis & { __attuneBuiltinsSynced?: boolean };

/**
 * Reads templates/<slug>/ once per server process and mirrors it into the `templates` table, as
 * data only (importPipeline validates each document; nothing is executed). Called by the gallery
 * page before it renders, so the first visit after a start sees the folder as it is on disk.
 */
export function ensureBuiltinTemplates(): void {
  if (holder.__attuneBuiltinsSynced) return;
  const dir = findTemplatesDir(process.cwd());
  if (!dir) {
    console.warn("Gallery: no templates/ folder found above", process.cwd());
    holder.__attuneBuiltinsSynced = true;
    return;
  }
  const { templates, skipped } = readBuiltinTemplates(dir, getSpecs());
  for (const s of skipped) console.warn(`Gallery: template '${s.slug}' skipped:`, s.problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  syncBuiltinTemplates(getDatabase(), templates);
  holder.__attuneBuiltinsSynced = true;
}

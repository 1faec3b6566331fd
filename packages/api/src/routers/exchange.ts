import { createPipeline, getPipeline, getVersion, InvalidDocumentError } from "@attune/db";
import {
  diagramOf,
  EXCHANGE_LIMITS,
  exchangeFileName,
  exportPipeline,
  importPipeline,
  type ImportProblem,
  type ImportResult,
  type SpecLookup,
} from "@attune/graph";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc";

const id = z.string().min(1).max(100);
const version = z.number().int().positive();

/** What the import page shows before anything is stored. */
export const importInput = z.object({
  /** The file's text as uploaded or pasted. Parsed by importPipeline, which reports its problems. */
  text: z.string().max(EXCHANGE_LIMITS.maxChars, `the file is larger than ${EXCHANGE_LIMITS.maxChars} characters`),
  /** Values for placeholders by path, e.g. `{ "document.nodes[3].params.token": "..." }`. */
  fills: z.record(z.string().max(500), z.string().max(10_000)).optional(),
  /** Overrides the name in the file. */
  name: z.string().trim().min(1).max(200).optional(),
});

/** Runs importPipeline and shapes its answer for the UI: everything it found, nothing stored. */
export function checkImport(text: string, specs: SpecLookup, fills?: Record<string, string>) {
  const result: ImportResult = importPipeline(text, specs, { ...(fills ? { fills } : {}), fallbackName: "Imported pipeline" });
  if (!result.ok) return { ok: false as const, problems: result.problems, warnings: result.warnings, placeholders: result.placeholders, summary: null };
  return {
    ok: true as const,
    problems: [] as ImportProblem[],
    warnings: result.warnings,
    placeholders: result.placeholders,
    summary: {
      kind: result.kind,
      sourceFormatVersion: result.sourceFormatVersion,
      name: result.pipeline.name,
      description: result.pipeline.description,
      tags: result.pipeline.tags,
      modalities: result.modalities,
      nodeCount: result.document.nodes.length,
      edgeCount: result.document.edges.length,
      samples: result.samples,
      diagram: diagramOf(result.document),
    },
  };
}

/** A refused import: 400 with `data.problems`, each with its path and code (see trpc.ts errorFormatter). */
export function importRefused(problems: ImportProblem[]): TRPCError {
  const cause = new InvalidDocumentError(problems);
  // trpc.ts maps InvalidDocumentError to 400 with `data.problems`, keeping the cause's message.
  cause.message = `import refused, nothing was stored: ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${problems
    .slice(0, 5)
    .map((p) => `${p.path}: ${p.message}`)
    .join("; ")}${problems.length > 5 ? "; ..." : ""}`;
  return new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
}

export const exchangeRouter = router({
  /** Dry run of an import: problems, warnings, placeholders and a summary. Stores nothing. */
  check: procedure.input(importInput).mutation(({ ctx, input }) => checkImport(input.text, ctx.specs, input.fills)),

  /**
   * Imports a file as a new pipeline. Any problem -> 400 listing every problem, nothing stored.
   * Unfilled placeholders do not block the import; they come back so the UI can point at them.
   */
  import: procedure.input(importInput).mutation(({ ctx, input }) => {
    const result = importPipeline(input.text, ctx.specs, { ...(input.fills ? { fills: input.fills } : {}), fallbackName: "Imported pipeline" });
    if (!result.ok) throw importRefused(result.problems);
    const source = result.sourceFormatVersion === "document" ? "a pipeline document" : `an exchange file (format v${result.sourceFormatVersion})`;
    const pipeline = createPipeline(ctx.db, {
      name: input.name ?? result.pipeline.name,
      description: result.pipeline.description,
      document: result.document,
      message: `Imported from ${source}`,
    });
    return { id: pipeline.id, name: pipeline.name, headVersion: pipeline.headVersion, placeholders: result.placeholders, warnings: result.warnings };
  }),

  /** A pipeline version (default: head) as an exchange file, secrets replaced by placeholders. */
  export: procedure.input(z.object({ id, version: version.optional() })).query(({ ctx, input }) => {
    const pipeline = getPipeline(ctx.db, input.id);
    const document = input.version === undefined ? pipeline.document : getVersion(ctx.db, input.id, input.version).document;
    const { file, placeholders } = exportPipeline({ pipeline: { name: pipeline.name, description: pipeline.description }, document, registry: ctx.specs });
    return { fileName: exchangeFileName(pipeline.name), file, placeholders };
  }),
});

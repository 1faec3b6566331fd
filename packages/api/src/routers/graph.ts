import { compile, pipelineDocumentSchema, validate, type CompileResult, type ValidationIssue } from "@attune/graph";
import { z } from "zod";
import { procedure, router } from "../trpc";

const documentInput = z.object({ document: pipelineDocumentSchema });

export const graphRouter = router({
  /** Every issue in the document against the host's node specs; an empty list means valid. */
  validate: procedure
    .input(documentInput)
    .query(({ ctx, input }): { issues: ValidationIssue[] } => ({ issues: validate(input.document, ctx.specs) })),

  /** The execution plan (what preview and endpoints run), or the issues that prevent one. */
  compile: procedure.input(documentInput).query(({ ctx, input }): CompileResult => compile(input.document, ctx.specs)),
});

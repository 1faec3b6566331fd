import { createPipeline, createShare, getSharedPipeline, listShares, revokeShare, ShareNotFoundError } from "@attune/db";
import { exportPipeline, importPipeline } from "@attune/graph";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc";
import { importRefused } from "./exchange";

const id = z.string().min(1).max(100);
const token = z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "not a share token");

const shareProcedure = procedure.use(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof ShareNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  return result;
});

export const sharesRouter = router({
  /** A new read-only link to a version (default: head). */
  create: shareProcedure
    .input(z.object({ pipelineId: id, version: z.number().int().positive().optional() }))
    .mutation(({ ctx, input }) => createShare(ctx.db, input)),

  list: shareProcedure.input(z.object({ pipelineId: id })).query(({ ctx, input }) => listShares(ctx.db, input.pipelineId)),

  revoke: shareProcedure.input(z.object({ token })).mutation(({ ctx, input }) => revokeShare(ctx.db, input.token)),

  /**
   * What the link shows. The document is the exported one: secrets are placeholders, because
   * whoever holds the link is not necessarily trusted with the pipeline's keys.
   */
  get: shareProcedure.input(z.object({ token })).query(({ ctx, input }) => {
    const shared = getSharedPipeline(ctx.db, input.token);
    const { file, placeholders } = exportPipeline({
      pipeline: { name: shared.pipeline.name, description: shared.pipeline.description },
      document: shared.version.document,
      registry: ctx.specs,
    });
    return {
      token: shared.share.token,
      name: file.pipeline.name,
      description: file.pipeline.description,
      version: shared.version.version,
      sharedAt: shared.share.createdAt,
      savedAt: shared.version.createdAt,
      document: file.document,
      placeholders,
    };
  }),

  /** "Fork": a new pipeline from the shared version, through importPipeline (secrets stay placeholders). */
  fork: shareProcedure.input(z.object({ token, name: z.string().trim().min(1).max(200).optional() })).mutation(({ ctx, input }) => {
    const shared = getSharedPipeline(ctx.db, input.token);
    const { file } = exportPipeline({
      pipeline: { name: shared.pipeline.name, description: shared.pipeline.description },
      document: shared.version.document,
      registry: ctx.specs,
    });
    const result = importPipeline(file, ctx.specs);
    if (!result.ok) throw importRefused(result.problems);
    const pipeline = createPipeline(ctx.db, {
      name: input.name ?? `${shared.pipeline.name} (fork)`,
      description: shared.pipeline.description,
      document: result.document,
      message: `Forked from a share of "${shared.pipeline.name}" version ${shared.version.version}`,
    });
    return { id: pipeline.id, name: pipeline.name, placeholders: result.placeholders };
  }),
});

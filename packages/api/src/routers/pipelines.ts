import {
  createPipeline,
  deletePipeline,
  duplicatePipeline,
  getPipeline,
  getVersion,
  listPipelines,
  listVersions,
  renamePipeline,
  restoreVersion,
  savePipeline,
} from "@attune/db";
import { pipelineDocumentSchema } from "@attune/graph";
import { z } from "zod";
import { procedure, router } from "../trpc";

const id = z.string().min(1).max(100);
const name = z.string().trim().min(1, "a name is required").max(200);
const description = z.string().max(2000);
const message = z.string().max(500);
const version = z.number().int().positive();

export const pipelinesRouter = router({
  list: procedure.query(({ ctx }) => listPipelines(ctx.db)),

  get: procedure.input(z.object({ id })).query(({ ctx, input }) => getPipeline(ctx.db, input.id)),

  create: procedure
    .input(z.object({ name, description: description.optional(), document: pipelineDocumentSchema.optional(), message: message.optional() }))
    .mutation(({ ctx, input }) => createPipeline(ctx.db, input)),

  /** Appends a version; CONFLICT (409) with `data.currentHeadVersion` when baseVersion is stale. */
  save: procedure
    .input(z.object({ id, baseVersion: version, document: pipelineDocumentSchema, message: message.optional() }))
    .mutation(({ ctx, input }) => savePipeline(ctx.db, input)),

  rename: procedure
    .input(z.object({ id, name, description: description.optional() }))
    .mutation(({ ctx, input }) => renamePipeline(ctx.db, input)),

  duplicate: procedure
    .input(z.object({ id, name: name.optional() }))
    .mutation(({ ctx, input }) => duplicatePipeline(ctx.db, input)),

  delete: procedure.input(z.object({ id })).mutation(({ ctx, input }) => {
    deletePipeline(ctx.db, input.id);
    return { id: input.id, deleted: true as const };
  }),

  history: procedure.input(z.object({ id })).query(({ ctx, input }) => listVersions(ctx.db, input.id)),

  getVersion: procedure
    .input(z.object({ id, version }))
    .query(({ ctx, input }) => getVersion(ctx.db, input.id, input.version)),

  /** Writes a NEW version holding `version`'s document; same conflict rule as save. */
  restore: procedure
    .input(z.object({ id, version, baseVersion: version, message: message.optional() }))
    .mutation(({ ctx, input }) => restoreVersion(ctx.db, input)),
});

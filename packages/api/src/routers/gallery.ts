import {
  BuiltinTemplateError,
  createPipeline,
  deleteTemplate,
  getPipeline,
  getTemplate,
  getVersion,
  listTemplates,
  publishTemplate,
  TemplateNotFoundError,
  type Template,
} from "@attune/db";
import { diagramOf, exchangeFileName, exportPipeline, importPipeline, MODALITIES } from "@attune/graph";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc";
import { importRefused } from "./exchange";

const id = z.string().min(1).max(100);
const name = z.string().trim().min(1, "a name is required").max(200);

const galleryProcedure = procedure.use(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof TemplateNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  if (cause instanceof BuiltinTemplateError) throw new TRPCError({ code: "FORBIDDEN", message: cause.message, cause });
  return result;
});

function card(t: Template) {
  return {
    id: t.id,
    source: t.source,
    slug: t.slug,
    name: t.name,
    description: t.description,
    tags: t.tags,
    modalities: t.modalities,
    nodeCount: t.document.nodes.length,
    sampleCount: t.samples.length,
    diagram: diagramOf(t.document),
    sourcePipelineId: t.sourcePipelineId,
    sourceVersion: t.sourceVersion,
    createdAt: t.createdAt,
  };
}

function templateFile(t: Template) {
  return exportPipeline({
    kind: "template",
    pipeline: { name: t.name, description: t.description, tags: t.tags },
    document: t.document,
    samples: t.samples,
  });
}

export const galleryRouter = router({
  /** Cards for the gallery: built-ins first, then published ones; search words and a modality filter. */
  list: galleryProcedure
    .input(z.object({ query: z.string().max(200).optional(), modality: z.enum(MODALITIES).optional() }).optional())
    .query(({ ctx, input }) => listTemplates(ctx.db, input ?? {}).map(card)),

  get: galleryProcedure.input(z.object({ id })).query(({ ctx, input }) => getTemplate(ctx.db, input.id)),

  /**
   * "Use template": a new pipeline from the template, through importPipeline like any file, so a
   * template row can never smuggle in what an import would refuse.
   */
  use: galleryProcedure.input(z.object({ id, name: name.optional() })).mutation(({ ctx, input }) => {
    const template = getTemplate(ctx.db, input.id);
    const result = importPipeline(templateFile(template).file, ctx.specs);
    if (!result.ok) throw importRefused(result.problems);
    const pipeline = createPipeline(ctx.db, {
      name: input.name ?? template.name,
      description: template.description,
      document: result.document,
      message: `From template "${template.name}"`,
    });
    return { id: pipeline.id, name: pipeline.name, placeholders: result.placeholders };
  }),

  /** Publishes a pipeline version (default: head) as a template. Secrets become placeholders first. */
  publish: galleryProcedure
    .input(
      z.object({
        pipelineId: id,
        version: z.number().int().positive().optional(),
        name,
        description: z.string().max(2000).default(""),
        tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
      }),
    )
    .mutation(({ ctx, input }) => {
      const pipeline = getPipeline(ctx.db, input.pipelineId);
      const version = input.version ?? pipeline.headVersion;
      const document = version === pipeline.headVersion ? pipeline.document : getVersion(ctx.db, pipeline.id, version).document;
      const { file, placeholders } = exportPipeline({
        kind: "template",
        pipeline: { name: input.name, description: input.description, tags: input.tags },
        document,
        registry: ctx.specs,
      });
      const checked = importPipeline(file, ctx.specs);
      if (!checked.ok) throw importRefused(checked.problems);
      const template = publishTemplate(ctx.db, {
        name: checked.pipeline.name,
        description: checked.pipeline.description,
        tags: checked.pipeline.tags,
        document: checked.document,
        sourcePipelineId: pipeline.id,
        sourceVersion: version,
      });
      return { ...card(template), placeholders };
    }),

  delete: galleryProcedure.input(z.object({ id })).mutation(({ ctx, input }) => {
    deleteTemplate(ctx.db, input.id);
    return { id: input.id, deleted: true as const };
  }),

  /** The template as an exchange file (kind "attune.template", samples included). */
  export: galleryProcedure.input(z.object({ id })).query(({ ctx, input }) => {
    const template = getTemplate(ctx.db, input.id);
    const { file, placeholders } = templateFile(template);
    return { fileName: exchangeFileName(template.name, "template"), file, placeholders };
  }),
});

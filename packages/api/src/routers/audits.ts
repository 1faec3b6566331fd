import {
  AuditNotFoundError,
  AuditSetupError,
  AuditStateError,
  cancelAudit,
  createAudit,
  createAuditInputSchema,
  deleteAudit,
  describeAuditTargets,
  getAudit,
  getAuditReport,
  getPipeline,
  getVersion,
  latestAuditSummaries,
  listAudits,
  renderAuditReportPage,
  resumeAudit,
  type AuditProblem,
  type AuditSummaryFigures,
} from "@attune/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc";

const id = z.string().min(1).max(100);

/** Audit errors as tRPC codes; setup problems are returned as data by `create`, not thrown. */
function mapAuditErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AuditNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: err.message, cause: err });
    if (err instanceof AuditStateError) throw new TRPCError({ code: "CONFLICT", message: err.message, cause: err });
    throw err;
  }
}

/**
 * Bias audits. The studio writes here; the runner's job engine picks queued audits up from the
 * same SQLite file, so none of these calls needs the runner to be reachable. Progress is polled
 * with `get` (one row read).
 */
export const auditsRouter = router({
  /** The pipeline version's mappable inputs and scores outputs (for the column dropdowns). */
  targets: procedure
    .input(z.object({ pipelineId: id, version: z.number().int().positive().optional() }))
    .query(({ ctx, input }) => describeAuditTargets(ctx.db, ctx.specs, input.pipelineId, input.version)),

  /**
   * Parses and checks the upload, stores it and queues the job. A rejected upload is an answer
   * (`ok: false` with every problem and its line), not an exception: the page lists them all.
   */
  create: procedure.input(createAuditInputSchema).mutation(({ ctx, input }) => {
    try {
      return { ok: true as const, audit: createAudit(ctx.db, ctx.specs, input) };
    } catch (err) {
      if (err instanceof AuditSetupError) return { ok: false as const, problems: err.problems as AuditProblem[] };
      throw err;
    }
  }),

  list: procedure.input(z.object({ pipelineId: id })).query(({ ctx, input }) => listAudits(ctx.db, input.pipelineId)),

  get: procedure.input(z.object({ id })).query(({ ctx, input }) => mapAuditErrors(() => getAudit(ctx.db, input.id))),

  /** The stored report (null until the audit completes). */
  report: procedure.input(z.object({ id })).query(({ ctx, input }) => mapAuditErrors(() => getAuditReport(ctx.db, input.id))),

  /** The report as a self-contained HTML page, for download. */
  exportHtml: procedure.input(z.object({ id })).query(({ ctx, input }) =>
    mapAuditErrors(() => {
      const doc = getAuditReport(ctx.db, input.id);
      if (!doc) throw new TRPCError({ code: "CONFLICT", message: "the audit has no report yet: it is not completed" });
      return { fileName: `audit-${doc.pipeline.name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "pipeline"}-v${doc.pipeline.version}.html`, html: renderAuditReportPage(doc) };
    }),
  ),

  cancel: procedure.input(z.object({ id })).mutation(({ ctx, input }) => mapAuditErrors(() => cancelAudit(ctx.db, input.id))),

  resume: procedure.input(z.object({ id })).mutation(({ ctx, input }) => mapAuditErrors(() => resumeAudit(ctx.db, input.id))),

  delete: procedure.input(z.object({ id })).mutation(({ ctx, input }) =>
    mapAuditErrors(() => {
      deleteAudit(ctx.db, input.id);
      return { id: input.id, deleted: true as const };
    }),
  ),

  /** Most recent completed audit's headline disparity per pipeline (pipeline list, model cards). */
  latest: procedure
    .input(z.object({ pipelineIds: z.array(id).max(1000).optional() }).optional())
    .query(({ ctx, input }) => latestAuditSummaries(ctx.db, input?.pipelineIds)),

  /**
   * Latest audit figures of single-model pipelines, by model id, for the model cards. A pipeline
   * counts when its audited version runs exactly one model; its disparity is then that model's in
   * that pipeline (with its pre- and post-processing), which the card says.
   */
  byModel: procedure.query(({ ctx }) => {
    const out: Record<string, { pipelineId: string; pipelineName: string; pipelineVersion: number; auditId: string; summary: AuditSummaryFigures }[]> = {};
    for (const [pipelineId, latest] of Object.entries(latestAuditSummaries(ctx.db))) {
      try {
        const { document } = getVersion(ctx.db, pipelineId, latest.pipelineVersion);
        const models = document.nodes.map(modelOfNode).filter((m): m is string => m !== undefined);
        if (models.length !== 1) continue;
        (out[models[0]!] ??= []).push({ pipelineId, pipelineName: getPipeline(ctx.db, pipelineId).name, pipelineVersion: latest.pipelineVersion, auditId: latest.auditId, summary: latest.summary });
      } catch {
        // A pipeline deleted or corrupted meanwhile simply has no figures on a card.
      }
    }
    return out;
  }),
});

/**
 * The model a node runs, for the text-capable model nodes an audit can drive (image and audio
 * inputs are not auditable yet). Built-in nodes fix their model id in their run code, which the
 * studio does not import, hence the small table.
 */
const BUILTIN_MODEL_OF_NODE: Record<string, string> = { "nlp.text-emotion": "text-emotion" };
function modelOfNode(node: { type: string; params: Record<string, unknown> }): string | undefined {
  if (node.type === "model.onnx") return typeof node.params.modelId === "string" && node.params.modelId !== "" ? node.params.modelId : undefined;
  return BUILTIN_MODEL_OF_NODE[node.type];
}

import { buildFeedbackReport, deploymentOfPipeline, FEEDBACK_BEHAVIOURS, getPipeline, listFeedbackPoints } from "@attune/db";
import { z } from "zod";
import { procedure, router } from "../trpc";

const RECENT_COMMENTS = 20;

/**
 * Perceived-empathy feedback on a pipeline's published endpoint (POST /v1/runs/:runId/feedback,
 * served by the runner). Reads the same SQLite file; the runner need not be reachable.
 */
export const feedbackRouter = router({
  /** Everything the Feedback page shows: per-version distribution and trend, behaviours, correlations with outputs, a comparison. */
  summary: procedure
    .input(
      z.object({
        pipelineId: z.string().min(1).max(100),
        /** Baseline (a) and candidate (b) versions; by default the two newest versions with ratings. */
        compare: z.object({ a: z.number().int().positive(), b: z.number().int().positive() }).optional(),
      }),
    )
    .query(({ ctx, input }) => {
      const pipeline = getPipeline(ctx.db, input.pipelineId);
      const deployment = deploymentOfPipeline(ctx.db, pipeline.id);
      const points = deployment ? listFeedbackPoints(ctx.db, deployment.id) : [];
      const report = buildFeedbackReport(points, input.compare ? { compare: input.compare } : {});
      const recent = points
        .filter((p) => p.comment !== null || p.tags.length > 0)
        .slice(-RECENT_COMMENTS)
        .reverse()
        .map((p) => ({ runId: p.runId, version: p.version, rating: p.rating, comment: p.comment, tags: p.tags, behaviours: p.behaviours, at: p.at, labels: p.labels }));
      return {
        pipeline: { id: pipeline.id, name: pipeline.name },
        deployment: deployment ?? null,
        behaviourTaxonomy: [...FEEDBACK_BEHAVIOURS],
        report,
        recent,
      };
    }),
});

import { getRunLogSettings, listRunLog, MAX_RUN_LOG_RETENTION_DAYS, RUN_STATUSES, setRunLogRetention, SLUG_MAX_LENGTH } from "@attune/db";
import { z } from "zod";
import { procedure, router } from "../trpc";

/** The per-endpoint run log the runner writes (time, status, latency, key name, error code). */
export const runLogRouter = router({
  list: procedure
    .input(
      z.object({
        slug: z.string().min(1).max(SLUG_MAX_LENGTH),
        status: z.enum(RUN_STATUSES).optional(),
        keyId: z.string().min(1).max(100).optional(),
        /** Epoch ms. */
        since: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(500).optional(),
        cursor: z.string().regex(/^\d+$/, "use nextCursor from the previous page").optional(),
      }),
    )
    .query(({ ctx, input }) => listRunLog(ctx.db, input)),

  settings: procedure.query(({ ctx }) => getRunLogSettings(ctx.db)),

  /** Also prunes entries older than the new retention right away. */
  setRetention: procedure
    .input(z.object({ days: z.number().int().min(1).max(MAX_RUN_LOG_RETENTION_DAYS) }))
    .mutation(({ ctx, input }) => setRunLogRetention(ctx.db, input.days)),
});

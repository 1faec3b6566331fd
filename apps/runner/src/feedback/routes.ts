import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createApiKeyVerifier, getRunOutputs, recordFeedback, type AttuneDb, type StoredFeedback } from "@attune/db";
import { formatPath } from "@attune/graph";
import { HttpError } from "../http-error";
import { TokenBuckets, type RateLimit } from "../published/rate-limit";
import type { BackgroundWriter } from "../writes";
import { feedbackBodySchema } from "./schema";

export interface FeedbackRoutesOptions {
  db: AttuneDb;
  /** Writes the snapshots of published runs; feedback is only accepted for runs it recorded. */
  writer: BackgroundWriter;
  /** Per key; default 10 per second with bursts of 50. */
  rateLimit?: RateLimit;
}

const BODY_LIMIT_BYTES = 16 * 1024;
const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;

function bearer(header: string | undefined): string | undefined {
  if (typeof header !== "string") return undefined;
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
}

function view(f: StoredFeedback) {
  return {
    id: f.id,
    runId: f.runId,
    version: f.deploymentVersion,
    rating: f.rating,
    behaviours: f.behaviours,
    comment: f.comment,
    context: f.context,
    createdAt: new Date(f.createdAt).toISOString(),
  };
}

/**
 * POST /v1/runs/:runId/feedback: a 1-5 perceived-empathy rating for one published run, with
 * optional observed behaviours, comment and respondent tags. Takes the same API keys as the run
 * endpoints, and only the key that made the run may rate it.
 *
 * Check order: key (401) -> run exists and was made by this key (404 either way, so one customer
 * cannot probe another's run ids) -> rate limit (429) -> body (422 naming each field).
 * Idempotency: one rating per run, the run id is the idempotency key (no Idempotency-Key header is
 * needed; one sent is ignored). The first submission answers 201; the same submission again
 * answers 200 with the stored feedback and `idempotent-replayed: true`; a different submission for
 * a run already rated answers 409 with the stored feedback, which stands.
 */
export async function feedbackRoutes(app: FastifyInstance, options: FeedbackRoutesOptions): Promise<void> {
  const verifier = createApiKeyVerifier(options.db);
  const buckets = new TokenBuckets(options.rateLimit ?? { perSecond: 10, burst: 50 });

  app.post<{ Params: { runId: string } }>(
    "/v1/runs/:runId/feedback",
    // The runner token does not apply: these calls carry API keys, checked here.
    { config: { public: true }, bodyLimit: BODY_LIMIT_BYTES },
    async (request: FastifyRequest<{ Params: { runId: string } }>, reply: FastifyReply) => {
      const presented = bearer(request.headers.authorization);
      if (presented === undefined) {
        reply.header("www-authenticate", 'Bearer realm="attune"');
        throw new HttpError(401, "MISSING_API_KEY", "send an API key as 'Authorization: Bearer <key>'");
      }
      const key = verifier.verify(presented);
      if (!key || key.revoked) {
        reply.header("www-authenticate", 'Bearer realm="attune", error="invalid_token"');
        throw new HttpError(401, key ? "REVOKED_API_KEY" : "INVALID_API_KEY", key ? "the API key was revoked" : "the API key is not valid");
      }
      const { runId } = request.params;
      const notFound = () => new HttpError(404, "RUN_NOT_FOUND", `no run '${runId.slice(0, 64)}' made with this API key`);
      if (!RUN_ID.test(runId)) throw notFound();
      // A rating can follow its run within milliseconds, before the batched snapshot write: when
      // the snapshot is not there yet, wait for everything queued to be written and look again.
      let run = getRunOutputs(options.db, runId);
      if (!run) {
        await options.writer.flush();
        run = getRunOutputs(options.db, runId);
      }
      if (!run || run.keyId !== key.id || !key.scopes.has(run.slug)) throw notFound();

      const taken = buckets.take(key.id);
      if (!taken.ok) {
        reply.header("retry-after", String(taken.retryAfterSeconds));
        throw new HttpError(429, "RATE_LIMITED", `too many calls with this API key; retry after ${taken.retryAfterSeconds} s`);
      }

      const parsed = feedbackBodySchema.safeParse(request.body);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
        const shown = fields.slice(0, 3).map((f) => `${f.path}: ${f.message}`).join("; ");
        throw new HttpError(422, "INVALID_FEEDBACK", `invalid feedback: ${shown}${fields.length > 3 ? ` (and ${fields.length - 3} more)` : ""}`, { fields });
      }
      const body = parsed.data;
      const tags = body.context?.tags;
      const result = recordFeedback(options.db, run, {
        rating: body.rating,
        behaviours: body.behaviours ?? [],
        comment: body.comment === undefined || body.comment.trim() === "" ? null : body.comment,
        context: tags && tags.length > 0 ? { tags } : null,
      });
      if (result.outcome === "conflict") {
        throw new HttpError(409, "FEEDBACK_EXISTS", "this run was already rated with different feedback; the first rating stands", {
          feedback: view(result.feedback),
        });
      }
      if (result.outcome === "replayed") reply.header("idempotent-replayed", "true");
      return reply.code(result.outcome === "created" ? 201 : 200).send({ feedback: view(result.feedback) });
    },
  );
}

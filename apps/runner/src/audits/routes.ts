import {
  AuditNotFoundError,
  AuditSetupError,
  AuditStateError,
  cancelAudit,
  createAudit,
  createAuditInputSchema,
  getAudit,
  getAuditReport,
  listAudits,
  renderAuditReportPage,
  resumeAudit,
  type AttuneDb,
  type AuditInfo,
} from "@attune/db";
import { formatPath, type CodeSandbox, type Logger, type ModelService } from "@attune/graph";
import type { FastifyInstance, FastifyReply } from "fastify";
import { HttpError } from "../http-error";
import type { RunnerRegistry } from "../registry";
import { AuditEngine, type AuditEngineOptions } from "./engine";

/** Tuning of the audit job engine; see AuditEngineOptions. */
export type AuditSettings = Pick<AuditEngineOptions, "concurrency" | "batchSize" | "flushIntervalMs" | "pollIntervalMs" | "cancelGraceMs">;

export interface AuditRoutesOptions extends AuditSettings {
  db: AttuneDb;
  registry: RunnerRegistry;
  models?: ModelService;
  sandbox?: CodeSandbox;
  nodeTimeoutMs: number;
  maxInputChars: number;
  logger?: Logger;
  /** Hands the engine to the caller (tests reach into it to simulate a crash). */
  onEngine?: (engine: AuditEngine) => void;
}

/** Data sets arrive as text inside JSON: 5 MiB of UTF-8 can double with JSON escapes. */
const AUDIT_BODY_LIMIT = 12 * 1024 * 1024;
const TERMINAL = new Set(["completed", "failed", "cancelled", "interrupted"]);

/**
 * Bias audit routes (runner token required, like every runner route):
 *   POST /v1/audits                 create from an uploaded data set (JSON: createAuditInputSchema) -> 201
 *   GET  /v1/audits?pipelineId=     a pipeline's audits, newest first
 *   GET  /v1/audits/:id             status and progress
 *   GET  /v1/audits/:id/events      progress as server-sent events until the job stops
 *   POST /v1/audits/:id/cancel      stop; results so far are kept
 *   POST /v1/audits/:id/resume      continue with the unprocessed rows
 *   GET  /v1/audits/:id/report      the report as JSON, or ?format=html for a self-contained page
 * The job engine starts with the server and stops (leaving its audit interrupted) when it closes.
 */
export async function auditRoutes(app: FastifyInstance, options: AuditRoutesOptions): Promise<void> {
  const { db } = options;
  const engine = new AuditEngine({
    ...options,
    logger: options.logger ?? {
      debug: (message, data) => app.log.debug(data ?? {}, message),
      info: (message, data) => app.log.info(data ?? {}, message),
      warn: (message, data) => app.log.warn(data ?? {}, message),
    },
  });
  options.onEngine?.(engine);
  app.addHook("onReady", async () => engine.start());
  // preClose, before the database closes in main.ts: the rows in flight are aborted and the
  // finished ones written, so nothing that completed is lost.
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const stop of streams) stop();
    await engine.close();
  });

  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof AuditNotFoundError) throw new HttpError(404, "AUDIT_NOT_FOUND", err.message);
      if (err instanceof AuditStateError) throw new HttpError(409, "AUDIT_STATE", err.message);
      if (err instanceof AuditSetupError) throw new HttpError(422, "AUDIT_SETUP_INVALID", err.message, { problems: err.problems });
      if (err instanceof Error && err.name === "NotFoundError") throw new HttpError(404, "PIPELINE_NOT_FOUND", err.message);
      throw err;
    }
  };

  app.post("/v1/audits", { bodyLimit: AUDIT_BODY_LIMIT }, async (request, reply) => {
    const parsed = createAuditInputSchema.safeParse(request.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
      throw new HttpError(400, "INVALID_REQUEST", `invalid audit request: ${problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join("; ")}`, { problems });
    }
    const audit = guard(() => createAudit(db, options.registry, parsed.data));
    engine.wake();
    return reply.code(201).send(audit);
  });

  app.get<{ Querystring: { pipelineId?: string } }>("/v1/audits", async (request) => {
    const pipelineId = request.query.pipelineId;
    if (!pipelineId) throw new HttpError(400, "INVALID_REQUEST", "pass ?pipelineId=");
    return { audits: listAudits(db, pipelineId) };
  });

  app.get<{ Params: { id: string } }>("/v1/audits/:id", async (request) => guard(() => getAudit(db, request.params.id)));

  app.post<{ Params: { id: string } }>("/v1/audits/:id/cancel", async (request) => {
    const audit = guard(() => cancelAudit(db, request.params.id));
    engine.noticeCancel(audit.id);
    return audit;
  });

  app.post<{ Params: { id: string } }>("/v1/audits/:id/resume", async (request) => {
    const audit = guard(() => resumeAudit(db, request.params.id));
    engine.wake();
    return audit;
  });

  app.get<{ Params: { id: string }; Querystring: { format?: string } }>("/v1/audits/:id/report", async (request, reply) => {
    const doc = guard(() => getAuditReport(db, request.params.id));
    if (!doc) throw new HttpError(409, "REPORT_NOT_READY", "the audit has no report yet: it is not completed");
    if (request.query.format === "html") {
      return reply
        .type("text/html; charset=utf-8")
        .header("content-disposition", `attachment; filename="audit-${doc.auditId}.html"`)
        .send(renderAuditReportPage(doc));
    }
    return doc;
  });

  app.get<{ Params: { id: string } }>("/v1/audits/:id/events", async (request, reply) => {
    let last = guard(() => getAudit(db, request.params.id));
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive" });
    const send = (audit: AuditInfo) => raw.write(`event: progress\ndata: ${JSON.stringify(progressOf(audit))}\n\n`);
    send(last);
    if (TERMINAL.has(last.status)) return endStream(reply);
    // Progress lives in SQLite (the studio may cancel through it too), so the stream follows the row.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        try {
          const next = getAudit(db, last.id);
          if (next.updatedAt !== last.updatedAt || next.status !== last.status) send(next);
          last = next;
          if (TERMINAL.has(next.status)) stop();
        } catch {
          stop();
        }
      }, 250);
      const stop = () => {
        clearInterval(timer);
        streams.delete(stop);
        resolve();
      };
      streams.add(stop);
      raw.on("close", stop);
    });
    return endStream(reply);
  });
}

function endStream(reply: FastifyReply): FastifyReply {
  if (!reply.raw.writableEnded) reply.raw.end();
  return reply;
}

/** The progress event: small, no config. */
export function progressOf(audit: AuditInfo) {
  return {
    id: audit.id,
    status: audit.status,
    processed: audit.processed,
    errors: audit.errors,
    rowCount: audit.rowCount,
    cancelRequested: audit.cancelRequested,
    error: audit.error,
  };
}

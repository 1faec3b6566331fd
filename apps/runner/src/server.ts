import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type onRequestHookHandler } from "fastify";
import secureJson from "secure-json-parse";
import { z } from "zod";
import {
  compile,
  formatPath,
  parseDocument,
  runEventSchema,
  type Logger,
  type ModelService,
  type Plan,
  type RunEvent,
  type ValidationIssue,
} from "@attune/graph";
import { execute, MemoryResultCache, MemorySessionStateStore, type RunResult } from "@attune/runtime";
import { DEFAULTS, type LogLevel } from "./env";
import { createNodeRegistry, type RunnerRegistry } from "./registry";
import { PreviewSessions, RunAbortedError, type PreviewSession } from "./preview-sessions";
import { modelRoutes } from "./models";
import { HttpError } from "./http-error";
import { lazyChildLogger } from "./lazy-logger";
import type { AttuneDb } from "@attune/db";
import { publishedRoutes } from "./published/routes";
import { feedbackRoutes } from "./feedback";
import { auditRoutes, type AuditSettings } from "./audits/routes";
import { BackgroundWriter, type BackgroundWriterOptions } from "./writes";
import {
  checkTextInputSizes,
  classifyPlanInputs,
  decodeMediaInputs,
  mediaInputFailure,
  readMultipartPreview,
  registerMultipart,
  type PlanInput,
} from "./media-inputs";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Routes marked public skip the bearer-token check (health probes). */
    public?: boolean;
    /**
     * false: Fastify's "incoming request" / "request completed" lines are not written for this
     * route, because it keeps a record of every call of its own (the published API's run log).
     * Failures the error handler logs (5xx) are still logged.
     */
    requestLog?: boolean;
  }
}

export interface BuildServerOptions {
  /** Shared secret; every route except /healthz requires `Authorization: Bearer <token>`. */
  token: string;
  /** Node definitions to run; defaults to every node family the runner ships. */
  registry?: RunnerRegistry;
  maxInputChars?: number;
  bodyLimitBytes?: number;
  /** Body limit of POST /v1/preview, which carries images and audio (see media-inputs.ts). */
  previewBodyLimitBytes?: number;
  nodeTimeoutMs?: number;
  previewSessionsMax?: number;
  previewSessionTtlMs?: number;
  /** Defaults to "silent" so that tests stay quiet; main.ts passes LOG_LEVEL. */
  logLevel?: LogLevel;
  /** Model inference for nodes that run models (ctx.models); main.ts passes the session pool's. */
  models?: ModelService;
  /** Runs core.code's user JavaScript off the main thread (ctx.sandbox); main.ts creates one and closes it on shutdown. */
  sandbox?: import("@attune/graph").CodeSandbox;
  /** Where log lines go (default stdout); tests capture them to check that secrets stay out. */
  logStream?: { write(line: string): void };
  /**
   * The studio's database (same SQLite file, WAL): with it the runner serves the published
   * endpoints under /v1/pipelines (published/routes.ts), which take API keys, not the token.
   */
  database?: AttuneDb;
  /** Limits of the published endpoints; defaults in env.ts DEFAULTS. */
  published?: PublishedLimits;
  /** Bias audit job engine tuning (apps/runner/src/audits); the engine runs whenever `database` is set. */
  audits?: AuditSettings;
}

export interface PublishedLimits {
  bodyLimitBytes?: number;
  runTimeoutMs?: number;
  ratePerSecond?: number;
  rateBurst?: number;
  sessionsMax?: number;
  publicUrl?: string;
  /** Tuning of the background writer (run log, keys' last-used times, run outputs snapshots). */
  runLog?: BackgroundWriterOptions;
}

/** Every error response body: `{ error: { code, message, ...details } }`. */
export interface ErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

export { HttpError };

/** Session ids travel in URLs and logs, so they are short and plain. */
export const sessionIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, '_', '.', ':' and '-' only");

/** Body of POST /v1/preview. The document itself is checked by parseDocument for exact paths. */
export const previewRequestSchema = z.object({
  document: z.custom<unknown>((v) => v !== undefined, { message: "document is required" }),
  inputs: z.record(z.string(), z.unknown()).default({}),
  sessionId: sessionIdSchema.optional(),
});
export type PreviewRequest = z.input<typeof previewRequestSchema>;

const SSE_HEARTBEAT_MS = 15_000;

/**
 * Builds the runner's HTTP server without listening, so tests can start it on a loopback port.
 * Routes: GET /healthz, GET /v1/nodes, POST /v1/preview (SSE or JSON), DELETE /v1/preview/sessions/:id.
 */
export function buildServer(options: BuildServerOptions): FastifyInstance {
  if (options.token.length < 16) throw new Error("the runner token must be at least 16 characters");
  const registry = options.registry ?? createNodeRegistry();
  const maxInputChars = options.maxInputChars ?? DEFAULTS.maxInputChars;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes;
  const previewBodyLimit = options.previewBodyLimitBytes ?? DEFAULTS.previewBodyLimitBytes;
  const multipartLimits = { maxFileBytes: previewBodyLimit, maxFieldBytes: bodyLimit, maxFiles: 16 };
  const nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULTS.nodeTimeoutMs;
  const tokenDigest = digest(options.token);

  const app = Fastify({
    bodyLimit,
    logger: {
      level: options.logLevel ?? "silent",
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Fastify's request serializer leaves headers out; redaction keeps it so if anyone adds them.
      redact: {
        paths: ["req.headers.authorization", "headers.authorization", "authorization", "req.headers.cookie"],
        censor: "[redacted]",
      },
    },
    // Abort runs first (preClose), then let Node drop idle keep-alive sockets.
    forceCloseConnections: "idle",
    // Each request's child logger is built only when it writes a line (lazy-logger.ts).
    childLoggerFactory: lazyChildLogger,
    // At the default level (info) the two request lines cost the published API about 20 µs of
    // event-loop time per call (in-process A/B, lines dropped rather than written: 11% of its
    // throughput), for calls its run log records anyway.
    logController: new LogController({ disableRequestLogging: (request) => request.routeOptions?.config?.requestLog === false }),
  });

  /** Compares fixed-length digests so neither content nor length of the secret leaks through timing. */
  function hasRunnerToken(header: string | undefined): boolean {
    const match = typeof header === "string" ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    const presented = match?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), tokenDigest);
  }
  function refuseWithoutToken(reply: FastifyReply, header: string | undefined): FastifyReply {
    reply.header("www-authenticate", 'Bearer realm="attune-runner"');
    return sendError(reply, 401, "UNAUTHORIZED", header === undefined ? "missing Authorization: Bearer <token> header" : "invalid bearer token");
  }
  // Callback style, not async: an async hook costs a promise and a microtask on every request.
  const requireToken: onRequestHookHandler = (request, reply, done) => {
    if (hasRunnerToken(request.headers.authorization)) return done();
    // Answered: done() is not called, and the reply is not returned (a returned thenable would
    // be awaited as if this were an async hook).
    refuseWithoutToken(reply, request.headers.authorization);
  };
  // Every route takes the studio's token unless it is marked public (health probes, the published
  // API and feedback, which take API keys). Attached to each route as it is declared, before any
  // route or plugin below, so that public routes do not even call the check.
  app.addHook("onRoute", (route) => {
    if (route.config?.public) return;
    route.onRequest = route.onRequest === undefined ? requireToken : [requireToken, ...[route.onRequest].flat()];
  });

  const sessions = new PreviewSessions({
    max: options.previewSessionsMax ?? DEFAULTS.previewSessionsMax,
    ttlMs: options.previewSessionTtlMs ?? DEFAULTS.previewSessionTtlMs,
    createCache: () => new MemoryResultCache(),
    createState: () => new MemorySessionStateStore(),
  });
  /** Every run in flight, with or without a session, so shutdown can abort them all. */
  const activeRuns = new Set<AbortController>();

  // HTTP clients (undici among them) open spare connections that never carry a request. Node's
  // server.close() closes idle keep-alive sockets but waits for these until the client drops them,
  // which delays shutdown by seconds; they are tracked here and destroyed on close.
  const unusedSockets = new Set<Socket>();
  app.server.on("connection", (socket: Socket) => {
    unusedSockets.add(socket);
    socket.once("close", () => unusedSockets.delete(socket));
  });
  app.server.on("request", (request: IncomingMessage) => unusedSockets.delete(request.socket));

  app.addHook("preClose", async () => {
    sessions.close();
    for (const controller of activeRuns) controller.abort(new RunAbortedError("SHUTTING_DOWN", "runner is shutting down"));
    for (const socket of unusedSockets) socket.destroy();
    unusedSockets.clear();
  });

  // JSON only (no text/plain -> 415), and our own parser: the default says only "not valid JSON",
  // this one says where.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") {
      done(new HttpError(400, "INVALID_JSON", "request body is empty; send a JSON object"), undefined);
      return;
    }
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" }));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      done(new HttpError(400, "INVALID_JSON", `request body is not valid JSON: ${detail}`), undefined);
    }
  });

  registerMultipart(app, multipartLimits);
  // Model registry: GET/POST/DELETE /v1/models (apps/runner/src/models/routes.ts).
  void app.register(modelRoutes, { models: options.models });
  if (options.database) {
    // Bias audits (apps/runner/src/audits): job engine + /v1/audits routes, same registry and services as preview.
    void app.register(auditRoutes, {
      ...options.audits,
      db: options.database,
      registry,
      ...(options.models ? { models: options.models } : {}),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      nodeTimeoutMs,
      maxInputChars,
    });
    // Empathy feedback (apps/runner/src/feedback): run output snapshots + POST /v1/runs/:runId/feedback.
    // Run log, keys' last-used times and run outputs snapshots: one writer thread with its own
    // connection to the same file (apps/runner/src/writes). Closed (everything queued written) once
    // requests have finished.
    const p = options.published ?? {};
    const writer = new BackgroundWriter(options.database.filePath, {
      ...p.runLog,
      onError: (error, dropped) => app.log.warn({ err: error, dropped }, "background write failed"),
    });
    app.addHook("onClose", () => writer.close());
    void app.register(feedbackRoutes, { db: options.database, writer });
    void app.register(publishedRoutes, {
      db: options.database,
      registry,
      ...(options.models ? { models: options.models } : {}),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      maxInputChars,
      bodyLimitBytes: p.bodyLimitBytes ?? DEFAULTS.apiBodyLimitBytes,
      multipartLimits: { ...multipartLimits, maxFileBytes: Math.min(multipartLimits.maxFileBytes, p.bodyLimitBytes ?? DEFAULTS.apiBodyLimitBytes) },
      runTimeoutMs: p.runTimeoutMs ?? DEFAULTS.apiRunTimeoutMs,
      nodeTimeoutMs,
      rateLimit: { perSecond: p.ratePerSecond ?? DEFAULTS.apiRatePerSecond, burst: p.rateBurst ?? DEFAULTS.apiRateBurst },
      sessionsMax: p.sessionsMax ?? DEFAULTS.apiSessionsMax,
      ...(p.publicUrl ? { publicUrl: p.publicUrl } : {}),
      writer,
    });
  }

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const { status, body } = toErrorResponse(error, request.routeOptions.bodyLimit ?? bodyLimit);
    if (status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: body.error.code, status }, "request rejected");
    return reply.code(status).type("application/json; charset=utf-8").send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    // Unknown routes take the token too: without it, a caller learns nothing about which routes exist.
    if (!hasRunnerToken(request.headers.authorization)) return refuseWithoutToken(reply, request.headers.authorization);
    return sendError(reply, 404, "NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`);
  });

  app.get("/healthz", { config: { public: true } }, async () => ({ ok: true, nodes: registry.list().length }));

  app.get("/v1/nodes", async () => ({
    nodes: registry.list().map((n) => ({
      type: n.type,
      version: n.version,
      family: n.family,
      title: n.title,
      role: n.role ?? null,
      inputs: n.inputs.map((p) => ({ id: p.id, accepts: p.accepts, optional: p.optional ?? false })),
      outputs: n.outputs.map((p) => ({ id: p.id, type: p.type })),
    })),
  }));

  app.delete<{ Params: { sessionId: string } }>("/v1/preview/sessions/:sessionId", async (request, reply) => {
    if (!sessions.drop(request.params.sessionId)) {
      return sendError(reply, 404, "SESSION_NOT_FOUND", `no preview session '${request.params.sessionId}'`);
    }
    return reply.code(204).send();
  });

  app.post("/v1/preview", { bodyLimit: previewBodyLimit }, async (request, reply) => {
    const body = request.isMultipart() ? await readMultipartPreview(request, multipartLimits) : request.body;
    const parsedBody = previewRequestSchema.safeParse(body);
    if (!parsedBody.success) {
      const problems = parsedBody.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
      throw new HttpError(400, "INVALID_REQUEST", `invalid preview request: ${describeProblems(problems)}`, { problems });
    }
    const { document: rawDocument, inputs, sessionId } = parsedBody.data;

    const parsed = parseDocument(rawDocument);
    if (!parsed.ok) {
      throw new HttpError(400, "INVALID_DOCUMENT", `the pipeline document is invalid: ${describeProblems(parsed.problems)}`, {
        problems: parsed.problems,
      });
    }

    const compiled = compile(parsed.document, registry);
    if (!compiled.ok) {
      throw new HttpError(422, "INVALID_PIPELINE", `the pipeline cannot run: ${describeIssues(compiled.issues)}`, {
        issues: compiled.issues,
      });
    }
    const planInputs = classifyPlanInputs(compiled.plan, registry);
    checkTextInputSizes(inputs, planInputs, maxInputChars);
    const runInputs = decodeMediaInputs(inputs, planInputs);

    const run = startRun(sessionId);
    const log = request.log.child({ runId: run.runId, ...(sessionId ? { sessionId } : {}) });
    const common = {
      plan: compiled.plan,
      planInputs,
      inputs: runInputs,
      sessionId,
      nodeTimeoutMs,
      log,
    };
    if (wantsJson(request.headers.accept)) return runAsJson(reply, run, common);
    return runAsEventStream(reply, run, common);
  });

  interface StartedRun {
    runId: string;
    controller: AbortController;
    session: PreviewSession | undefined;
    finish(): void;
  }

  function startRun(sessionId: string | undefined): StartedRun {
    const controller = new AbortController();
    const session = sessionId === undefined ? undefined : sessions.acquire(sessionId);
    if (session) {
      session.current?.abort(new RunAbortedError("SUPERSEDED", "a newer preview for this session started"));
      session.current = controller;
    }
    activeRuns.add(controller);
    return {
      runId: randomUUID(),
      controller,
      session,
      finish() {
        activeRuns.delete(controller);
        if (session) sessions.release(session, controller);
      },
    };
  }

  interface RunSetup {
    plan: Plan;
    planInputs: Map<string, PlanInput>;
    inputs: Record<string, unknown>;
    sessionId: string | undefined;
    nodeTimeoutMs: number;
    log: FastifyBaseLogger;
  }

  function runPlan(run: StartedRun, setup: RunSetup, onEvent?: (event: RunEvent) => void): Promise<RunResult> {
    return execute(setup.plan, {
      registry,
      inputs: setup.inputs,
      runId: run.runId,
      signal: run.controller.signal,
      nodeTimeoutMs: setup.nodeTimeoutMs,
      // Without a session nothing is shared between runs: no cache, and the runtime gives stateful
      // nodes a scratch state that lives as long as the run.
      ...(run.session ? { cache: run.session.cache, state: run.session.state, sessionId: setup.sessionId } : {}),
      logger: nodeLogger(setup.log),
      ...(options.models ? { models: options.models } : {}),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      ...(onEvent ? { onEvent } : {}),
    });
  }

  /** Aborts the run when the client goes away before the response is complete. */
  function abortOnDisconnect(reply: FastifyReply, run: StartedRun): void {
    reply.raw.on("close", () => {
      if (!reply.raw.writableEnded && !run.controller.signal.aborted) {
        run.controller.abort(new RunAbortedError("CLIENT_DISCONNECTED", "the client disconnected"));
      }
    });
  }

  async function runAsJson(reply: FastifyReply, run: StartedRun, setup: RunSetup): Promise<FastifyReply> {
    abortOnDisconnect(reply, run);
    try {
      const result = await runPlan(run, setup);
      setup.log.info({ status: result.status, durationMs: result.durationMs }, "preview finished");
      // A refused upload is the client's problem: answer 422/413 naming the input, not 200.
      const mediaFailure = mediaInputFailure(result, setup.planInputs);
      if (mediaFailure) throw mediaFailure;
      return reply.code(200).header("x-run-id", run.runId).send(result);
    } finally {
      run.finish();
    }
  }

  async function runAsEventStream(reply: FastifyReply, run: StartedRun, setup: RunSetup): Promise<FastifyReply> {
    const started = performance.now();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Tells nginx-style proxies not to buffer the stream.
      "x-accel-buffering": "no",
      "x-run-id": run.runId,
    });
    raw.flushHeaders();
    abortOnDisconnect(reply, run);
    // Comment lines keep idle proxies from closing a stream while a slow model runs.
    const heartbeat = setInterval(() => {
      if (!raw.writableEnded && !raw.destroyed) raw.write(": keep-alive\n\n");
    }, SSE_HEARTBEAT_MS);
    heartbeat.unref();

    let finishedSent = false;
    const send = (event: RunEvent): void => {
      if (finishedSent || raw.writableEnded || raw.destroyed) return;
      try {
        const checked = runEventSchema.safeParse(event);
        if (!checked.success) {
          setup.log.error({ eventType: event.type, issues: checked.error.issues }, "run event failed its schema; not sent");
          return;
        }
        const line = `data: ${JSON.stringify(checked.data)}\n\n`;
        raw.write(line);
        if (checked.data.type === "run-finished") finishedSent = true;
      } catch (err) {
        setup.log.error({ err, eventType: event.type }, "run event could not be serialised; not sent");
      }
    };

    let result: RunResult | undefined;
    try {
      result = await runPlan(run, setup, send);
      setup.log.info({ status: result.status, durationMs: result.durationMs }, "preview finished");
    } catch (err) {
      setup.log.error({ err }, "preview run crashed");
    } finally {
      // The client waits for run-finished: make sure it always gets one, even if the runtime broke.
      if (!finishedSent) {
        const durationMs = result?.durationMs ?? performance.now() - started;
        const status = result?.status ?? (run.controller.signal.aborted ? "cancelled" : "failed");
        send({ type: "run-finished", runId: run.runId, durationMs, status, outputs: result?.outputs ?? {} });
        if (!finishedSent) send({ type: "run-finished", runId: run.runId, durationMs, status, outputs: {} });
      }
      clearInterval(heartbeat);
      if (!raw.writableEnded) raw.end();
      run.finish();
    }
    return reply;
  }

  return app;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): FastifyReply {
  const body: ErrorBody = { error: { ...details, code, message } };
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

function toErrorResponse(error: FastifyError | HttpError, bodyLimit: number): { status: number; body: ErrorBody } {
  const make = (status: number, code: string, message: string, details: Record<string, unknown> = {}) => ({
    status,
    body: { error: { ...details, code, message } },
  });
  if (error instanceof HttpError) return make(error.statusCode, error.code, error.message, error.details);
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return make(413, "BODY_TOO_LARGE", `request body is larger than the limit of ${bodyLimit} bytes`, { limitBytes: bodyLimit });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return make(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON with 'content-type: application/json' (POST /v1/preview also takes multipart/form-data)");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return make(400, "INVALID_JSON", "request body is not valid JSON");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return make(400, "INVALID_CONTENT_LENGTH", "request body size did not match Content-Length");
  }
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status >= 400 && status < 500) return make(status, error.code ?? "BAD_REQUEST", error.message);
  return make(500, "INTERNAL", "internal error; see the runner log");
}

function describeProblems(problems: readonly { path: string; message: string }[]): string {
  const shown = problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : "";
  return shown.join("; ") + more;
}

function describeIssues(issues: readonly ValidationIssue[]): string {
  const errors = issues.filter((i) => i.severity === "error");
  const list = errors.length > 0 ? errors : issues;
  const shown = list.slice(0, 3).map((i) => `${i.code}${i.nodeId ? ` at node '${i.nodeId}'` : ""}: ${i.message}`);
  const more = list.length > 3 ? ` (and ${list.length - 3} more)` : "";
  return shown.join("; ") + more;
}

/** SSE is the default; JSON only when the client asks for it and not for an event stream. */
function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const lower = accept.toLowerCase();
  return lower.includes("application/json") && !lower.includes("text/event-stream");
}

/** Adapts pino's (object, message) order to the node-facing Logger's (message, data). */
function nodeLogger(log: FastifyBaseLogger): Logger {
  return {
    debug: (message, data) => log.debug(data ?? {}, message),
    info: (message, data) => log.info(data ?? {}, message),
    warn: (message, data) => log.warn(data ?? {}, message),
  };
}


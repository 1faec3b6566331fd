import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  buildOpenApiDocument,
  createApiKeyVerifier,
  createDeploymentReader,
  type AttuneDb,
  type LiveDeployment,
  type RunStatus,
  type VerifiedApiKey,
} from "@attune/db";
import type { CodeSandbox, ModelService, Plan } from "@attune/graph";
import { execute, MemorySessionStateStore, summarizeValue, type ExecuteOptions, type RunResult } from "@attune/runtime";
import { HttpError } from "../http-error";
import { mediaInputFailure, readMultipartPreview, type MultipartLimits } from "../media-inputs";
import type { RunnerRegistry } from "../registry";
import { checkInputs, prepareInputChecks, type InputChecks } from "./inputs";
import { GuardedRun, RunTimeoutError, WatchedRuns } from "./run-guard";
import { TokenBuckets, type RateLimit } from "./rate-limit";
import { newRunId } from "./run-id";
import type { BackgroundWriter } from "../writes";

/**
 * The published REST endpoints: POST /v1/pipelines/:slug/run, POST /v1/pipelines/:slug/versions/:n/run
 * and GET /v1/pipelines/:slug/openapi.json. They are public-facing, so they do not take the
 * studio's runner token; each call needs an API key scoped to the slug instead.
 *
 * Check order: key (401) -> endpoint exists (404) -> key's scope (403) -> rate limit (429) -> body
 * (400/413/415) -> inputs (422/413) -> run (200, 500, 504). Keys are checked before anything about
 * the endpoint is revealed; the 404 and 403 bodies name only the slug the caller sent.
 * The OpenAPI document takes the same key as the endpoint: it lists input names and limits, and
 * nothing is open by default.
 */
export interface PublishedRoutesOptions {
  db: AttuneDb;
  registry: RunnerRegistry;
  models?: ModelService;
  sandbox?: CodeSandbox;
  maxInputChars: number;
  /** Body limit of the run routes (JSON with base64 media or multipart uploads). */
  bodyLimitBytes: number;
  multipartLimits: MultipartLimits;
  /** Whole-run time limit; past it the run is aborted and the call answers 504. */
  runTimeoutMs: number;
  nodeTimeoutMs: number;
  rateLimit: RateLimit;
  /** Sessions kept per deployment for stateful nodes (least recently used go first). */
  sessionsMax: number;
  /** Origin for the OpenAPI document's `servers`; by default taken from the request. */
  publicUrl?: string;
  /**
   * Run log, keys' last-used times and successful runs' outputs (which feedback ratings are joined
   * to, apps/runner/src/feedback) go through it: queued here, written on its own thread.
   */
  writer: BackgroundWriter;
}

/** What the request path learned, kept for the run log (a successful run is logged before its answer, any other call once its answer is sent). */
interface CallContext {
  at: number;
  runId: string;
  deployment: LiveDeployment | undefined;
  key: VerifiedApiKey | undefined;
  version: number | null;
  errorCode: string | null;
  partial: boolean;
  /** Already in the run log (a successful run logs itself, with its outputs, before answering). */
  logged: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    publishedCall: CallContext | null;
  }
}

interface PreparedVersion {
  deploymentId: string;
  version: number;
  /** `version` as the x-deployment-version header value. */
  versionHeader: string;
  plan: Plan;
  checks: InputChecks;
  /** Output ports whose values may hold typed arrays or media and need converting to JSON. */
  mediaOutputs: Set<string>;
  loose: boolean;
}

/** Values JSON can carry as is; anything else (prosody, json, any) goes through the typed-array replacer. */
const PLAIN_PORT_TYPES = new Set(["text", "number", "boolean", "valence-arousal", "action", "faces", "speech-segments"]);
const PLAN_CACHE_MAX = 256;

function typedArrayReplacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

function bearer(header: string | undefined): string | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

function statusOf(httpStatus: number, partial: boolean): RunStatus {
  if (httpStatus < 300) return partial ? "partial" : "ok";
  if (httpStatus === 429) return "rate_limited";
  if (httpStatus === 504) return "timeout";
  if (httpStatus < 500) return "rejected";
  return "failed";
}

/** The stable code of an error on its way to the error handler (mirrors server.ts's mapping). */
function errorCodeOf(error: FastifyError | HttpError): string {
  if (error instanceof HttpError) return error.code;
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return "BODY_TOO_LARGE";
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return "UNSUPPORTED_MEDIA_TYPE";
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return "INVALID_JSON";
  }
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  return status < 500 && error.code ? error.code : "INTERNAL";
}

function sendError(reply: FastifyReply, call: CallContext, status: number, code: string, message: string): FastifyReply {
  call.errorCode = code;
  return reply.code(status).type("application/json; charset=utf-8").send({ error: { code, message } });
}

export async function publishedRoutes(app: FastifyInstance, options: PublishedRoutesOptions): Promise<void> {
  const reader = createDeploymentReader(options.db);
  const verifier = createApiKeyVerifier(options.db);
  const buckets = new TokenBuckets(options.rateLimit);
  const writer = options.writer;
  /** deployment id -> version -> prepared; `preparedOrder` remembers insertion order for eviction. */
  const prepared = new Map<string, Map<number, PreparedVersion>>();
  const preparedOrder: PreparedVersion[] = [];
  const freshness = new Freshness(options.db);
  const sessions = new Map<string, MemorySessionStateStore>();
  const watchedRuns = new WatchedRuns();
  const nodeTimeoutMs = Math.min(options.nodeTimeoutMs, options.runTimeoutMs);

  app.decorateRequest("publishedCall", null);

  app.addHook("preClose", async () => {
    watchedRuns.cancelAll(new Error("runner is shutting down"));
  });

  /** Immutable per (deployment, version): compiled once, shared by every call, evicted oldest first. */
  function preparedVersion(deploymentId: string, version: number): PreparedVersion | undefined {
    const hit = prepared.get(deploymentId)?.get(version);
    if (hit) return hit;
    const stored = reader.version(deploymentId, version);
    if (!stored) return undefined;
    const missing = stored.plan.nodes.filter((n) => !options.registry.get(n.type)).map((n) => n.type);
    if (missing.length > 0) {
      throw new HttpError(500, "DEPLOYMENT_UNAVAILABLE", `this runner cannot run deployment version ${version}: unknown node types ${[...new Set(missing)].join(", ")}`);
    }
    const mediaOutputs = new Set(stored.interface.outputs.filter((o) => o.portType === "image" || o.portType === "audio").map((o) => o.name));
    const loose = stored.interface.outputs.some((o) => !PLAIN_PORT_TYPES.has(o.portType) && !o.portType.startsWith("scores:") && !mediaOutputs.has(o.name));
    const entry: PreparedVersion = {
      deploymentId,
      version,
      versionHeader: String(version),
      plan: stored.plan,
      checks: prepareInputChecks(stored.interface, options.maxInputChars),
      mediaOutputs,
      loose,
    };
    let versions = prepared.get(deploymentId);
    if (!versions) prepared.set(deploymentId, (versions = new Map()));
    versions.set(version, entry);
    preparedOrder.push(entry);
    if (preparedOrder.length > PLAN_CACHE_MAX) {
      const oldest = preparedOrder.shift()!;
      const of = prepared.get(oldest.deploymentId);
      of?.delete(oldest.version);
      if (of?.size === 0) prepared.delete(oldest.deploymentId);
    }
    return entry;
  }

  function sessionStore(deploymentId: string): MemorySessionStateStore {
    let store = sessions.get(deploymentId);
    if (!store) sessions.set(deploymentId, (store = new MemorySessionStateStore(options.sessionsMax)));
    return store;
  }

  /**
   * Key, endpoint, scope and rate limit, before the body is even read. Callback style (no promise,
   * no microtask): `done()` only when the call may go on; a refused call is answered here.
   */
  function authorize(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    if (refusal(request as FastifyRequest<{ Params: { slug: string } }>, reply) === undefined) done();
  }

  function refusal(request: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply): FastifyReply | undefined {
    const at = Date.now();
    const call: CallContext = { at, runId: newRunId(at), deployment: undefined, key: undefined, version: null, errorCode: null, partial: false, logged: false };
    request.publishedCall = call;
    reply.header("x-run-id", call.runId);
    // Looked up first only so that refused calls still appear in that endpoint's run log; the
    // answer to a caller without a valid key says nothing about the endpoint.
    freshness.check();
    call.deployment = freshness.deployment(request.params.slug, reader);
    const presented = bearer(request.headers.authorization);
    if (presented === undefined) {
      reply.header("www-authenticate", 'Bearer realm="attune"');
      return sendError(reply, call, 401, "MISSING_API_KEY", "send an API key as 'Authorization: Bearer <key>'");
    }
    const key = freshness.key(presented, verifier);
    if (!key) {
      reply.header("www-authenticate", 'Bearer realm="attune", error="invalid_token"');
      return sendError(reply, call, 401, "INVALID_API_KEY", "the API key is not valid");
    }
    call.key = key;
    if (key.revoked) {
      reply.header("www-authenticate", 'Bearer realm="attune", error="invalid_token"');
      return sendError(reply, call, 401, "REVOKED_API_KEY", "the API key was revoked");
    }
    const deployment = call.deployment;
    if (!deployment || deployment.liveVersion === null) {
      return sendError(reply, call, 404, "NOT_FOUND", `no published endpoint '${request.params.slug}'`);
    }
    if (!key.scopes.has(deployment.slug)) {
      return sendError(reply, call, 403, "FORBIDDEN", `this API key may not call '${deployment.slug}'`);
    }
    const taken = buckets.take(key.id);
    if (!taken.ok) {
      reply.header("retry-after", String(taken.retryAfterSeconds));
      return sendError(reply, call, 429, "RATE_LIMITED", `too many calls with this API key; retry after ${taken.retryAfterSeconds} s`);
    }
    writer.touchKey(key.id, call.at);
    return undefined;
  }

  function logCall(request: FastifyRequest, reply: FastifyReply): void {
    const call = request.publishedCall;
    if (!call) return;
    if (!call.deployment) {
      // No endpoint's run log can hold a call naming no endpoint (a typo in a client's URL, or a
      // probe): it gets the one request line the published routes otherwise skip.
      request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "call to no published endpoint");
      return;
    }
    if (call.logged) return;
    writer.push({
      runId: call.runId,
      deploymentId: call.deployment.id,
      slug: call.deployment.slug,
      deploymentVersion: call.version,
      at: call.at,
      status: statusOf(reply.statusCode, call.partial),
      httpStatus: reply.statusCode,
      latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      keyId: call.key?.id ?? null,
      keyName: call.key?.name ?? null,
      errorCode: reply.statusCode >= 400 ? (call.errorCode ?? `HTTP_${reply.statusCode}`) : null,
    });
  }

  // Hooks in callback style: on every call, an async hook would cost a promise and a microtask.
  const common = {
    // The studio's runner token does not apply here: these routes check API keys (authorize).
    // Calls to a published endpoint are in its run log (logCall), which stands in for Fastify's
    // request lines; calls naming no endpoint get one line (logCall).
    config: { public: true, requestLog: false },
    onRequest: authorize,
    onError: (request: FastifyRequest, _reply: FastifyReply, error: FastifyError, done: () => void) => {
      if (request.publishedCall) request.publishedCall.errorCode = errorCodeOf(error);
      done();
    },
    onResponse: (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      logCall(request, reply);
      done();
    },
  };

  async function run(request: FastifyRequest<{ Params: { slug: string; version?: string }; Querystring: { trace?: string } }>, reply: FastifyReply) {
    const call = request.publishedCall!;
    const deployment = call.deployment!;
    let version = deployment.liveVersion!;
    if (request.params.version !== undefined) {
      const n = /^[1-9][0-9]{0,8}$/.test(request.params.version) ? Number(request.params.version) : NaN;
      if (!Number.isInteger(n)) throw new HttpError(404, "VERSION_NOT_FOUND", `endpoint '${deployment.slug}' has no version '${request.params.version}'`);
      version = n;
    }
    // Resolved once, here: a publish or rollback during this call does not change what it runs.
    const target = preparedVersion(deployment.id, version);
    if (!target) throw new HttpError(404, "VERSION_NOT_FOUND", `endpoint '${deployment.slug}' has no version ${version}`);
    call.version = version;
    reply.header("x-deployment-version", target.versionHeader);

    const fromForm = request.isMultipart();
    const body = fromForm ? await readForm(request) : request.body;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(400, "INVALID_REQUEST", 'send a JSON object { "inputs": { ... }, "session"?: "..." }');
    }
    const fields = body as Record<string, unknown>;
    let unknown: string[] | undefined;
    for (const k in fields) if (k !== "inputs" && k !== "session" && Object.prototype.hasOwnProperty.call(fields, k)) (unknown ??= []).push(k);
    if (unknown !== undefined) throw new HttpError(400, "INVALID_REQUEST", `unknown request field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}; send { inputs, session? }`);
    const rawInputs = fields["inputs"];
    const session = fields["session"];
    if (typeof rawInputs !== "object" || rawInputs === null || Array.isArray(rawInputs)) {
      throw new HttpError(400, "INVALID_REQUEST", "'inputs' must be an object of the endpoint's named inputs");
    }
    if (session !== undefined && (typeof session !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(session))) {
      throw new HttpError(400, "INVALID_SESSION", "'session' must be 1-128 characters of letters, digits, '_', '.', ':' and '-'");
    }
    const inputs = checkInputs(rawInputs as Record<string, unknown>, target.checks, fromForm);

    // A RunCanceller rather than an AbortController: same effect on the run, without building an
    // AbortSignal (an EventTarget) on every call. See run-guard.ts for when its watches start.
    const canceller = new GuardedRun(options.runTimeoutMs, reply.raw, watchedRuns);
    const runOptions: ExecuteOptions = { registry: options.registry, inputs, runId: call.runId, canceller, nodeTimeoutMs };
    if (typeof session === "string") {
      // Sessions are partitioned by key as well as by deployment: two customers who happen to
      // pick the same session id never see each other's state.
      runOptions.state = sessionStore(deployment.id);
      runOptions.sessionId = `${call.key!.id}:${session}`;
    }
    if (options.models) runOptions.models = options.models;
    if (options.sandbox) runOptions.sandbox = options.sandbox;
    let result: RunResult;
    try {
      result = await execute(target.plan, runOptions);
    } finally {
      canceller.end();
    }

    // A run that finished "ok" has no failed node, hence no timeout, media failure or node error
    // to look for: the common case skips those scans.
    const clean = result.status === "ok";
    const timedOut = canceller.reason instanceof RunTimeoutError || (!clean && Object.values(result.nodes).some((n) => n.error?.code === "TIMEOUT"));
    if (timedOut) throw new HttpError(504, "RUN_TIMEOUT", `the run took longer than its time limit (${options.runTimeoutMs} ms for the run, ${options.nodeTimeoutMs} ms per node)`);
    if (result.status === "cancelled") throw new HttpError(503, "RUN_CANCELLED", "the run was cancelled");
    // An optional image or audio input that was left out fails its input node by design; that is
    // neither the caller's error nor worth reporting.
    let omitted: Set<string> | undefined;
    if (!clean) {
      omitted = new Set<string>();
      for (const input of target.checks.planInputs.values()) if (!(input.name in inputs)) omitted.add(input.nodeId);
      const sent = new Map([...target.checks.planInputs].filter(([, input]) => !omitted!.has(input.nodeId)));
      const mediaFailure = mediaInputFailure(result, sent);
      if (mediaFailure) throw mediaFailure;
    }

    const errors = clean
      ? []
      : Object.entries(result.nodes)
          .filter(([id, n]) => n.status === "failed" && n.error && !omitted!.has(id))
          .map(([id, n]) => ({ node: id, code: n.error!.code ?? "NODE_FAILED", message: n.error!.message }));
    let outputs = result.outputs;
    if (target.mediaOutputs.size > 0) {
      outputs = {};
      for (const [name, value] of Object.entries(result.outputs)) outputs[name] = target.mediaOutputs.has(name) ? summarizeValue(value) : value;
    }
    if (result.status === "failed" && Object.keys(outputs).length === 0) {
      throw new HttpError(500, "RUN_FAILED", `the pipeline failed: ${errors.map((e) => `${e.code}: ${e.message}`).join("; ") || "no output was produced"}`, { errors });
    }
    call.partial = errors.length > 0;
    const response: Record<string, unknown> = { runId: call.runId, slug: deployment.slug, version, outputs };
    if (errors.length > 0) response.errors = errors;
    const trace = request.query.trace;
    if (trace === "1" || trace === "true") {
      response.trace = {
        status: result.status,
        durationMs: result.durationMs,
        nodes: target.plan.nodes.map((n) => {
          const r = result.nodes[n.id];
          return { id: n.id, type: n.type, status: r?.status ?? "skipped", durationMs: r?.durationMs ?? 0, cached: r?.cached ?? false, ...(r?.error?.code ? { errorCode: r.error.code } : {}) };
        }),
      };
    }
    // Loose outputs (json, any, prosody) may hold typed arrays, or values JSON cannot write: they are
    // serialized here, so that a failure is answered (and logged) as one, before the call is logged as a success.
    const payload = target.loose ? JSON.stringify(response, typedArrayReplacer) : response;
    // Logged here, with the outputs, rather than once the response is written: one record per call
    // instead of two, and queued before the caller can see the run id, so feedback on the run
    // always finds it (after a flush). The latency is therefore the time to a ready answer, without
    // writing it to the socket. Compaction and the write happen on the writer thread.
    call.logged = true;
    writer.push({
      runId: call.runId,
      deploymentId: deployment.id,
      slug: deployment.slug,
      deploymentVersion: version,
      at: call.at,
      status: call.partial ? "partial" : "ok",
      httpStatus: 200,
      latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      keyId: call.key!.id,
      keyName: call.key!.name,
      errorCode: null,
      outputs,
    });
    if (typeof payload === "string") reply.type("application/json; charset=utf-8");
    return reply.code(200).send(payload);
  }

  async function readForm(request: FastifyRequest): Promise<unknown> {
    try {
      return await readMultipartPreview(request, options.multipartLimits);
    } catch (error) {
      // The shared reader words its "no request field" error for the preview route; say it for this one.
      if (error instanceof HttpError && error.code === "INVALID_REQUEST" && /'request' field/.test(error.message)) {
        throw new HttpError(400, "INVALID_REQUEST", `multipart calls need a 'request' field holding {"inputs": {...}, "session"?: "..."} as JSON (it may be "{}"), plus one file part per image or audio input`);
      }
      throw error;
    }
  }

  const runRoute = { ...common, bodyLimit: options.bodyLimitBytes };
  app.post<{ Params: { slug: string }; Querystring: { trace?: string } }>("/v1/pipelines/:slug/run", runRoute, run);
  app.post<{ Params: { slug: string; version: string }; Querystring: { trace?: string } }>("/v1/pipelines/:slug/versions/:version/run", runRoute, run);

  app.get<{ Params: { slug: string } }>("/v1/pipelines/:slug/openapi.json", common, async (request, reply) => {
    const call = request.publishedCall!;
    const deployment = call.deployment!;
    const version = deployment.liveVersion!;
    const target = preparedVersion(deployment.id, version);
    if (!target) throw new HttpError(404, "VERSION_NOT_FOUND", `endpoint '${deployment.slug}' has no version ${version}`);
    call.version = version;
    const title = options.db.sqlite.prepare<[string], { name: string }>("select name from pipelines where id = ?").get(deployment.pipelineId)?.name ?? deployment.slug;
    return reply.send(
      buildOpenApiDocument({
        slug: deployment.slug,
        title,
        version,
        interface: target.checks.iface,
        serverUrl: options.publicUrl ?? originOf(request),
        maxInputChars: options.maxInputChars,
      }),
    );
  });
}

const CACHE_MAX = 10_000;

/**
 * Endpoint and key lookups cached in memory, dropped whenever another connection (the studio, in
 * its own process) commits to the database: SQLite's `data_version` changes exactly then. A
 * publish, rollback or revocation is therefore seen by the very next call, while calls in between
 * cost one pragma instead of two queries and a hash. The runner's own writes (run log, last-used
 * times) do not change `data_version` for its own connection, so they never flush the cache;
 * this is also why the runner must have a connection of its own.
 */
class Freshness {
  private readonly dataVersion;
  private seen: unknown = undefined;
  private checkedThisTurn = false;
  private readonly endTurn = () => {
    this.checkedThisTurn = false;
  };
  private readonly deployments = new Map<string, LiveDeployment | undefined>();
  private readonly keys = new Map<string, VerifiedApiKey>();

  constructor(db: AttuneDb) {
    this.dataVersion = db.sqlite.prepare("PRAGMA data_version").pluck();
  }

  /**
   * At most once per event-loop turn: calls parsed in the same turn are concurrent anyway, so
   * sharing one check among them cannot order them before or after a commit any differently.
   */
  check(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(this.endTurn);
    const now = this.dataVersion.get();
    if (now !== this.seen) {
      this.seen = now;
      this.deployments.clear();
      this.keys.clear();
    }
  }

  deployment(slug: string, reader: { bySlug(slug: string): LiveDeployment | undefined }): LiveDeployment | undefined {
    if (this.deployments.has(slug)) return this.deployments.get(slug);
    const found = reader.bySlug(slug);
    // Unknown slugs are cached too (a client retrying a typo), so the map is bounded by clearing.
    if (this.deployments.size >= CACHE_MAX) this.deployments.clear();
    this.deployments.set(slug, found);
    return found;
  }

  /** Only keys that verified are cached, so a flood of made-up keys cannot grow the map. */
  key(presented: string, verifier: { verify(presented: string): VerifiedApiKey | undefined }): VerifiedApiKey | undefined {
    const hit = this.keys.get(presented);
    if (hit) return hit;
    const found = verifier.verify(presented);
    if (found) {
      if (this.keys.size >= CACHE_MAX) this.keys.clear();
      this.keys.set(presented, found);
    }
    return found;
  }
}

/** The origin the caller used, honouring a proxy's X-Forwarded-* (the studio proxies /v1/* to the runner). */
function originOf(request: FastifyRequest): string {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim();
  const proto = first(request.headers["x-forwarded-proto"]) ?? request.protocol;
  const host = first(request.headers["x-forwarded-host"]) ?? request.headers.host ?? "127.0.0.1";
  return `${proto}://${host}`;
}

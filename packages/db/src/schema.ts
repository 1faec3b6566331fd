import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * One row per pipeline: identity and display metadata. The document itself lives only in
 * `pipeline_versions`; `head_version` points at the newest row there, so reading the current
 * document is one indexed lookup and history can never be rewritten by an update.
 */
export const pipelines = sqliteTable(
  "pipelines",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    headVersion: integer("head_version").notNull(),
    // Epoch milliseconds set by the repository (one clock for a pipeline and its version row);
    // integers sort correctly and survive JSON without a transformer.
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("pipelines_updated_at_idx").on(t.updatedAt)],
);

/**
 * Immutable history: every save appends a row, nothing ever updates one. `document` is JSON text
 * (not drizzle's json mode) so a corrupt row surfaces as our own clear error instead of a
 * SyntaxError deep inside the driver. `node_count` is denormalised at write time because rows
 * never change, and it lets the history list avoid parsing every document.
 */
export const pipelineVersions = sqliteTable(
  "pipeline_versions",
  {
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    document: text("document").notNull(),
    message: text("message"),
    nodeCount: integer("node_count").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.version] })],
);

/**
 * A published endpoint: one per pipeline, with a slug that never changes once chosen, and a live
 * pointer into its immutable versions. Switching versions (publish, rollback) updates only
 * `live_version`, a single-row write, so a reader sees the old or the new version, never a mix.
 * Deleting the pipeline deletes its endpoint: nothing is left answering for a pipeline that is gone.
 */
export const deployments = sqliteTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    liveVersion: integer("live_version"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("deployments_slug_idx").on(t.slug), uniqueIndex("deployments_pipeline_idx").on(t.pipelineId)],
);

/**
 * Immutable, like pipeline versions: the frozen document, the compiled plan that the runner
 * executes, and the caller-facing interface (inputs, outputs) derived at publish time, so what a
 * version accepts can never drift when node specs change later. JSON as text for the same reason
 * as `pipeline_versions.document`.
 */
export const deploymentVersions = sqliteTable(
  "deployment_versions",
  {
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    pipelineVersion: integer("pipeline_version").notNull(),
    document: text("document").notNull(),
    plan: text("plan").notNull(),
    interface: text("interface").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deploymentId, t.version] })],
);

/**
 * API keys for the published endpoints. Only a sha256 of the secret is stored; `prefix` is the
 * public, unique part of the key that finds the row without scanning. `scopes` is a JSON array of
 * deployment slugs the key may call.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_prefix_idx").on(t.prefix)],
);

/**
 * One row per call of a published endpoint. No foreign keys: the log outlives keys and endpoints
 * (it is history), and the runner appends in batches that must never fail on a concurrent delete.
 * The key's name is copied so the log stays readable after the key is gone; the key never is.
 */
export const runLog = sqliteTable(
  "run_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: text("run_id").notNull(),
    deploymentId: text("deployment_id").notNull(),
    slug: text("slug").notNull(),
    deploymentVersion: integer("deployment_version"),
    at: integer("at").notNull(),
    status: text("status").notNull(),
    httpStatus: integer("http_status").notNull(),
    latencyMs: real("latency_ms").notNull(),
    keyId: text("key_id"),
    keyName: text("key_name"),
    errorCode: text("error_code"),
  },
  (t) => [index("run_log_slug_id_idx").on(t.slug, t.id), index("run_log_at_idx").on(t.at)],
);

/** Small key/value settings shared by the studio and the runner (e.g. run log retention). */
export const appSettings = sqliteTable("app_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export type PipelineRow = typeof pipelines.$inferSelect;
export type PipelineVersionRow = typeof pipelineVersions.$inferSelect;

/**
 * Gallery templates: the built-in ones from the repo's `templates/` folder (source "builtin", keyed
 * by `slug`, re-synced when the folder changes) and pipelines people published (source "user").
 * A template is a frozen copy, not a live link: `source_pipeline_id`/`source_version` record where
 * it came from, and deleting that pipeline leaves the template in place. JSON columns are text for
 * the same reason as `pipeline_versions.document`.
 */
export const templates = sqliteTable(
  "templates",
  {
    id: text("id").primaryKey(),
    source: text("source", { enum: ["builtin", "user"] }).notNull(),
    slug: text("slug"),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    tags: text("tags").notNull(),
    modalities: text("modalities").notNull(),
    document: text("document").notNull(),
    samples: text("samples"),
    readme: text("readme"),
    sourcePipelineId: text("source_pipeline_id").references(() => pipelines.id, { onDelete: "set null" }),
    sourceVersion: integer("source_version"),
    contentHash: text("content_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("templates_slug_idx").on(t.slug), index("templates_created_at_idx").on(t.createdAt)],
);

/**
 * Read-only share links to one pipeline version. The token is the only credential (32 random
 * bytes, base64url), so it is the primary key; revoking sets `revoked_at` rather than deleting, so
 * a revoked link answers "revoked" instead of looking like a typo. Deleting the pipeline deletes
 * its links.
 */
export const shares = sqliteTable(
  "shares",
  {
    token: text("token").primaryKey(),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("shares_pipeline_idx").on(t.pipelineId)],
);

/**
 * Bias audits: one labelled data set run through one pipeline version, as a background job in the
 * runner. The studio inserts the row (status "queued") with its items; the runner claims it, runs
 * it and stores the report here, so the report stays with the exact version it measured.
 * `processed`/`errors` are denormalised counts updated with each batch of results, so a progress
 * poll reads one row. `config` (mapping, taxonomy, parameters), `report` and `summary` are JSON text
 * for the same reason as `pipeline_versions.document`.
 */
export const audits = sqliteTable(
  "audits",
  {
    id: text("id").primaryKey(),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    pipelineVersion: integer("pipeline_version").notNull(),
    status: text("status", { enum: ["queued", "running", "cancelled", "interrupted", "completed", "failed"] }).notNull(),
    /** Set by a cancel while running; the runner stops at its next check and clears it. */
    cancelRequested: integer("cancel_requested", { mode: "boolean" }).notNull().default(false),
    fileName: text("file_name").notNull(),
    format: text("format").notNull(),
    rowCount: integer("row_count").notNull(),
    processed: integer("processed").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    config: text("config").notNull(),
    report: text("report"),
    summary: text("summary"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("audits_pipeline_created_idx").on(t.pipelineId, t.createdAt), index("audits_status_idx").on(t.status)],
);

/**
 * The rows of an audit's data set and, once processed, the pipeline's answer for each. A row is
 * unprocessed while `done_at` is null; results are written in batches and never overwritten, so a
 * cancel or crash loses at most the batch in flight and a resume picks up exactly the rest.
 */
export const auditItems = sqliteTable(
  "audit_items",
  {
    auditId: text("audit_id")
      .notNull()
      .references(() => audits.id, { onDelete: "cascade" }),
    rowIndex: integer("row_index").notNull(),
    /** Line of the uploaded file where the row starts. */
    line: integer("line").notNull(),
    inputs: text("inputs").notNull(),
    label: text("label").notNull(),
    groups: text("groups").notNull(),
    predicted: text("predicted"),
    scores: text("scores"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    durationMs: real("duration_ms"),
    doneAt: integer("done_at"),
  },
  (t) => [primaryKey({ columns: [t.auditId, t.rowIndex] })],
);

/**
 * A compact snapshot of what a published run answered (numbers and top labels only, size-capped),
 * written by the runner off the request path so that perceived-empathy feedback can be joined to
 * the pipeline's own outputs. No foreign key, like `run_log`: the runner's batched writes must not
 * fail because a deployment was deleted meanwhile. `numbers` and `labels` are JSON objects.
 */
export const runOutputs = sqliteTable(
  "run_outputs",
  {
    runId: text("run_id").primaryKey(),
    deploymentId: text("deployment_id").notNull(),
    slug: text("slug").notNull(),
    deploymentVersion: integer("deployment_version").notNull(),
    keyId: text("key_id").notNull(),
    at: integer("at").notNull(),
    numbers: text("numbers").notNull(),
    labels: text("labels").notNull(),
  },
  (t) => [index("run_outputs_deployment_at_idx").on(t.deploymentId, t.at), index("run_outputs_at_idx").on(t.at)],
);

/**
 * One perceived-empathy rating per run (SENSE-7 style: per turn, user-rated, contextual). The run
 * id is unique: it is the idempotency key of POST /v1/runs/:runId/feedback. `behaviours` and
 * `context` are JSON text; `body_hash` tells a retry of the same submission from a different one.
 */
export const runFeedback = sqliteTable(
  "run_feedback",
  {
    id: text("id").primaryKey(),
    runId: text("run_id").notNull(),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    deploymentVersion: integer("deployment_version").notNull(),
    keyId: text("key_id").notNull(),
    rating: integer("rating").notNull(),
    behaviours: text("behaviours").notNull(),
    comment: text("comment"),
    context: text("context"),
    bodyHash: text("body_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("run_feedback_run_idx").on(t.runId), index("run_feedback_deployment_created_idx").on(t.deploymentId, t.createdAt)],
);

import { randomUUID } from "node:crypto";
import { compile, TAXONOMY_LABELS, taxonomySchema, type SpecLookup, type Taxonomy } from "@attune/graph";
import {
  buildGroupAudit,
  DATASET_LIMITS,
  DEFAULT_ECE_BINS,
  DEFAULT_MIN_GROUP_SIZE,
  parseDataset,
  renderAuditReportHtml,
  type AuditItem,
  type DatasetFormat,
  type DatasetLimits,
  type Disparity,
  type GroupAuditReport,
} from "@attune/stats";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { describePlanInterface } from "./deployment-interface";
import type { AttuneDb } from "./open-database";
import { getPipeline, getVersion } from "./repository";
import { auditItems, audits } from "./schema";

/**
 * Bias audits: set-up (parse and check an uploaded labelled data set against a pipeline version),
 * the job's state machine as stored rows, and the report. The studio creates, cancels and resumes
 * through these functions; the runner's job engine (apps/runner/src/audits) claims queued audits,
 * records results and finishes them. SQLite is the only channel between the two, which is what
 * lets a job survive a runner restart.
 *
 *   queued -> running -> completed | failed
 *   running -> cancelled (cancel) | interrupted (runner stopped or died)
 *   cancelled | interrupted | failed -> queued (resume: only unprocessed rows run)
 */

export const AUDIT_STATUSES = ["queued", "running", "cancelled", "interrupted", "completed", "failed"] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** Bootstrap resamples of the stored report; 1000 keeps a 20 000-row report to seconds on 2 cores. */
export const DEFAULT_AUDIT_BOOTSTRAP = { iterations: 1000, confidence: 0.95, seed: 20240901 } as const;

export const auditParamsSchema = z.object({
  minGroupSize: z.number().int().min(1).max(100_000).default(DEFAULT_MIN_GROUP_SIZE),
  bootstrapIterations: z.number().int().min(100).max(20_000).default(DEFAULT_AUDIT_BOOTSTRAP.iterations),
  confidence: z.number().min(0.5).max(0.999).default(DEFAULT_AUDIT_BOOTSTRAP.confidence),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(DEFAULT_AUDIT_BOOTSTRAP.seed),
  eceBins: z.number().int().min(2).max(50).default(DEFAULT_ECE_BINS),
});
export type AuditParams = z.infer<typeof auditParamsSchema>;

const columnName = z.string().min(1).max(200);

/** What the studio sends to start an audit. */
export const createAuditInputSchema = z.object({
  pipelineId: z.string().min(1).max(100),
  /** Defaults to the head version. */
  version: z.number().int().positive().optional(),
  fileName: z.string().min(1).max(300),
  format: z.enum(["csv", "jsonl"]),
  /** The file's text. UTF-16 length never exceeds UTF-8 bytes, so this bound is safe; the parser checks the bytes. */
  data: z.string().max(DATASET_LIMITS.maxBytes),
  /** Pipeline input name -> data set column. */
  inputs: z.record(z.string().min(1).max(100), columnName),
  labelColumn: columnName,
  groupColumns: z.array(columnName).min(1).max(10),
  /** The pipeline output (result field) that holds the emotion scores; predicted label = argmax. */
  output: z.string().min(1).max(100),
  /** Needed only when the output's port type does not name a taxonomy (scores:any, json, any). */
  taxonomy: taxonomySchema.optional(),
  params: auditParamsSchema.partial().optional(),
});
export type CreateAuditInput = z.input<typeof createAuditInputSchema>;

/** Stored in `audits.config`: everything needed to run and report the audit. */
export interface AuditConfig {
  inputs: Record<string, string>;
  /** How each mapped input's cell becomes a run input. */
  inputKinds: Record<string, "text" | "number">;
  labelColumn: string;
  groupColumns: string[];
  output: string;
  outputPortType: string;
  taxonomy: Taxonomy;
  classes: string[];
  params: AuditParams;
}

export interface AuditSummaryFigures {
  column: string;
  accuracy: DisparityFigure | null;
  macroF1: DisparityFigure | null;
}

export interface DisparityFigure {
  difference: number;
  low: number | null;
  high: number | null;
  best: string;
  worst: string;
}

export interface AuditInfo {
  id: string;
  pipelineId: string;
  pipelineVersion: number;
  status: AuditStatus;
  cancelRequested: boolean;
  fileName: string;
  format: DatasetFormat;
  rowCount: number;
  processed: number;
  errors: number;
  config: AuditConfig;
  /** Headline disparity of a completed audit (the group column with the widest accuracy gap). */
  summary: AuditSummaryFigures | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** The stored report: the statistics plus what they were measured on. */
export interface AuditReportDocument {
  schemaVersion: 1;
  auditId: string;
  pipeline: { id: string; name: string; version: number };
  dataset: { fileName: string; format: DatasetFormat; rows: number };
  output: string;
  taxonomy: Taxonomy;
  /** True when every scored item said its scores are calibrated probabilities; false when none did; null when mixed or none. */
  calibrated: boolean | null;
  labelColumn: string;
  generatedAt: number;
  report: GroupAuditReport;
}

export interface AuditProblem {
  /** 1-based line of the file, when the problem is in a row. */
  line?: number;
  message: string;
}

/** The upload or mapping was rejected; nothing was stored. */
export class AuditSetupError extends Error {
  override readonly name = "AuditSetupError";
  constructor(readonly problems: AuditProblem[]) {
    super(`the audit cannot start: ${problems.slice(0, 3).map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message)).join("; ")}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`);
  }
}

export class AuditNotFoundError extends Error {
  override readonly name = "AuditNotFoundError";
  constructor(readonly auditId: string) {
    super(`audit '${auditId}' does not exist`);
  }
}

/** The action does not fit the audit's state (e.g. resuming a completed audit). */
export class AuditStateError extends Error {
  override readonly name = "AuditStateError";
  constructor(message: string) {
    super(message);
  }
}

export interface AuditTargets {
  pipelineId: string;
  version: number;
  /** Run inputs and whether an audit can feed them from a column. */
  inputs: { name: string; type: string; supported: boolean }[];
  /** Outputs and the taxonomy each implies (null: the caller must name one; usable false: not scores). */
  outputs: { name: string; portType: string; taxonomy: Taxonomy | null; usable: boolean }[];
  /** Why the pipeline cannot be audited at all, if it cannot. */
  problems: string[];
}

const MEDIA_INPUT_NOTE = "image and audio inputs cannot be audited yet (columns holding file paths are out of scope): audits feed text and number columns";

/** What an audit of this pipeline version can map: its inputs and its scores outputs. */
export function describeAuditTargets(db: AttuneDb, specs: SpecLookup, pipelineId: string, version?: number): AuditTargets {
  const v = version ?? getPipeline(db, pipelineId).headVersion;
  const { document } = getVersion(db, pipelineId, v);
  const compiled = compile(document, specs);
  if (!compiled.ok) {
    const errors = compiled.issues.filter((i) => i.severity === "error");
    return { pipelineId, version: v, inputs: [], outputs: [], problems: [`version ${v} does not compile: ${errors.slice(0, 3).map((i) => i.message).join("; ")}`] };
  }
  const iface = describePlanInterface(compiled.plan, specs);
  const inputs = iface.inputs.map((i) => ({ name: i.name, type: i.type, supported: i.type === "text" || i.type === "number" }));
  const outputs = iface.outputs.map((o) => {
    const taxonomy = taxonomyOfPortType(o.portType);
    const usable = taxonomy !== null || o.portType === "scores:any" || o.portType === "json" || o.portType === "any";
    return { name: o.name, portType: o.portType, taxonomy, usable };
  });
  const problems: string[] = [];
  if (inputs.some((i) => !i.supported)) problems.push(MEDIA_INPUT_NOTE);
  if (!outputs.some((o) => o.usable)) problems.push("the pipeline has no emotion-scores output to audit");
  return { pipelineId, version: v, inputs, outputs, problems };
}

function taxonomyOfPortType(portType: string): Taxonomy | null {
  const match = /^scores:(.+)$/.exec(portType);
  const parsed = match ? taxonomySchema.safeParse(match[1]) : null;
  return parsed?.success ? parsed.data : null;
}

/** Labels are compared trimmed and lower-cased: the taxonomies' labels are all lower case. */
export const normalizeLabel = (label: string) => label.trim().toLowerCase();

/**
 * Parses and checks an upload against a pipeline version and stores the audit (queued) with all
 * its rows in one transaction. Throws AuditSetupError listing every problem; then nothing is stored.
 */
export function createAudit(db: AttuneDb, specs: SpecLookup, rawInput: CreateAuditInput, limits: DatasetLimits = {}): AuditInfo {
  const input = createAuditInputSchema.parse(rawInput);
  const targets = describeAuditTargets(db, specs, input.pipelineId, input.version);
  const problems: AuditProblem[] = targets.problems.map((message) => ({ message }));
  if (problems.length > 0) throw new AuditSetupError(problems);

  const parsed = parseDataset(input.data, input.format, limits);
  if (!parsed.ok) throw new AuditSetupError(parsed.problems.map((p) => (p.line > 0 ? { line: p.line, message: p.message } : { message: p.message })));
  const { columns, rows } = parsed.dataset;
  const hasColumn = (c: string) => columns.includes(c);

  const inputKinds: Record<string, "text" | "number"> = {};
  for (const target of targets.inputs) {
    const column = input.inputs[target.name];
    if (column === undefined) problems.push({ message: `map a column to the pipeline input '${target.name}'` });
    else if (!hasColumn(column)) problems.push({ message: `input '${target.name}' is mapped to '${column}', which the file has no column named` });
    else inputKinds[target.name] = target.type as "text" | "number";
  }
  for (const name of Object.keys(input.inputs)) {
    if (!targets.inputs.some((t) => t.name === name)) problems.push({ message: `the pipeline has no input named '${name}'` });
  }
  if (!hasColumn(input.labelColumn)) problems.push({ message: `no label column '${input.labelColumn}' in the file` });
  for (const g of input.groupColumns) {
    if (!hasColumn(g)) problems.push({ message: `no group column '${g}' in the file` });
    if (g === input.labelColumn) problems.push({ message: `'${g}' cannot be both the label and a group column` });
  }
  const output = targets.outputs.find((o) => o.name === input.output);
  let taxonomy: Taxonomy | undefined;
  if (!output) problems.push({ message: `the pipeline has no output named '${input.output}'` });
  else if (!output.usable) problems.push({ message: `output '${output.name}' is ${output.portType}, not emotion scores` });
  else {
    taxonomy = output.taxonomy ?? input.taxonomy;
    if (!taxonomy) problems.push({ message: `output '${output.name}' is ${output.portType}: name the taxonomy its scores use` });
    else if (output.taxonomy && input.taxonomy && input.taxonomy !== output.taxonomy) {
      problems.push({ message: `output '${output.name}' gives ${output.taxonomy} scores, not ${input.taxonomy}` });
    }
  }
  if (problems.length > 0) throw new AuditSetupError(problems);

  const classes: string[] = [...TAXONOMY_LABELS[taxonomy!]];
  // The taxonomy check: every label must be one the output can predict, or accuracy is meaningless.
  const unknown = new Map<string, { count: number; lines: number[] }>();
  for (const row of rows) {
    const label = normalizeLabel(row.values[input.labelColumn] ?? "");
    if (!classes.includes(label)) {
      const entry = unknown.get(label) ?? { count: 0, lines: [] };
      entry.count++;
      if (entry.lines.length < 5) entry.lines.push(row.line);
      unknown.set(label, entry);
    }
    for (const [name, kind] of Object.entries(inputKinds)) {
      if (kind !== "number") continue;
      const cell = (row.values[input.inputs[name]!] ?? "").trim();
      if (cell === "" || !Number.isFinite(Number(cell))) {
        if (problems.length < 20) problems.push({ line: row.line, message: `input '${name}' needs a number; the cell holds '${cell.slice(0, 40)}'` });
      }
    }
  }
  for (const [label, { count, lines }] of unknown) {
    problems.push({
      line: lines[0]!,
      message: `${label === "" ? "empty label" : `label '${label}' is not in ${taxonomy}`} (${count} row${count === 1 ? "" : "s"}, lines ${lines.join(", ")}${count > lines.length ? ", ..." : ""}); ${taxonomy} labels: ${classes.join(", ")}`,
    });
  }
  if (problems.length > 0) throw new AuditSetupError(problems);

  const config: AuditConfig = {
    inputs: input.inputs,
    inputKinds,
    labelColumn: input.labelColumn,
    groupColumns: input.groupColumns,
    output: input.output,
    outputPortType: output!.portType,
    taxonomy: taxonomy!,
    classes,
    params: auditParamsSchema.parse(input.params ?? {}),
  };
  const id = randomUUID();
  const now = Date.now();
  const insert = db.sqlite.prepare("insert into audit_items (audit_id, row_index, line, inputs, label, groups) values (?, ?, ?, ?, ?, ?)");
  db.sqlite.transaction(() => {
    db.orm
      .insert(audits)
      .values({
        id,
        pipelineId: input.pipelineId,
        pipelineVersion: targets.version,
        status: "queued",
        fileName: input.fileName,
        format: input.format,
        rowCount: rows.length,
        config: JSON.stringify(config),
        createdAt: now,
        updatedAt: now,
      })
      .run();
    rows.forEach((row, index) => {
      const runInputs: Record<string, string | number> = {};
      for (const [name, kind] of Object.entries(inputKinds)) {
        const cell = row.values[input.inputs[name]!] ?? "";
        runInputs[name] = kind === "number" ? Number(cell.trim()) : cell;
      }
      const groups = Object.fromEntries(input.groupColumns.map((g) => [g, (row.values[g] ?? "").trim()]));
      insert.run(id, index, row.line, JSON.stringify(runInputs), normalizeLabel(row.values[input.labelColumn] ?? ""), JSON.stringify(groups));
    });
  })();
  return getAudit(db, id);
}

type AuditRow = typeof audits.$inferSelect;

function toInfo(row: AuditRow): AuditInfo {
  return {
    id: row.id,
    pipelineId: row.pipelineId,
    pipelineVersion: row.pipelineVersion,
    status: row.status,
    cancelRequested: row.cancelRequested,
    fileName: row.fileName,
    format: row.format as DatasetFormat,
    rowCount: row.rowCount,
    processed: row.processed,
    errors: row.errors,
    config: JSON.parse(row.config) as AuditConfig,
    summary: row.summary ? (JSON.parse(row.summary) as AuditSummaryFigures) : null,
    error: row.error,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

const infoColumns = {
  id: audits.id,
  pipelineId: audits.pipelineId,
  pipelineVersion: audits.pipelineVersion,
  status: audits.status,
  cancelRequested: audits.cancelRequested,
  fileName: audits.fileName,
  format: audits.format,
  rowCount: audits.rowCount,
  processed: audits.processed,
  errors: audits.errors,
  config: audits.config,
  summary: audits.summary,
  error: audits.error,
  createdAt: audits.createdAt,
  updatedAt: audits.updatedAt,
  startedAt: audits.startedAt,
  finishedAt: audits.finishedAt,
};

export function getAudit(db: AttuneDb, id: string): AuditInfo {
  // The report can be large; progress polls never need it.
  const row = db.orm.select(infoColumns).from(audits).where(eq(audits.id, id)).get();
  if (!row) throw new AuditNotFoundError(id);
  return toInfo({ ...row, report: null });
}

/** A pipeline's audits, newest first. */
export function listAudits(db: AttuneDb, pipelineId: string): AuditInfo[] {
  return db.orm
    .select(infoColumns)
    .from(audits)
    .where(eq(audits.pipelineId, pipelineId))
    .orderBy(desc(audits.createdAt), desc(audits.id))
    .all()
    .map((row) => toInfo({ ...row, report: null }));
}

export function getAuditReport(db: AttuneDb, id: string): AuditReportDocument | null {
  const row = db.orm.select({ report: audits.report }).from(audits).where(eq(audits.id, id)).get();
  if (!row) throw new AuditNotFoundError(id);
  return row.report ? (JSON.parse(row.report) as AuditReportDocument) : null;
}

/**
 * Most recent completed audit's headline disparity per pipeline (for the pipeline list and model
 * cards). One query over the status index; summaries are small.
 */
export function latestAuditSummaries(db: AttuneDb, pipelineIds?: readonly string[]): Record<string, { auditId: string; pipelineVersion: number; finishedAt: number; summary: AuditSummaryFigures }> {
  const where = pipelineIds ? and(eq(audits.status, "completed"), inArray(audits.pipelineId, [...pipelineIds])) : eq(audits.status, "completed");
  const rows = db.orm
    .select({ id: audits.id, pipelineId: audits.pipelineId, pipelineVersion: audits.pipelineVersion, finishedAt: audits.finishedAt, summary: audits.summary })
    .from(audits)
    .where(where)
    .orderBy(desc(audits.finishedAt))
    .all();
  const out: Record<string, { auditId: string; pipelineVersion: number; finishedAt: number; summary: AuditSummaryFigures }> = {};
  for (const row of rows) {
    if (out[row.pipelineId] || !row.summary) continue;
    out[row.pipelineId] = { auditId: row.id, pipelineVersion: row.pipelineVersion, finishedAt: row.finishedAt ?? 0, summary: JSON.parse(row.summary) as AuditSummaryFigures };
  }
  return out;
}

/**
 * Cancels: a queued or interrupted audit at once; a running one by flagging it, and the runner
 * stops at its next check (within one batch), keeping every result already recorded.
 */
export function cancelAudit(db: AttuneDb, id: string): AuditInfo {
  const now = Date.now();
  db.sqlite.transaction(() => {
    const audit = getAudit(db, id);
    if (audit.status === "queued" || audit.status === "interrupted") {
      db.orm.update(audits).set({ status: "cancelled", cancelRequested: false, updatedAt: now }).where(eq(audits.id, id)).run();
    } else if (audit.status === "running") {
      db.orm.update(audits).set({ cancelRequested: true, updatedAt: now }).where(eq(audits.id, id)).run();
    } else if (audit.status !== "cancelled") {
      throw new AuditStateError(`audit is ${audit.status}; only a queued, running or interrupted audit can be cancelled`);
    }
  }).immediate();
  return getAudit(db, id);
}

/** Queues a cancelled, interrupted or failed audit again; the runner runs only its unprocessed rows. */
export function resumeAudit(db: AttuneDb, id: string): AuditInfo {
  db.sqlite.transaction(() => {
    const audit = getAudit(db, id);
    if (audit.status === "queued" || audit.status === "running") return;
    if (audit.status === "completed") throw new AuditStateError("audit is completed; start a new audit to run it again");
    db.orm.update(audits).set({ status: "queued", cancelRequested: false, error: null, updatedAt: Date.now() }).where(eq(audits.id, id)).run();
  }).immediate();
  return getAudit(db, id);
}

export function deleteAudit(db: AttuneDb, id: string): void {
  const result = db.orm.delete(audits).where(eq(audits.id, id)).run();
  if (result.changes === 0) throw new AuditNotFoundError(id);
}

// ---- The runner's side of the job ----

/** Takes the oldest queued audit and marks it running; undefined when none is queued. */
export function claimNextAudit(db: AttuneDb): AuditInfo | undefined {
  return db.sqlite.transaction(() => {
    const row = db.orm.select({ id: audits.id }).from(audits).where(eq(audits.status, "queued")).orderBy(asc(audits.updatedAt), asc(audits.createdAt)).limit(1).get();
    if (!row) return undefined;
    const now = Date.now();
    db.orm.update(audits).set({ status: "running", cancelRequested: false, startedAt: now, updatedAt: now }).where(eq(audits.id, row.id)).run();
    return getAudit(db, row.id);
  }).immediate();
}

/**
 * On runner start: audits still marked running belong to a runner that is gone (crash, kill -9).
 * They become interrupted (resumable), their recorded results intact. Returns their ids.
 */
export function interruptRunningAudits(db: AttuneDb, ids?: readonly string[], reason = "the runner stopped while the audit was running; resume to continue"): string[] {
  return db.sqlite.transaction(() => {
    const where = ids ? and(eq(audits.status, "running"), inArray(audits.id, [...ids])) : eq(audits.status, "running");
    const rows = db.orm.select({ id: audits.id, cancelRequested: audits.cancelRequested }).from(audits).where(where).all();
    const now = Date.now();
    for (const row of rows) {
      // A cancel that was asked for but not yet carried out still counts as a cancel.
      db.orm
        .update(audits)
        .set(row.cancelRequested ? { status: "cancelled", cancelRequested: false, updatedAt: now } : { status: "interrupted", error: reason, updatedAt: now })
        .where(eq(audits.id, row.id))
        .run();
    }
    return rows.map((r) => r.id);
  }).immediate();
}

export interface PendingAuditItem {
  rowIndex: number;
  line: number;
  inputs: Record<string, unknown>;
}

/** Unprocessed rows in order, from `afterRowIndex` (exclusive) on. */
export function pendingAuditItems(db: AttuneDb, auditId: string, afterRowIndex: number, limit: number): PendingAuditItem[] {
  return db.sqlite
    .prepare("select row_index as rowIndex, line, inputs from audit_items where audit_id = ? and done_at is null and row_index > ? order by row_index limit ?")
    .all(auditId, afterRowIndex, limit)
    .map((r) => {
      const row = r as { rowIndex: number; line: number; inputs: string };
      return { rowIndex: row.rowIndex, line: row.line, inputs: JSON.parse(row.inputs) as Record<string, unknown> };
    });
}

export interface AuditItemResult {
  rowIndex: number;
  predicted: string | null;
  /** The emotion scores as returned ({ calibrated, scores }); null on error. */
  scores: { calibrated: boolean; scores: Record<string, number> } | null;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number;
}

/**
 * Records a batch of results in one transaction. A row that already has a result keeps it (the
 * update only touches rows with done_at null), so a result can never be counted twice. Returns how
 * many rows were newly recorded and whether a cancel was asked for meanwhile.
 */
export function recordAuditResults(db: AttuneDb, auditId: string, results: readonly AuditItemResult[]): { recorded: number; cancelRequested: boolean; status: AuditStatus } {
  const update = db.sqlite.prepare(
    "update audit_items set predicted = ?, scores = ?, error_code = ?, error_message = ?, duration_ms = ?, done_at = ? where audit_id = ? and row_index = ? and done_at is null",
  );
  return db.sqlite.transaction(() => {
    const now = Date.now();
    let recorded = 0;
    let errors = 0;
    for (const r of results) {
      const changes = update.run(r.predicted, r.scores ? JSON.stringify(r.scores) : null, r.errorCode, r.errorMessage, r.durationMs, now, auditId, r.rowIndex).changes;
      recorded += changes;
      if (changes > 0 && r.predicted === null) errors++;
    }
    db.sqlite.prepare("update audits set processed = processed + ?, errors = errors + ?, updated_at = ? where id = ?").run(recorded, errors, now, auditId);
    const row = db.orm.select({ cancelRequested: audits.cancelRequested, status: audits.status }).from(audits).where(eq(audits.id, auditId)).get();
    if (!row) throw new AuditNotFoundError(auditId);
    return { recorded, cancelRequested: row.cancelRequested, status: row.status };
  }).immediate();
}

/** Whether a cancel was asked for (checked between batches even when no result came in). */
export function auditControl(db: AttuneDb, auditId: string): { cancelRequested: boolean; status: AuditStatus } | undefined {
  return db.orm.select({ cancelRequested: audits.cancelRequested, status: audits.status }).from(audits).where(eq(audits.id, auditId)).get();
}

/** Ends a run that stopped early: cancelled, interrupted or failed. */
export function stopAudit(db: AttuneDb, auditId: string, status: "cancelled" | "interrupted" | "failed", error: string | null = null): void {
  db.orm.update(audits).set({ status, cancelRequested: false, error, updatedAt: Date.now() }).where(eq(audits.id, auditId)).run();
}

/** Every row with its result, in row order (unprocessed rows have predicted and scores null). */
export function auditItemsWithResults(db: AttuneDb, auditId: string): { rowIndex: number; line: number; label: string; groups: Record<string, string>; predicted: string | null; scores: AuditItemResult["scores"]; errorCode: string | null; done: boolean }[] {
  return db.orm
    .select()
    .from(auditItems)
    .where(eq(auditItems.auditId, auditId))
    .orderBy(asc(auditItems.rowIndex))
    .all()
    .map((r) => ({
      rowIndex: r.rowIndex,
      line: r.line,
      label: r.label,
      groups: JSON.parse(r.groups) as Record<string, string>,
      predicted: r.predicted,
      scores: r.scores ? (JSON.parse(r.scores) as AuditItemResult["scores"]) : null,
      errorCode: r.errorCode,
      done: r.doneAt !== null,
    }));
}

/** How many rows still wait for a result. */
export function countPendingAuditItems(db: AttuneDb, auditId: string): number {
  const row = db.sqlite.prepare("select count(*) as n from audit_items where audit_id = ? and done_at is null").get(auditId) as { n: number };
  return row.n;
}

/**
 * Computes the report from the recorded results and stores it; the audit becomes completed. Fails
 * with AuditStateError if any row is still unprocessed.
 */
export function completeAudit(db: AttuneDb, auditId: string): AuditReportDocument {
  const audit = getAudit(db, auditId);
  const rows = auditItemsWithResults(db, auditId);
  const pending = rows.filter((r) => !r.done).length;
  if (pending > 0) throw new AuditStateError(`${pending} rows are still unprocessed`);
  const c = audit.config;
  const items: AuditItem[] = rows.map((r) => ({ label: r.label, groups: r.groups, predicted: r.predicted, scores: r.scores?.scores ?? null }));
  const report = buildGroupAudit(items, {
    classes: c.classes,
    groupColumns: c.groupColumns,
    minGroupSize: c.params.minGroupSize,
    bootstrap: { iterations: c.params.bootstrapIterations, confidence: c.params.confidence, seed: c.params.seed },
    eceBins: c.params.eceBins,
  });
  const flags = new Set(rows.filter((r) => r.scores).map((r) => r.scores!.calibrated));
  let pipelineName = audit.pipelineId;
  try {
    pipelineName = getPipeline(db, audit.pipelineId).name;
  } catch {
    // The name is decoration; a report of a pipeline deleted meanwhile is deleted with it anyway.
  }
  const doc: AuditReportDocument = {
    schemaVersion: 1,
    auditId,
    pipeline: { id: audit.pipelineId, name: pipelineName, version: audit.pipelineVersion },
    dataset: { fileName: audit.fileName, format: audit.format, rows: audit.rowCount },
    output: c.output,
    taxonomy: c.taxonomy,
    calibrated: flags.size === 1 ? [...flags][0]! : null,
    labelColumn: c.labelColumn,
    generatedAt: Date.now(),
    report,
  };
  const now = Date.now();
  db.orm
    .update(audits)
    .set({ status: "completed", cancelRequested: false, error: null, report: JSON.stringify(doc), summary: JSON.stringify(summarize(report)), finishedAt: now, updatedAt: now })
    .where(eq(audits.id, auditId))
    .run();
  return doc;
}

const figure = (d: Disparity | null): DisparityFigure | null =>
  d ? { difference: d.difference, low: d.ci?.low ?? null, high: d.ci?.high ?? null, best: d.best.group, worst: d.worst.group } : null;

/** The group column with the widest accuracy gap stands for the audit on cards and lists. */
function summarize(report: GroupAuditReport): AuditSummaryFigures | null {
  const ranked = [...report.groupings].sort((a, b) => (b.disparity.accuracy?.difference ?? -1) - (a.disparity.accuracy?.difference ?? -1));
  const top = ranked[0];
  return top ? { column: top.column, accuracy: figure(top.disparity.accuracy), macroF1: figure(top.disparity.macroF1) } : null;
}

/** The report as a readable, self-contained HTML page. */
export function renderAuditReportPage(doc: AuditReportDocument): string {
  const notes: string[] = [];
  if (doc.calibrated !== true) {
    notes.push("The scores are not (all) calibrated probabilities (e.g. lexicon proportions): read the ECE as how far the normalised scores are from probabilities, not as a defect of a probabilistic model.");
  }
  return renderAuditReportHtml({
    title: `Bias audit: ${doc.pipeline.name} v${doc.pipeline.version}`,
    facts: [
      ["Pipeline", `${doc.pipeline.name} (${doc.pipeline.id}), version ${doc.pipeline.version}`],
      ["Data set", `${doc.dataset.fileName} (${doc.dataset.format.toUpperCase()}, ${doc.dataset.rows} rows)`],
      ["Prediction", `output '${doc.output}', argmax over ${doc.taxonomy} (${doc.report.classes.join(", ")})`],
      ["Label column", doc.labelColumn],
      ["Generated", new Date(doc.generatedAt).toISOString()],
      ["Audit id", doc.auditId],
    ],
    report: doc.report,
    notes,
  });
}

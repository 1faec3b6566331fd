import { createHash, randomUUID } from "node:crypto";
import { bootstrapCi, spearman, stratifiedBootstrapCi, type BootstrapOptions, type ConfidenceInterval } from "@attune/stats";
import type { AttuneDb } from "./open-database";

/**
 * Perceived-empathy feedback on published runs (issue 9, in the spirit of SENSE-7): storage of the
 * run outputs snapshots the runner records, of the ratings, and the statistics the Feedback page
 * shows. The statistics are one pure function (`buildFeedbackReport`) so they can be checked
 * against hand-computed values.
 */

/** The fixed taxonomy of observed behaviours a rater may tick. Stable: stored as is. */
export const FEEDBACK_BEHAVIOURS = [
  "acknowledged_feelings",
  "validated",
  "adapted_to_person",
  "offered_help",
  "felt_generic",
  "felt_intrusive",
] as const;
export type FeedbackBehaviour = (typeof FEEDBACK_BEHAVIOURS)[number];

export const FEEDBACK_COMMENT_MAX_CHARS = 2000;
export const FEEDBACK_TAGS_MAX = 20;
export const FEEDBACK_TAG_MAX_CHARS = 64;

// ---------------------------------------------------------------------------------------------
// Run outputs snapshots

/** What is kept of a run's outputs: numbers by dotted path and top labels by output name. */
export interface OutputsSnapshot {
  numbers: Record<string, number>;
  labels: Record<string, string>;
}

export const SNAPSHOT_MAX_NUMBERS = 48;
export const SNAPSHOT_MAX_LABELS = 16;
/** Per emotion-scores output, the highest-scoring labels kept as numbers. */
export const SNAPSHOT_MAX_SCORE_LABELS = 10;
const LABEL_MAX_CHARS = 64;
const PATH_MAX_CHARS = 96;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * Reduces a run's outputs to a small, JSON-safe snapshot: finite numbers, the top label of each
 * emotion-scores output plus its highest scores, valence/arousal, an action's name, booleans and
 * the start of short texts. Arrays, media and deep structures are left out; the snapshot is capped
 * in size whatever the pipeline returns.
 */
export function compactOutputs(outputs: Readonly<Record<string, unknown>>): OutputsSnapshot {
  const numbers: Record<string, number> = {};
  const labels: Record<string, string> = {};
  let nNumbers = 0;
  let nLabels = 0;
  const addNumber = (path: string, v: unknown) => {
    if (nNumbers >= SNAPSHOT_MAX_NUMBERS || typeof v !== "number" || !Number.isFinite(v) || path.length > PATH_MAX_CHARS) return;
    numbers[path] = Math.round(v * 1e6) / 1e6;
    nNumbers++;
  };
  const addLabel = (name: string, v: string) => {
    if (nLabels >= SNAPSHOT_MAX_LABELS || name.length > PATH_MAX_CHARS) return;
    labels[name] = v.length > LABEL_MAX_CHARS ? `${v.slice(0, LABEL_MAX_CHARS - 1)}…` : v;
    nLabels++;
  };
  for (const [name, value] of Object.entries(outputs)) {
    if (typeof value === "number") addNumber(name, value);
    else if (typeof value === "boolean") addLabel(name, String(value));
    else if (typeof value === "string") addLabel(name, value);
    else if (value === null) addLabel(name, "none");
    else if (isRecord(value)) {
      const scores = value["scores"];
      if (typeof value["taxonomy"] === "string" && isRecord(scores)) {
        const ranked = Object.entries(scores)
          .filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]))
          .sort((a, b) => b[1] - a[1]);
        if (ranked[0]) addLabel(name, ranked[0][0]);
        for (const [label, score] of ranked.slice(0, SNAPSHOT_MAX_SCORE_LABELS)) addNumber(`${name}.${label}`, score);
      } else if (typeof value["name"] === "string" && typeof value["reason"] === "string") {
        // An action: its name is what a rater reacted to.
        addLabel(name, value["name"]);
      } else {
        for (const [field, inner] of Object.entries(value)) {
          if (typeof inner === "number") addNumber(`${name}.${field}`, inner);
        }
      }
    }
  }
  return { numbers, labels };
}

/** Strings longer than this cannot change a snapshot (labels keep LABEL_MAX_CHARS). */
const SOURCE_STRING_MAX_CHARS = LABEL_MAX_CHARS + 1;

/**
 * The part of a run's outputs that `compactOutputs` reads, copied into plain objects: top-level
 * primitives (long strings cut, which leaves the label unchanged) and, of each record, its primitive
 * fields and a `scores` record's numbers. Arrays, typed arrays, media, functions and deeper values
 * are left out. The runner hands this to its writer thread as JSON: it survives JSON.stringify and
 * structured cloning unchanged whatever the pipeline returned, it is small, and
 * `compactOutputs(compactableOutputs(o))` equals `compactOutputs(o)`.
 */
export function compactableOutputs(outputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // for-in rather than Object.entries: this runs on the request thread for every published call,
  // and the entries arrays were most of its cost. Only own properties count, as with entries().
  const out: Record<string, unknown> = {};
  for (const name in outputs) {
    if (!Object.hasOwn(outputs, name)) continue;
    const value = outputs[name];
    const p = compactablePrimitive(value);
    if (p !== undefined) out[name] = p;
    else if (isRecord(value)) {
      const record: Record<string, unknown> = {};
      for (const field in value) {
        if (!Object.hasOwn(value, field)) continue;
        const inner = value[field];
        const q = compactablePrimitive(inner);
        if (q !== undefined) record[field] = q;
        else if (field === "scores" && isRecord(inner)) {
          const scores: Record<string, number> = {};
          for (const label in inner) {
            const score = inner[label];
            if (Object.hasOwn(inner, label) && typeof score === "number" && Number.isFinite(score)) scores[label] = score;
          }
          record[field] = scores;
        }
      }
      out[name] = record;
    }
  }
  return out;
}

/**
 * Strings (cut to what a label can keep), finite numbers, booleans and null; undefined for anything
 * else. Non-finite numbers go too: compaction ignores them anyway, and JSON would turn them into null.
 */
function compactablePrimitive(v: unknown): unknown {
  if (typeof v === "string") return v.length > SOURCE_STRING_MAX_CHARS ? v.slice(0, SOURCE_STRING_MAX_CHARS) : v;
  return (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean" || v === null ? v : undefined;
}

/** One run's snapshot as the runner records it. */
export interface RunOutputsEntry {
  runId: string;
  deploymentId: string;
  slug: string;
  deploymentVersion: number;
  keyId: string;
  at: number;
  snapshot: OutputsSnapshot;
}

export type StoredRunOutputs = RunOutputsEntry;

/** Appends snapshots in one transaction (the runner's batched flush); a repeated run id is ignored. */
export function appendRunOutputs(db: AttuneDb, entries: readonly RunOutputsEntry[]): void {
  if (entries.length === 0) return;
  const insert = db.sqlite.prepare(
    "insert or ignore into run_outputs (run_id, deployment_id, slug, deployment_version, key_id, at, numbers, labels) values (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  db.sqlite.transaction(() => {
    for (const e of entries) {
      insert.run(e.runId, e.deploymentId, e.slug, e.deploymentVersion, e.keyId, e.at, JSON.stringify(e.snapshot.numbers), JSON.stringify(e.snapshot.labels));
    }
  })();
}

interface RunOutputsRow {
  runId: string;
  deploymentId: string;
  slug: string;
  deploymentVersion: number;
  keyId: string;
  at: number;
  numbers: string;
  labels: string;
}

export function getRunOutputs(db: AttuneDb, runId: string): StoredRunOutputs | undefined {
  const row = db.sqlite
    .prepare<[string], RunOutputsRow>(
      "select run_id as runId, deployment_id as deploymentId, slug, deployment_version as deploymentVersion, key_id as keyId, at, numbers, labels from run_outputs where run_id = ?",
    )
    .get(runId);
  if (!row) return undefined;
  const { numbers, labels, ...rest } = row;
  return { ...rest, snapshot: { numbers: JSON.parse(numbers) as Record<string, number>, labels: JSON.parse(labels) as Record<string, string> } };
}

/**
 * Deletes snapshots older than `before` (epoch ms) that nobody rated; rated ones stay with their
 * feedback. Returns how many went.
 */
export function pruneRunOutputs(db: AttuneDb, before: number): number {
  return db.sqlite
    .prepare("delete from run_outputs where at < ? and not exists (select 1 from run_feedback f where f.run_id = run_outputs.run_id)")
    .run(before).changes;
}

// ---------------------------------------------------------------------------------------------
// Feedback

export interface FeedbackSubmission {
  rating: number;
  behaviours: FeedbackBehaviour[];
  comment: string | null;
  context: { tags: string[] } | null;
}

export interface StoredFeedback extends FeedbackSubmission {
  id: string;
  runId: string;
  deploymentVersion: number;
  createdAt: number;
}

export type RecordFeedbackResult =
  | { outcome: "created"; feedback: StoredFeedback }
  /** The same submission again (a retry): the stored feedback, nothing written. */
  | { outcome: "replayed"; feedback: StoredFeedback }
  /** A different submission for a run already rated: the stored one stands. */
  | { outcome: "conflict"; feedback: StoredFeedback };

/** Canonical form of a submission, so a retry hashes the same whatever the key order or behaviour order. */
function submissionHash(s: FeedbackSubmission): string {
  const canonical = JSON.stringify([s.rating, [...new Set(s.behaviours)].sort(), s.comment, s.context ? [...s.context.tags] : null]);
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

interface FeedbackRow {
  id: string;
  runId: string;
  deploymentVersion: number;
  rating: number;
  behaviours: string;
  comment: string | null;
  context: string | null;
  bodyHash: string;
  createdAt: number;
}

const FEEDBACK_COLUMNS =
  "id, run_id as runId, deployment_version as deploymentVersion, rating, behaviours, comment, context, body_hash as bodyHash, created_at as createdAt";

function toStored(row: FeedbackRow): StoredFeedback {
  return {
    id: row.id,
    runId: row.runId,
    deploymentVersion: row.deploymentVersion,
    rating: row.rating,
    behaviours: JSON.parse(row.behaviours) as FeedbackBehaviour[],
    comment: row.comment,
    context: row.context === null ? null : (JSON.parse(row.context) as { tags: string[] }),
    createdAt: row.createdAt,
  };
}

/**
 * Stores a rating for a run whose snapshot exists. One rating per run: the run id is the
 * idempotency key, so a retried submission returns the stored feedback instead of a duplicate,
 * and a different submission for the same run is reported as a conflict.
 */
export function recordFeedback(db: AttuneDb, run: Pick<RunOutputsEntry, "runId" | "deploymentId" | "deploymentVersion" | "keyId">, submission: FeedbackSubmission, now = Date.now()): RecordFeedbackResult {
  const behaviours = [...new Set(submission.behaviours)].sort();
  const clean: FeedbackSubmission = { ...submission, behaviours };
  const hash = submissionHash(clean);
  const select = db.sqlite.prepare<[string], FeedbackRow>(`select ${FEEDBACK_COLUMNS} from run_feedback where run_id = ?`);
  return db.sqlite.transaction((): RecordFeedbackResult => {
    const existing = select.get(run.runId);
    if (existing) return { outcome: existing.bodyHash === hash ? "replayed" : "conflict", feedback: toStored(existing) };
    const id = randomUUID();
    db.sqlite
      .prepare(
        "insert into run_feedback (id, run_id, deployment_id, deployment_version, key_id, rating, behaviours, comment, context, body_hash, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(id, run.runId, run.deploymentId, run.deploymentVersion, run.keyId, clean.rating, JSON.stringify(behaviours), clean.comment, clean.context ? JSON.stringify(clean.context) : null, hash, now);
    return { outcome: "created", feedback: toStored(select.get(run.runId)!) };
  }).immediate();
}

/** A rating joined to the snapshot of the run it rates (what the report needs). */
export interface FeedbackPoint {
  runId: string;
  version: number;
  rating: number;
  behaviours: FeedbackBehaviour[];
  comment: string | null;
  tags: string[];
  /** When the rating arrived (epoch ms). */
  at: number;
  numbers: Record<string, number>;
  labels: Record<string, string>;
}

/** Every rating of a deployment with its run's snapshot, oldest first. */
export function listFeedbackPoints(db: AttuneDb, deploymentId: string): FeedbackPoint[] {
  const rows = db.sqlite
    .prepare<[string], FeedbackRow & { numbers: string | null; labels: string | null }>(
      `select f.id, f.run_id as runId, f.deployment_version as deploymentVersion, f.rating, f.behaviours, f.comment, f.context, f.body_hash as bodyHash, f.created_at as createdAt, o.numbers, o.labels
       from run_feedback f left join run_outputs o on o.run_id = f.run_id
       where f.deployment_id = ? order by f.created_at, f.id`,
    )
    .all(deploymentId);
  return rows.map((row) => {
    const stored = toStored(row);
    return {
      runId: stored.runId,
      version: stored.deploymentVersion,
      rating: stored.rating,
      behaviours: stored.behaviours,
      comment: stored.comment,
      tags: stored.context?.tags ?? [],
      at: stored.createdAt,
      numbers: row.numbers ? (JSON.parse(row.numbers) as Record<string, number>) : {},
      labels: row.labels ? (JSON.parse(row.labels) as Record<string, string>) : {},
    };
  });
}

/** The deployment of a pipeline, if it was ever published. */
export function deploymentOfPipeline(db: AttuneDb, pipelineId: string): { id: string; slug: string; liveVersion: number | null } | undefined {
  return db.sqlite
    .prepare<[string], { id: string; slug: string; liveVersion: number | null }>("select id, slug, live_version as liveVersion from deployments where pipeline_id = ?")
    .get(pipelineId);
}

// ---------------------------------------------------------------------------------------------
// Statistics of the Feedback page

export interface MeanWithCi {
  n: number;
  mean: number | null;
  ci: ConfidenceInterval | null;
}

export interface VersionFeedback extends MeanWithCi {
  version: number;
  /** Ratings 1..5: counts[0] is the number of 1s. */
  counts: [number, number, number, number, number];
  /** Mean rating per UTC day, oldest first. */
  trend: { day: string; n: number; mean: number }[];
  behaviours: Record<FeedbackBehaviour, number>;
}

export interface OutputCorrelation {
  /** Dotted path of a numeric output field, e.g. `valence` or `scores.negative`. */
  field: string;
  rho: number | null;
  /** Pairs used: ratings whose run snapshot has this field. */
  n: number;
}

export interface VersionComparison {
  a: MeanWithCi & { version: number };
  b: MeanWithCi & { version: number };
  /** mean(b) - mean(a). */
  difference: number | null;
  /** Percentile bootstrap CI of the difference, each version resampled within itself. */
  differenceCi: ConfidenceInterval | null;
}

export interface FeedbackReport {
  n: number;
  mean: number | null;
  versions: VersionFeedback[];
  /** Over all versions. */
  behaviours: Record<FeedbackBehaviour, number>;
  /** Spearman's rho between each numeric output field and the rating, strongest first. */
  correlations: OutputCorrelation[];
  comparison: VersionComparison | null;
  bootstrap: Required<BootstrapOptions>;
}

export interface FeedbackReportOptions {
  /** Versions to compare (a = baseline, b = candidate); by default the two newest versions with ratings. */
  compare?: { a: number; b: number };
  bootstrap?: BootstrapOptions;
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

function emptyBehaviours(): Record<FeedbackBehaviour, number> {
  return Object.fromEntries(FEEDBACK_BEHAVIOURS.map((b) => [b, 0])) as Record<FeedbackBehaviour, number>;
}

function meanWithCi(ratings: readonly number[], bootstrap: BootstrapOptions): MeanWithCi {
  return { n: ratings.length, mean: mean(ratings), ci: ratings.length === 0 ? null : bootstrapCi(ratings, mean, bootstrap) };
}

/** Everything the Feedback page shows, from the ratings and their run snapshots. */
export function buildFeedbackReport(points: readonly FeedbackPoint[], options: FeedbackReportOptions = {}): FeedbackReport {
  const bootstrap = { iterations: 2000, confidence: 0.95, seed: 1, ...options.bootstrap };
  const byVersion = new Map<number, FeedbackPoint[]>();
  const behaviours = emptyBehaviours();
  for (const p of points) {
    const list = byVersion.get(p.version);
    if (list) list.push(p);
    else byVersion.set(p.version, [p]);
    for (const b of new Set(p.behaviours)) if (b in behaviours) behaviours[b]++;
  }

  const versions: VersionFeedback[] = [...byVersion.keys()]
    .sort((a, b) => a - b)
    .map((version) => {
      const list = byVersion.get(version)!;
      const ratings = list.map((p) => p.rating);
      const counts: VersionFeedback["counts"] = [0, 0, 0, 0, 0];
      const own = emptyBehaviours();
      const days = new Map<string, number[]>();
      for (const p of list) {
        if (p.rating >= 1 && p.rating <= 5) counts[p.rating - 1]!++;
        for (const b of new Set(p.behaviours)) if (b in own) own[b]++;
        const day = new Date(p.at).toISOString().slice(0, 10);
        const d = days.get(day);
        if (d) d.push(p.rating);
        else days.set(day, [p.rating]);
      }
      const trend = [...days.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([day, rs]) => ({ day, n: rs.length, mean: mean(rs)! }));
      return { version, ...meanWithCi(ratings, bootstrap), counts, trend, behaviours: own };
    });

  // Every numeric field seen in any rated run's snapshot; a rating counts for a field only when its
  // run has that field (so n differs per field and is reported).
  const fields = new Set<string>();
  for (const p of points) for (const f of Object.keys(p.numbers)) fields.add(f);
  const correlations: OutputCorrelation[] = [...fields]
    .map((field) => {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const p of points) {
        const x = p.numbers[field];
        if (typeof x === "number" && Number.isFinite(x)) {
          xs.push(x);
          ys.push(p.rating);
        }
      }
      const { rho, n } = spearman(xs, ys);
      return { field, rho, n };
    })
    .sort((x, y) => Math.abs(y.rho ?? 0) - Math.abs(x.rho ?? 0) || y.n - x.n || (x.field < y.field ? -1 : 1));

  let comparison: VersionComparison | null = null;
  const rated = versions.map((v) => v.version);
  const pick = options.compare ?? (rated.length >= 2 ? { a: rated[rated.length - 2]!, b: rated[rated.length - 1]! } : undefined);
  if (pick) {
    const ra = (byVersion.get(pick.a) ?? []).map((p) => p.rating);
    const rb = (byVersion.get(pick.b) ?? []).map((p) => p.rating);
    const ma = mean(ra);
    const mb = mean(rb);
    comparison = {
      a: { version: pick.a, ...meanWithCi(ra, bootstrap) },
      b: { version: pick.b, ...meanWithCi(rb, bootstrap) },
      difference: ma === null || mb === null ? null : mb - ma,
      differenceCi:
        ra.length === 0 || rb.length === 0
          ? null
          : stratifiedBootstrapCi<number>([ra, rb], ([sa, sb]) => {
              const x = mean(sa!);
              const y = mean(sb!);
              return x === null || y === null ? null : y - x;
            }, bootstrap),
    };
  }

  const all = points.map((p) => p.rating);
  return { n: points.length, mean: mean(all), versions, behaviours, correlations, comparison, bootstrap };
}

import { randomUUID } from "node:crypto";
import { emptyDocument, parseDocument, type PipelineDocument } from "@attune/graph";
import { and, desc, eq } from "drizzle-orm";
import { ConflictError, CorruptDocumentError, InvalidDocumentError, NotFoundError } from "./errors";
import type { AttuneDb, AttuneOrm } from "./open-database";
import { pipelines, pipelineVersions } from "./schema";

/** A pipeline as listed: metadata plus the size of its head document. Times are epoch ms. */
export interface PipelineSummary {
  id: string;
  name: string;
  description: string;
  headVersion: number;
  nodeCount: number;
  createdAt: number;
  updatedAt: number;
}

/** A pipeline with its current (head) document. */
export interface Pipeline extends PipelineSummary {
  document: PipelineDocument;
}

/** One entry of a pipeline's history. */
export interface VersionSummary {
  pipelineId: string;
  version: number;
  message: string | null;
  nodeCount: number;
  createdAt: number;
}

export interface PipelineVersion extends VersionSummary {
  document: PipelineDocument;
}

export interface CreatePipelineInput {
  name: string;
  description?: string;
  /** Defaults to an empty document. Validated; an invalid one throws InvalidDocumentError. */
  document?: unknown;
  message?: string;
}

export interface SavePipelineInput {
  id: string;
  /** The head version the edit started from; a different current head means a conflict. */
  baseVersion: number;
  document: unknown;
  message?: string;
}

export interface RestoreVersionInput {
  id: string;
  /** The old version whose document becomes the new head. */
  version: number;
  baseVersion: number;
  message?: string;
}

type Tx = Parameters<Parameters<AttuneOrm["transaction"]>[0]>[0];
type Reader = AttuneOrm | Tx;

// Immediate transactions take the write lock up front, so the head check and the insert cannot
// interleave with another process's save between them.
const WRITE = { behavior: "immediate" } as const;

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new TypeError("a pipeline name must not be empty");
  return trimmed;
}

function validateForWrite(input: unknown): PipelineDocument {
  const parsed = parseDocument(input);
  if (!parsed.ok) throw new InvalidDocumentError(parsed.problems);
  return parsed.document;
}

/** Parses a stored row; anything wrong is a CorruptDocumentError naming the row. */
function readDocument(pipelineId: string, version: number, text: string): PipelineDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CorruptDocumentError(pipelineId, version, [{ path: "(root)", message: `not valid JSON: ${message}` }]);
  }
  const parsed = parseDocument(json);
  if (!parsed.ok) throw new CorruptDocumentError(pipelineId, version, parsed.problems);
  return parsed.document;
}

const summaryColumns = {
  id: pipelines.id,
  name: pipelines.name,
  description: pipelines.description,
  headVersion: pipelines.headVersion,
  nodeCount: pipelineVersions.nodeCount,
  createdAt: pipelines.createdAt,
  updatedAt: pipelines.updatedAt,
};

const headJoin = and(eq(pipelineVersions.pipelineId, pipelines.id), eq(pipelineVersions.version, pipelines.headVersion));

function loadPipeline(reader: Reader, id: string): Pipeline {
  const row = reader
    .select({ ...summaryColumns, document: pipelineVersions.document })
    .from(pipelines)
    .innerJoin(pipelineVersions, headJoin)
    .where(eq(pipelines.id, id))
    .get();
  if (!row) throw new NotFoundError("pipeline", id);
  const { document, ...summary } = row;
  return { ...summary, document: readDocument(id, row.headVersion, document) };
}

function loadSummary(reader: Reader, id: string): PipelineSummary {
  const row = reader.select(summaryColumns).from(pipelines).innerJoin(pipelineVersions, headJoin).where(eq(pipelines.id, id)).get();
  if (!row) throw new NotFoundError("pipeline", id);
  return row;
}

function headOf(tx: Tx, id: string): number {
  const row = tx.select({ headVersion: pipelines.headVersion }).from(pipelines).where(eq(pipelines.id, id)).get();
  if (!row) throw new NotFoundError("pipeline", id);
  return row.headVersion;
}

function appendVersion(
  tx: Tx,
  pipelineId: string,
  version: number,
  document: PipelineDocument,
  message: string | null,
  now: number,
): VersionSummary {
  const row = { pipelineId, version, document: JSON.stringify(document), message, nodeCount: document.nodes.length, createdAt: now };
  tx.insert(pipelineVersions).values(row).run();
  return { pipelineId, version, message, nodeCount: row.nodeCount, createdAt: now };
}

/**
 * Moves the head from `baseVersion` to `baseVersion + 1` after checking nobody else moved it.
 * The conditional update is belt and braces on top of the immediate transaction.
 */
function advanceHead(tx: Tx, id: string, baseVersion: number, document: PipelineDocument, message: string | null): VersionSummary {
  const current = headOf(tx, id);
  if (current !== baseVersion) throw new ConflictError(id, baseVersion, current);
  const now = Date.now();
  const version = current + 1;
  const saved = appendVersion(tx, id, version, document, message, now);
  const updated = tx
    .update(pipelines)
    .set({ headVersion: version, updatedAt: now })
    .where(and(eq(pipelines.id, id), eq(pipelines.headVersion, baseVersion)))
    .run();
  if (updated.changes !== 1) throw new ConflictError(id, baseVersion, headOf(tx, id));
  return saved;
}

/** Every pipeline, most recently changed first. */
export function listPipelines(db: AttuneDb): PipelineSummary[] {
  return db.orm
    .select(summaryColumns)
    .from(pipelines)
    .innerJoin(pipelineVersions, headJoin)
    .orderBy(desc(pipelines.updatedAt), pipelines.name)
    .all();
}

/** The pipeline with its head document. Throws NotFoundError or CorruptDocumentError. */
export function getPipeline(db: AttuneDb, id: string): Pipeline {
  return loadPipeline(db.orm, id);
}

/** One version from history, document included. */
export function getVersion(db: AttuneDb, id: string, version: number): PipelineVersion {
  const row = db.orm
    .select()
    .from(pipelineVersions)
    .where(and(eq(pipelineVersions.pipelineId, id), eq(pipelineVersions.version, version)))
    .get();
  if (!row) {
    const exists = db.orm.select({ id: pipelines.id }).from(pipelines).where(eq(pipelines.id, id)).get();
    throw exists ? new NotFoundError("version", id, version) : new NotFoundError("pipeline", id);
  }
  const { document, ...summary } = row;
  return { ...summary, document: readDocument(id, version, document) };
}

/** Creates a pipeline whose version 1 is the given (or an empty) document. */
export function createPipeline(db: AttuneDb, input: CreatePipelineInput): Pipeline {
  const name = cleanName(input.name);
  const document = validateForWrite(input.document ?? emptyDocument());
  const id = randomUUID();
  return db.orm.transaction((tx) => {
    const now = Date.now();
    tx.insert(pipelines).values({ id, name, description: input.description ?? "", headVersion: 1, createdAt: now, updatedAt: now }).run();
    appendVersion(tx, id, 1, document, input.message ?? null, now);
    return loadPipeline(tx, id);
  }, WRITE);
}

/**
 * Appends a new immutable version. Throws ConflictError (writing nothing) when `baseVersion` is
 * not the current head, InvalidDocumentError when the document fails the schema.
 */
export function savePipeline(db: AttuneDb, input: SavePipelineInput): VersionSummary {
  const document = validateForWrite(input.document);
  return db.orm.transaction((tx) => advanceHead(tx, input.id, input.baseVersion, document, input.message ?? null), WRITE);
}

/** Changes name (and optionally description). Metadata only: no new version is written. */
export function renamePipeline(db: AttuneDb, input: { id: string; name: string; description?: string }): PipelineSummary {
  const name = cleanName(input.name);
  return db.orm.transaction((tx) => {
    const changes = tx
      .update(pipelines)
      .set({ name, ...(input.description === undefined ? {} : { description: input.description }), updatedAt: Date.now() })
      .where(eq(pipelines.id, input.id))
      .run().changes;
    if (changes === 0) throw new NotFoundError("pipeline", input.id);
    return loadSummary(tx, input.id);
  }, WRITE);
}

/** A new pipeline whose version 1 is the source's head document; history is not copied. */
export function duplicatePipeline(db: AttuneDb, input: { id: string; name?: string }): Pipeline {
  return db.orm.transaction((tx) => {
    const source = loadPipeline(tx, input.id);
    const id = randomUUID();
    const now = Date.now();
    const name = input.name === undefined ? `${source.name} (copy)` : cleanName(input.name);
    tx.insert(pipelines).values({ id, name, description: source.description, headVersion: 1, createdAt: now, updatedAt: now }).run();
    appendVersion(tx, id, 1, source.document, `Duplicated from "${source.name}" version ${source.headVersion}`, now);
    return loadPipeline(tx, id);
  }, WRITE);
}

/** Deletes the pipeline and (by cascade) its whole history. */
export function deletePipeline(db: AttuneDb, id: string): void {
  const changes = db.orm.delete(pipelines).where(eq(pipelines.id, id)).run().changes;
  if (changes === 0) throw new NotFoundError("pipeline", id);
}

/** The history, newest first. Documents are not loaded. */
export function listVersions(db: AttuneDb, id: string): VersionSummary[] {
  return db.orm.transaction((tx) => {
    headOf(tx, id);
    return tx
      .select({
        pipelineId: pipelineVersions.pipelineId,
        version: pipelineVersions.version,
        message: pipelineVersions.message,
        nodeCount: pipelineVersions.nodeCount,
        createdAt: pipelineVersions.createdAt,
      })
      .from(pipelineVersions)
      .where(eq(pipelineVersions.pipelineId, id))
      .orderBy(desc(pipelineVersions.version))
      .all();
  });
}

/**
 * Makes an old version current again by appending a NEW version with its document, so history
 * stays append-only and the restore itself can be undone. Same conflict rule as a save.
 */
export function restoreVersion(db: AttuneDb, input: RestoreVersionInput): VersionSummary {
  return db.orm.transaction((tx) => {
    const row = tx
      .select({ document: pipelineVersions.document })
      .from(pipelineVersions)
      .where(and(eq(pipelineVersions.pipelineId, input.id), eq(pipelineVersions.version, input.version)))
      .get();
    if (!row) {
      headOf(tx, input.id);
      throw new NotFoundError("version", input.id, input.version);
    }
    const document = readDocument(input.id, input.version, row.document);
    return advanceHead(tx, input.id, input.baseVersion, document, input.message ?? `Restored version ${input.version}`);
  }, WRITE);
}

import type { SchemaProblem } from "@attune/graph";

/** An id (or id + version) that does not exist. The API maps this to NOT_FOUND. */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    readonly entity: "pipeline" | "version",
    readonly pipelineId: string,
    readonly version?: number,
  ) {
    super(
      entity === "pipeline"
        ? `pipeline '${pipelineId}' does not exist`
        : `pipeline '${pipelineId}' has no version ${String(version)}`,
    );
  }
}

/**
 * A write based on a version that is no longer the head: someone else saved in between. Nothing
 * was written; the caller should reload (or merge) from `currentHead` and try again.
 */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(
    readonly pipelineId: string,
    readonly baseVersion: number,
    readonly currentHead: number,
  ) {
    super(
      `pipeline '${pipelineId}' was saved elsewhere: you edited version ${baseVersion}, the current version is ${currentHead}`,
    );
  }
}

/**
 * A stored document that no longer parses (hand-edited file, a bug in an old build). Raised on read
 * so one bad row is a clear, located error instead of a crash somewhere downstream.
 */
export class CorruptDocumentError extends Error {
  override readonly name = "CorruptDocumentError";
  constructor(
    readonly pipelineId: string,
    readonly version: number,
    readonly problems: SchemaProblem[],
  ) {
    super(
      `pipeline '${pipelineId}' version ${version} holds an invalid document: ` +
        problems.map((p) => `${p.path}: ${p.message}`).join("; "),
    );
  }
}

/** A document rejected on write; nothing was stored. */
export class InvalidDocumentError extends Error {
  override readonly name = "InvalidDocumentError";
  constructor(readonly problems: SchemaProblem[]) {
    super(`invalid pipeline document: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  }
}

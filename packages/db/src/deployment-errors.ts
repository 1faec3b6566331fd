import type { ValidationIssue } from "@attune/graph";

/** No endpoint with this slug (or, with `version`, no such version of it). The API maps it to NOT_FOUND. */
export class DeploymentNotFoundError extends Error {
  override readonly name = "DeploymentNotFoundError";
  constructor(
    readonly slug: string,
    readonly version?: number,
  ) {
    super(version === undefined ? `no published endpoint '${slug}'` : `endpoint '${slug}' has no version ${version}`);
  }
}

/** The requested slug belongs to another pipeline's endpoint, or differs from this pipeline's stable slug. */
export class SlugConflictError extends Error {
  override readonly name = "SlugConflictError";
  constructor(
    readonly slug: string,
    message: string,
  ) {
    super(message);
  }
}

/** The head version does not compile; nothing was published. `issues` say where, as validate() does. */
export class PublishValidationError extends Error {
  override readonly name = "PublishValidationError";
  constructor(readonly issues: ValidationIssue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    const shown = (errors.length > 0 ? errors : issues)
      .slice(0, 3)
      .map((i) => `${i.code}${i.nodeId ? ` at node '${i.nodeId}'` : ""}: ${i.message}`);
    super(`the pipeline cannot be published: ${shown.join("; ")}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ""}`);
  }
}

/** An API key id that does not exist. */
export class ApiKeyNotFoundError extends Error {
  override readonly name = "ApiKeyNotFoundError";
  constructor(readonly id: string) {
    super(`no API key '${id}'`);
  }
}

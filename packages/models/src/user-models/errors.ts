/**
 * A refusal with the HTTP status it maps to and a stable code, so the runner's routes and the
 * studio can pass the message on unchanged. Framework-free: nothing here imports an HTTP library.
 */
export class UserModelError extends Error {
  constructor(
    readonly status: 404 | 409 | 413 | 415 | 422,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "UserModelError";
  }
}

/**
 * Errors a client caused by what it uploaded. `code` survives into the run's node error, so the
 * runner can answer 422 (INVALID_MEDIA) or 413 (MEDIA_TOO_LARGE) instead of a generic 500.
 */
export type MediaErrorCode = "INVALID_MEDIA" | "MEDIA_TOO_LARGE";

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  constructor(code: MediaErrorCode, message: string) {
    super(message);
    this.name = "MediaError";
    this.code = code;
  }
}

export const invalidMedia = (message: string): MediaError => new MediaError("INVALID_MEDIA", message);

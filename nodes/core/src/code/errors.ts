export type CodeErrorCode =
  | "CODE_SYNTAX"
  | "CODE_ERROR"
  | "CODE_TIMEOUT"
  | "CODE_MEMORY_LIMIT"
  | "CODE_STACK_OVERFLOW"
  | "CODE_OUTPUT_TOO_LARGE"
  | "CODE_INPUT";

export const CODE_ERROR_CODES: readonly CodeErrorCode[] = [
  "CODE_SYNTAX",
  "CODE_ERROR",
  "CODE_TIMEOUT",
  "CODE_MEMORY_LIMIT",
  "CODE_STACK_OVERFLOW",
  "CODE_OUTPUT_TOO_LARGE",
  "CODE_INPUT",
];

/**
 * A failure of the user's code, with a stable code the UI can key on, and the console.log lines
 * it wrote before failing (they help most exactly when it fails).
 */
export class CodeError extends Error {
  constructor(
    message: string,
    readonly code: CodeErrorCode,
    readonly logs: readonly string[] = [],
  ) {
    super(message);
    this.name = "CodeError";
  }
}

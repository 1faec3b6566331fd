import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Defaults shared by env parsing and buildServer(), so tests and production agree. */
export const DEFAULTS = {
  host: "127.0.0.1",
  port: 4100,
  maxInputChars: 10_000,
  bodyLimitBytes: 2 * 1024 * 1024,
  /**
   * POST /v1/preview carries images and audio (base64 in JSON or multipart files), so it gets its
   * own, larger limit; the media input nodes then enforce their own byte, pixel and duration limits.
   */
  previewBodyLimitBytes: 32 * 1024 * 1024,
  /** Largest .onnx file POST /v1/models accepts (413 above it). */
  modelUploadLimitBytes: 100 * 1024 * 1024,
  nodeTimeoutMs: 30_000,
  logLevel: "info",
  previewSessionsMax: 200,
  previewSessionTtlMs: 30 * 60 * 1000,
  /** Published endpoints (/v1/pipelines/...): body limit of a call, JSON with base64 media or multipart. */
  apiBodyLimitBytes: 16 * 1024 * 1024,
  /** Whole-run time limit of a published call (504 past it). */
  apiRunTimeoutMs: 30_000,
  /** Per API key token bucket: sustained calls per second (0 = no limit) and burst size. */
  apiRatePerSecond: 20,
  apiRateBurst: 40,
  /** Sessions (for stateful nodes) kept per endpoint; least recently used go first. */
  apiSessionsMax: 1000,
} as const;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// Empty strings count as unset: `RUNNER_PORT= node ...` should mean "default", not "port 0".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema);

export const envSchema = z.object({
  RUNNER_HOST: optional(z.string().min(1).default(DEFAULTS.host)),
  RUNNER_PORT: optional(int(0, 65_535).default(DEFAULTS.port)),
  RUNNER_TOKEN: z
    .string({ error: "RUNNER_TOKEN is required: the shared secret the studio sends as 'Authorization: Bearer <token>'" })
    .min(16, "RUNNER_TOKEN must be at least 16 characters"),
  RUNNER_MAX_INPUT_CHARS: optional(int(1, 100_000_000).default(DEFAULTS.maxInputChars)),
  RUNNER_BODY_LIMIT_BYTES: optional(int(1024, 1024 * 1024 * 1024).default(DEFAULTS.bodyLimitBytes)),
  /** Body limit of POST /v1/preview (JSON with base64 media, or multipart uploads). */
  RUNNER_PREVIEW_BODY_LIMIT_BYTES: optional(int(1024, 1024 * 1024 * 1024).default(DEFAULTS.previewBodyLimitBytes)),
  RUNNER_MODEL_UPLOAD_LIMIT_BYTES: optional(int(1024, 4 * 1024 * 1024 * 1024).default(DEFAULTS.modelUploadLimitBytes)),
  RUNNER_NODE_TIMEOUT_MS: optional(int(1, 24 * 60 * 60 * 1000).default(DEFAULTS.nodeTimeoutMs)),
  RUNNER_PREVIEW_SESSIONS_MAX: optional(int(1, 100_000).default(DEFAULTS.previewSessionsMax)),
  RUNNER_PREVIEW_SESSION_TTL_MS: optional(int(1000, 7 * 24 * 60 * 60 * 1000).default(DEFAULTS.previewSessionTtlMs)),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS).default(DEFAULTS.logLevel)),
  /** The studio's SQLite file; the runner reads endpoints and keys from it and appends the run log. */
  ATTUNE_DB_PATH: optional(z.string().min(1).optional()),
  RUNNER_API_BODY_LIMIT_BYTES: optional(int(1024, 1024 * 1024 * 1024).default(DEFAULTS.apiBodyLimitBytes)),
  RUNNER_API_RUN_TIMEOUT_MS: optional(int(1, 24 * 60 * 60 * 1000).default(DEFAULTS.apiRunTimeoutMs)),
  RUNNER_API_RATE_PER_SEC: optional(z.coerce.number().min(0).max(1_000_000).default(DEFAULTS.apiRatePerSecond)),
  RUNNER_API_RATE_BURST: optional(int(1, 1_000_000).default(DEFAULTS.apiRateBurst)),
  RUNNER_API_SESSIONS_MAX: optional(int(1, 1_000_000).default(DEFAULTS.apiSessionsMax)),
  /** Origin written into the endpoints' OpenAPI documents (default: the origin of each request). */
  RUNNER_PUBLIC_URL: optional(z.url().optional()),
  /** Where prepared ONNX models and their manifests live (default: <repo>/data/models). */
  ATTUNE_MODELS_DIR: optional(z.string().min(1).optional()),
});

export interface RunnerConfig {
  host: string;
  port: number;
  token: string;
  maxInputChars: number;
  bodyLimitBytes: number;
  previewBodyLimitBytes: number;
  modelUploadLimitBytes: number;
  nodeTimeoutMs: number;
  previewSessionsMax: number;
  previewSessionTtlMs: number;
  logLevel: LogLevel;
  modelsDir: string | undefined;
  /** Absolute path of the SQLite file shared with the studio. */
  dbPath: string;
  api: {
    bodyLimitBytes: number;
    runTimeoutMs: number;
    ratePerSecond: number;
    rateBurst: number;
    sessionsMax: number;
    publicUrl: string | undefined;
  };
}

/** Same default as the studio and `npm start`: <repo>/data/attune.db. */
export const DEFAULT_DB_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../data/attune.db");

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid runner environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Reads and validates the runner's environment. Throws EnvError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((i) => {
        const name = i.path.map(String).join(".");
        // Never echo a value back: RUNNER_TOKEN is a secret.
        return i.message.startsWith(name) ? i.message : `${name}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    host: e.RUNNER_HOST,
    port: e.RUNNER_PORT,
    token: e.RUNNER_TOKEN,
    maxInputChars: e.RUNNER_MAX_INPUT_CHARS,
    bodyLimitBytes: e.RUNNER_BODY_LIMIT_BYTES,
    previewBodyLimitBytes: e.RUNNER_PREVIEW_BODY_LIMIT_BYTES,
    modelUploadLimitBytes: e.RUNNER_MODEL_UPLOAD_LIMIT_BYTES,
    nodeTimeoutMs: e.RUNNER_NODE_TIMEOUT_MS,
    previewSessionsMax: e.RUNNER_PREVIEW_SESSIONS_MAX,
    previewSessionTtlMs: e.RUNNER_PREVIEW_SESSION_TTL_MS,
    logLevel: e.LOG_LEVEL,
    modelsDir: e.ATTUNE_MODELS_DIR,
    dbPath: path.resolve(e.ATTUNE_DB_PATH ?? DEFAULT_DB_PATH),
    api: {
      bodyLimitBytes: e.RUNNER_API_BODY_LIMIT_BYTES,
      runTimeoutMs: e.RUNNER_API_RUN_TIMEOUT_MS,
      ratePerSecond: e.RUNNER_API_RATE_PER_SEC,
      rateBurst: e.RUNNER_API_RATE_BURST,
      sessionsMax: e.RUNNER_API_SESSIONS_MAX,
      publicUrl: e.RUNNER_PUBLIC_URL,
    },
  };
}

import { z } from "zod";

/**
 * Every variable the studio reads, with its rules. Kept apart from env.ts (which validates
 * process.env on import) so tests and tooling can list the names without side effects.
 */
export const envSchema = z.object({
  ATTUNE_DB_PATH: z.string().min(1).optional(),
  RUNNER_URL: z.url().default("http://127.0.0.1:4100"),
  // Optional so that `next build` works without secrets; the preview proxy reports its absence.
  RUNNER_TOKEN: z.string().min(1).optional(),
  // Matches the runner's default limit, so the studio refuses what the runner would refuse anyway.
  MAX_INPUT_CHARS: z.coerce.number().int().positive().default(10_000),
  // Matches the runner's RUNNER_MODEL_UPLOAD_LIMIT_BYTES; /api/models refuses bigger uploads before forwarding.
  MODEL_UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  // The address the studio listens on (scripts/start.mjs and the Docker image set ATTUNE_HOST;
  // Next's standalone server reads HOSTNAME). Anything but loopback needs ATTUNE_ADMIN_SECRET.
  ATTUNE_HOST: z.string().trim().min(1).optional(),
  HOSTNAME: z.string().trim().min(1).optional(),
  // When set, every studio page and internal API route requires a login with this secret.
  ATTUNE_ADMIN_SECRET: z.string().min(16, "ATTUNE_ADMIN_SECRET must be at least 16 characters").optional(),
});

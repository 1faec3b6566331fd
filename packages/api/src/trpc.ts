import { ConflictError, CorruptDocumentError, InvalidDocumentError, NotFoundError } from "@attune/db";
import { formatPath, type SchemaProblem } from "@attune/graph";
import { initTRPC, TRPCError } from "@trpc/server";
import type { ApiContext } from "./context";

interface IssueLike {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
}

function isIssueList(value: unknown): value is IssueLike[] {
  return Array.isArray(value) && value.every((i) => typeof i === "object" && i !== null && typeof (i as IssueLike).message === "string");
}

/**
 * Input validation failures arrive as a ZodError (tRPC calls zod's parseAsync) or, for other
 * standard-schema validators, a StandardSchemaV1Error; both carry `issues`. Duck-typed so a second
 * copy of zod in node_modules cannot break the instanceof check.
 */
function schemaProblems(cause: unknown): SchemaProblem[] | null {
  if (cause instanceof InvalidDocumentError) return cause.problems;
  if (typeof cause !== "object" || cause === null || !("issues" in cause)) return null;
  const issues = (cause as { issues: unknown }).issues;
  if (!isIssueList(issues)) return null;
  return issues.map((issue) => ({
    path: formatPath((issue.path ?? []).map((p) => (typeof p === "object" && p !== null ? p.key : p))),
    message: issue.message,
  }));
}

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const problems = error.code === "BAD_REQUEST" ? schemaProblems(error.cause) : null;
    return {
      ...shape,
      data: {
        ...shape.data,
        /** For BAD_REQUEST from input validation: every problem with its exact input path. */
        problems,
        /** For CONFLICT: the version the client must reload before saving again. */
        currentHeadVersion: error.cause instanceof ConflictError ? error.cause.currentHead : null,
      },
    };
  },
});

/** Turns the repository's domain errors into the tRPC codes (and HTTP statuses) clients expect. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof ConflictError) throw new TRPCError({ code: "CONFLICT", message: cause.message, cause });
  if (cause instanceof NotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  if (cause instanceof InvalidDocumentError) throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  // A corrupt stored row stays a 500 but keeps its message, which names the pipeline and version.
  if (cause instanceof CorruptDocumentError) {
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const procedure = t.procedure.use(mapDomainErrors);

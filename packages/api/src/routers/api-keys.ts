import { ApiKeyNotFoundError, createApiKey, isValidSlug, listApiKeys, revokeApiKey } from "@attune/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedure, router } from "../trpc";

const scopes = z
  .array(z.string().refine(isValidSlug, "not a valid endpoint slug"))
  .min(1, "choose at least one endpoint")
  .max(100);

/** API keys for the published endpoints. The full key is returned once, by create. */
export const apiKeysRouter = router({
  create: procedure.input(z.object({ name: z.string().trim().min(1, "a name is required").max(100), scopes })).mutation(({ ctx, input }) => {
    const created = createApiKey(ctx.db, input);
    return { id: created.id, name: created.name, prefix: created.prefix, scopes: created.scopes, createdAt: created.createdAt, key: created.key };
  }),

  list: procedure.query(({ ctx }) => listApiKeys(ctx.db)),

  revoke: procedure.input(z.object({ id: z.string().min(1).max(100) })).mutation(({ ctx, input }) => {
    try {
      return revokeApiKey(ctx.db, input.id);
    } catch (error) {
      if (error instanceof ApiKeyNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: error.message, cause: error });
      throw error;
    }
  }),
});

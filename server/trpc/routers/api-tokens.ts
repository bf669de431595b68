import { apiTokenCommands } from "../../auth/account-commands";
import { listApiTokens } from "../../auth/api-tokens";
import { createApiTokenInputSchema, idInputSchema, listApiTokensInputSchema } from "../../contracts/accounts";
import { DomainError } from "../../domain-errors";
import { router, viewerProcedure } from "../init";

export const apiTokensRouter = router({
  /** The caller's own tokens; admins may pass { all: true } for everyone's. */
  list: viewerProcedure.input(listApiTokensInputSchema).query(({ ctx, input }) => {
    if (input?.all && ctx.principal.role !== "admin") throw new DomainError("FORBIDDEN", "Only admins can list every user's tokens");
    return listApiTokens(ctx.db, input?.all ? null : ctx.principal.userId);
  }),

  create: viewerProcedure.input(createApiTokenInputSchema).mutation(({ ctx, input }) => apiTokenCommands.create(ctx, ctx, input)),
  revoke: viewerProcedure.input(idInputSchema).mutation(({ ctx, input }) => apiTokenCommands.revoke(ctx, ctx, input.id)),
});

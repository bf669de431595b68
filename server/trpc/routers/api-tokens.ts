import { createApiToken, listApiTokens, revokeApiToken } from "../../auth/api-tokens";
import { recordAudit } from "../../auth/audit";
import { createApiTokenInputSchema, idInputSchema, listApiTokensInputSchema } from "../../contracts/accounts";
import { DomainError } from "../../domain-errors";
import { router, viewerProcedure } from "../init";

export const apiTokensRouter = router({
  /** The caller's own tokens; admins may pass { all: true } for everyone's. */
  list: viewerProcedure.input(listApiTokensInputSchema).query(({ ctx, input }) => {
    if (input?.all && ctx.principal.role !== "admin") throw new DomainError("FORBIDDEN", "Only admins can list every user's tokens");
    return listApiTokens(ctx.db, input?.all ? null : ctx.principal.userId);
  }),

  create: viewerProcedure.input(createApiTokenInputSchema).mutation(({ ctx, input }) => {
    const created = createApiToken(ctx.db, ctx.principal, input, ctx.now());
    recordAudit(
      ctx.db,
      ctx,
      { action: "apiTokens.create", resourceType: "apiToken", resourceId: created.id, details: { name: created.name, prefix: created.prefix, role: created.role, expiresAt: created.expiresAt } },
      ctx.now(),
    );
    return created;
  }),

  revoke: viewerProcedure.input(idInputSchema).mutation(({ ctx, input }) => {
    const token = revokeApiToken(ctx.db, ctx.principal, input.id, ctx.now());
    recordAudit(
      ctx.db,
      ctx,
      { action: "apiTokens.revoke", resourceType: "apiToken", resourceId: token.id, details: { name: token.name, prefix: token.prefix, owner: token.userEmail } },
      ctx.now(),
    );
    ctx.services.connections?.endRevokedConnections();
    return token;
  }),
});

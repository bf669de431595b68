import { recordAudit } from "../../auth/audit";
import { createEnrollmentToken, listEnrollmentTokens, revokeEnrollmentToken } from "../../auth/enrollment-tokens";
import { createEnrollmentTokenInputSchema, idInputSchema } from "../../contracts/accounts";
import { deployerProcedure, router, viewerProcedure } from "../init";

export const enrollmentTokensRouter = router({
  list: viewerProcedure.query(({ ctx }) => listEnrollmentTokens(ctx.db, ctx.now())),

  create: deployerProcedure.input(createEnrollmentTokenInputSchema).mutation(({ ctx, input }) => {
    const created = createEnrollmentToken(ctx.db, { ...input, createdBy: ctx.principal.userId }, ctx.now());
    recordAudit(
      ctx.db,
      ctx,
      {
        action: "enrollmentTokens.create",
        resourceType: "enrollmentToken",
        resourceId: created.id,
        details: { name: created.name, prefix: created.prefix, expiresAt: created.expiresAt, maxUses: created.maxUses, tags: created.tags, allowHostTags: created.allowHostTags, requireApproval: created.requireApproval },
      },
      ctx.now(),
    );
    return created;
  }),

  revoke: deployerProcedure.input(idInputSchema).mutation(({ ctx, input }) => {
    const token = revokeEnrollmentToken(ctx.db, input.id, ctx.now());
    recordAudit(ctx.db, ctx, { action: "enrollmentTokens.revoke", resourceType: "enrollmentToken", resourceId: token.id, details: { name: token.name, prefix: token.prefix } }, ctx.now());
    return token;
  }),
});

import { enrollmentTokenCommands } from "../../auth/account-commands";
import { listEnrollmentTokens } from "../../auth/enrollment-tokens";
import { createEnrollmentTokenInputSchema, idInputSchema } from "../../contracts/accounts";
import { deployerProcedure, router, viewerProcedure } from "../init";

export const enrollmentTokensRouter = router({
  list: viewerProcedure.query(({ ctx }) => listEnrollmentTokens(ctx.db, ctx.now())),

  create: deployerProcedure.input(createEnrollmentTokenInputSchema).mutation(({ ctx, input }) => enrollmentTokenCommands.create(ctx, ctx, input)),
  revoke: deployerProcedure.input(idInputSchema).mutation(({ ctx, input }) => enrollmentTokenCommands.revoke(ctx, ctx, input.id)),
});

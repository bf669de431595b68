import { userCommands } from "../../auth/account-commands";
import { listUsers } from "../../auth/users";
import { createUserInputSchema, idInputSchema, resetPasswordInputSchema, updateUserInputSchema } from "../../contracts/accounts";
import { adminProcedure, router } from "../init";

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure.input(createUserInputSchema).mutation(({ ctx, input }) => userCommands.create(ctx, ctx, input)),
  update: adminProcedure.input(updateUserInputSchema).mutation(({ ctx, input }) => userCommands.update(ctx, ctx, input)),
  resetPassword: adminProcedure.input(resetPasswordInputSchema).mutation(({ ctx, input }) => userCommands.resetPassword(ctx, ctx, input)),
  delete: adminProcedure.input(idInputSchema).mutation(({ ctx, input }) => userCommands.delete(ctx, ctx, input.id)),
});

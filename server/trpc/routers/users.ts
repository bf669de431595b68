import { recordAudit } from "../../auth/audit";
import { createUser, deleteUser, listUsers, setPassword, updateUser } from "../../auth/users";
import { createUserInputSchema, idInputSchema, resetPasswordInputSchema, updateUserInputSchema } from "../../contracts/accounts";
import { adminProcedure, router } from "../init";

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),

  create: adminProcedure.input(createUserInputSchema).mutation(async ({ ctx, input }) => {
    const user = await createUser(ctx.db, input, ctx.now());
    recordAudit(ctx.db, ctx, { action: "users.create", resourceType: "user", resourceId: user.id, details: { email: user.email, role: user.role } }, ctx.now());
    return user;
  }),

  update: adminProcedure.input(updateUserInputSchema).mutation(({ ctx, input }) => {
    const { id, ...changes } = input;
    const user = updateUser(ctx.db, id, changes, ctx.now());
    recordAudit(ctx.db, ctx, { action: "users.update", resourceType: "user", resourceId: id, details: { email: user.email, ...changes } }, ctx.now());
    ctx.services.connections?.endRevokedConnections();
    return user;
  }),

  resetPassword: adminProcedure.input(resetPasswordInputSchema).mutation(async ({ ctx, input }) => {
    await setPassword(ctx.db, input.id, input.password, ctx.now());
    recordAudit(ctx.db, ctx, { action: "users.resetPassword", resourceType: "user", resourceId: input.id }, ctx.now());
    ctx.services.connections?.endRevokedConnections();
    return { ok: true as const };
  }),

  delete: adminProcedure.input(idInputSchema).mutation(({ ctx, input }) => {
    const user = deleteUser(ctx.db, input.id);
    recordAudit(ctx.db, ctx, { action: "users.delete", resourceType: "user", resourceId: user.id, details: { email: user.email } }, ctx.now());
    ctx.services.connections?.endRevokedConnections();
    return { ok: true as const };
  }),
});

import { recordAudit, recordAuditedChange } from "../../storage/audit-rows";
import { clearedSessionCookie, createSession, deleteSession, sessionCookie } from "../../auth/sessions";
import { changeOwnPassword, createUser, getUser, hasAnyUser, toCurrentUser, verifyCredentials } from "../../auth/users";
import { changePasswordInputSchema, setupInputSchema, signInInputSchema, type CurrentUser, type UserSummary } from "../../contracts/accounts";
import { DomainError } from "../../domain-errors";
import { publicProcedure, router, viewerProcedure, type TrpcContext } from "../init";

const WRONG_CREDENTIALS = "Wrong email or password";

/** Signs the user in: the session and its audit row in one transaction, then the cookie. */
function startSession(ctx: TrpcContext, user: UserSummary): void {
  const at = ctx.now();
  const { secret } = recordAuditedChange(
    ctx.db,
    { principal: null, ip: ctx.ip, actor: user.email },
    at,
    () => createSession(ctx.db, ctx.env, { userId: user.id, ip: ctx.ip }, at),
    () => ({ action: "auth.signIn", resourceType: "user", resourceId: user.id }),
  );
  ctx.setHeader?.("Set-Cookie", sessionCookie(ctx.env, secret));
}

export const authRouter = router({
  status: publicProcedure.query(({ ctx }): { needsSetup: boolean; user: CurrentUser | null } => ({
    needsSetup: !hasAnyUser(ctx.db),
    user: ctx.principal ? toCurrentUser(getUser(ctx.db, ctx.principal.userId)) : null,
  })),

  setup: publicProcedure.input(setupInputSchema).mutation(async ({ ctx, input }) => {
    const at = ctx.now();
    let secret = "";
    // The first admin, their session and the audit row are stored together or not at all.
    const user = await createUser(ctx.db, { ...input, role: "admin" }, at, {
      onlyIfFirst: true,
      alsoWrite: ({ id, email }) => {
        secret = createSession(ctx.db, ctx.env, { userId: id, ip: ctx.ip }, at).secret;
        recordAudit(ctx.db, { principal: null, ip: ctx.ip, actor: email }, { action: "auth.setup", resourceType: "user", resourceId: id }, at);
      },
    });
    ctx.setHeader?.("Set-Cookie", sessionCookie(ctx.env, secret));
    return toCurrentUser(user);
  }),

  signIn: publicProcedure.input(signInInputSchema).mutation(async ({ ctx, input }) => {
    const limiter = ctx.services.signInLimiter;
    const failed = (reason: string) =>
      recordAudit(
        ctx.db,
        { principal: null, ip: ctx.ip, actor: input.email },
        { action: "auth.signInFailed", resourceType: "user", details: { reason } },
        ctx.now(),
      );
    try {
      await limiter.reserveAttempt(input.email, ctx.ip);
    } catch (err) {
      if (err instanceof DomainError) {
        failed("rate-limited");
        ctx.setHeader?.("Retry-After", String(err.details?.retryAfterSeconds ?? 60));
      }
      throw err;
    }
    const user = await verifyCredentials(ctx.db, input.email, input.password);
    if (!user || user.disabled) {
      failed(user ? "disabled" : "wrong-credentials");
      throw new DomainError("UNAUTHENTICATED", user ? "This account is disabled; ask an admin" : WRONG_CREDENTIALS);
    }
    await limiter.recordSuccess(input.email, ctx.ip);
    startSession(ctx, user);
    return toCurrentUser(user);
  }),

  signOut: viewerProcedure.mutation(({ ctx }) => {
    const { principal } = ctx;
    recordAuditedChange(
      ctx.db,
      ctx,
      ctx.now(),
      () => principal.via === "session" && deleteSession(ctx.db, principal.credentialId),
      () => ({ action: "auth.signOut", resourceType: "user", resourceId: principal.userId }),
    );
    ctx.setHeader?.("Set-Cookie", clearedSessionCookie(ctx.env));
    ctx.services.connections.endRevokedConnections();
    return { ok: true as const };
  }),

  changePassword: viewerProcedure.input(changePasswordInputSchema).mutation(async ({ ctx, input }) => {
    const limiter = ctx.services.signInLimiter;
    await limiter.reserveAttempt(ctx.principal.email, ctx.ip);
    const keep = ctx.principal.via === "session" ? ctx.principal.credentialId : undefined;
    const at = ctx.now();
    await changeOwnPassword(ctx.db, ctx.principal.userId, input, at, keep, () =>
      recordAudit(ctx.db, ctx, { action: "auth.changePassword", resourceType: "user", resourceId: ctx.principal.userId }, at),
    );
    await limiter.recordSuccess(ctx.principal.email, ctx.ip);
    ctx.services.connections.endRevokedConnections();
    return { ok: true as const };
  }),
});

import { recordAudit } from "../../auth/audit";
import { clearedSessionCookie, createSession, deleteSession, sessionCookie } from "../../auth/sessions";
import { signInLimiterFor } from "../../auth/sign-in-limiter";
import { changeOwnPassword, createUser, getUser, hasAnyUser, toCurrentUser, verifyCredentials } from "../../auth/users";
import { changePasswordInputSchema, setupInputSchema, signInInputSchema, type CurrentUser, type UserSummary } from "../../contracts/accounts";
import { DomainError } from "../../domain-errors";
import { publicProcedure, router, viewerProcedure, type TrpcContext } from "../init";

const WRONG_CREDENTIALS = "Wrong email or password";

function startSession(ctx: TrpcContext, user: UserSummary): void {
  const { secret } = createSession(ctx.db, ctx.env, { userId: user.id, ip: ctx.ip }, ctx.now());
  ctx.setHeader?.("Set-Cookie", sessionCookie(ctx.env, secret));
}

export const authRouter = router({
  status: publicProcedure.query(({ ctx }): { needsSetup: boolean; user: CurrentUser | null } => ({
    needsSetup: !hasAnyUser(ctx.db),
    user: ctx.principal ? toCurrentUser(getUser(ctx.db, ctx.principal.userId)) : null,
  })),

  setup: publicProcedure.input(setupInputSchema).mutation(async ({ ctx, input }) => {
    const user = await createUser(ctx.db, { ...input, role: "admin" }, ctx.now(), { onlyIfFirst: true });
    startSession(ctx, user);
    recordAudit(ctx.db, { principal: null, ip: ctx.ip, actor: user.email }, { action: "auth.setup", resourceType: "user", resourceId: user.id }, ctx.now());
    return toCurrentUser(user);
  }),

  signIn: publicProcedure.input(signInInputSchema).mutation(async ({ ctx, input }) => {
    const limiter = signInLimiterFor(ctx);
    const failed = (reason: string) =>
      recordAudit(ctx.db, { principal: null, ip: ctx.ip, actor: input.email }, { action: "auth.signInFailed", resourceType: "user", details: { reason } }, ctx.now());
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
    recordAudit(ctx.db, { principal: null, ip: ctx.ip, actor: user.email }, { action: "auth.signIn", resourceType: "user", resourceId: user.id }, ctx.now());
    return toCurrentUser(user);
  }),

  signOut: viewerProcedure.mutation(({ ctx }) => {
    if (ctx.principal.via === "session") deleteSession(ctx.db, ctx.principal.credentialId);
    ctx.setHeader?.("Set-Cookie", clearedSessionCookie(ctx.env));
    recordAudit(ctx.db, ctx, { action: "auth.signOut", resourceType: "user", resourceId: ctx.principal.userId }, ctx.now());
    ctx.services.connections?.endRevokedConnections();
    return { ok: true as const };
  }),

  changePassword: viewerProcedure.input(changePasswordInputSchema).mutation(async ({ ctx, input }) => {
    const limiter = signInLimiterFor(ctx);
    await limiter.reserveAttempt(ctx.principal.email, ctx.ip);
    const keep = ctx.principal.via === "session" ? ctx.principal.credentialId : undefined;
    await changeOwnPassword(ctx.db, ctx.principal.userId, input, ctx.now(), keep);
    await limiter.recordSuccess(ctx.principal.email, ctx.ip);
    recordAudit(ctx.db, ctx, { action: "auth.changePassword", resourceType: "user", resourceId: ctx.principal.userId }, ctx.now());
    ctx.services.connections?.endRevokedConnections();
    return { ok: true as const };
  }),
});

import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Principal } from "../auth/principal";
import type { FieldError } from "../contracts/api-errors";
import { hasRole, type Role } from "../contracts/resources";
import type { Deps } from "../deps";
import { DomainError, type DomainErrorKind } from "../domain-errors";

export type TrpcContext = Deps & {
  principal: Principal | null;
  /** Caller's address, for audit and rate limits. */
  ip: string | null;
  /** Sets a response header (session cookies); absent for createCaller. */
  setHeader?: (name: string, value: string | string[]) => void;
};

const trpcCodes: Record<DomainErrorKind, TRPCError["code"]> = {
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INVALID: "BAD_REQUEST",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHENTICATED: "UNAUTHORIZED",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  TOO_LARGE: "PAYLOAD_TOO_LARGE",
};

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        details: cause instanceof DomainError ? (cause.details ?? null) : null,
        fieldErrors: cause instanceof ZodError ? cause.issues.map((i): FieldError => ({ path: i.path.map(String).join("."), message: i.message })) : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const mapDomainErrors = t.middleware(async function mapDomainErrors({ ctx, next }) {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodes[cause.kind], message: cause.message, cause });
  }
  if (!result.ok && ctx.services.storageHealth.recordFailure(result.error.cause)) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: ctx.services.storageHealth.current()?.message ?? "The server cannot store data",
      cause: result.error.cause,
    });
  }
  return result;
});

const recordProcedureMetrics = t.middleware(async function recordProcedureMetrics({ ctx, path, type, next }) {
  const metrics = ctx.services.metrics;
  const started = performance.now();
  const result = await next();
  metrics.trpcRequestFinished(path, type, result.ok, (performance.now() - started) / 1000);
  return result;
});

export const publicProcedure = t.procedure.use(recordProcedureMetrics).use(mapDomainErrors);

function requireRole(required: Role) {
  return t.middleware(function requireRoleMiddleware({ ctx, next }) {
    if (!ctx.principal) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or send an API token" });
    if (!hasRole(ctx.principal.role, required)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${required} role; you are ${ctx.principal.role}` });
    }
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  });
}

export const viewerProcedure = publicProcedure.use(requireRole("viewer"));
export const deployerProcedure = publicProcedure.use(requireRole("deployer"));
export const adminProcedure = publicProcedure.use(requireRole("admin"));

import { serialize } from "cookie";
import { and, eq, lte, ne } from "drizzle-orm";
import type { Env } from "../env";
import type { Db } from "../storage/database";
import { sessions } from "../storage/schema";
import { SESSION_COOKIE, SESSION_PREFIX } from "./principal";
import { generateSecret, hashSecret } from "./secrets";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Stores a new session for `userId` and returns the cookie secret (only its hash is stored). */
export function createSession(
  db: Db,
  env: Env,
  session: { userId: string; ip: string | null; userAgent?: string | null },
  now: number,
): { secret: string; expiresAt: number } {
  const secret = generateSecret(SESSION_PREFIX);
  const expiresAt = now + Math.round(env.LANDLINE_SESSION_DAYS * DAY_MS);
  // Expired rows are never read again; sign-in is a rare enough moment to sweep them.
  db.delete(sessions).where(lte(sessions.expiresAt, now)).run();
  db.insert(sessions)
    .values({
      idHash: hashSecret(secret),
      userId: session.userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip: session.ip,
      userAgent: session.userAgent ?? null,
    })
    .run();
  return { secret, expiresAt };
}

/** Ends one session, by the hash a session principal carries as credentialId. */
export function deleteSession(db: Db, idHash: string): void {
  db.delete(sessions).where(eq(sessions.idHash, idHash)).run();
}

/** Ends every session of a user, optionally keeping one (the caller's own). */
export function deleteUserSessions(db: Pick<Db, "delete">, userId: string, keepIdHash?: string): void {
  db.delete(sessions)
    .where(keepIdHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash)) : eq(sessions.userId, userId))
    .run();
}

export function isSecureCookie(env: Env): boolean {
  return env.LANDLINE_SECURE_COOKIES === "true" || (env.LANDLINE_SECURE_COOKIES === "auto" && env.publicUrl.startsWith("https:"));
}

/** Set-Cookie value that stores the session secret in the browser. */
export function sessionCookie(env: Env, secret: string): string {
  return serialize(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isSecureCookie(env),
    maxAge: Math.round(env.LANDLINE_SESSION_DAYS * 24 * 60 * 60),
  });
}

/** Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(env: Env): string {
  return serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/", secure: isSecureCookie(env), maxAge: 0 });
}

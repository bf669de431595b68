import { and, eq, gt, isNull } from "drizzle-orm";
import type { Role } from "../contracts/resources";
import type { Db } from "../storage/database";
import { apiTokens, sessions, users } from "../storage/schema";
import { hashSecret } from "./secrets";

export const SESSION_COOKIE = "landline_session";
export const API_TOKEN_PREFIX = "llt";
export const SESSION_PREFIX = "lls";

/** Who is calling: a signed-in user (session) or a script (API token acting with its role). */
export type Principal = {
  userId: string;
  email: string;
  role: Role;
  via: "session" | "token";
  /** API token id or session hash, for audit and revocation. */
  credentialId: string;
};

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export function resolveSessionPrincipal(db: Db, secret: string, now: number): Principal | null {
  const idHash = hashSecret(secret);
  const row = db
    .select({
      userId: users.id,
      email: users.email,
      role: users.role,
      disabled: users.disabled,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)))
    .get();
  if (!row || row.disabled) return null;
  if (now - row.lastSeenAt > LAST_USED_WRITE_INTERVAL_MS) {
    db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash)).run();
  }
  return { userId: row.userId, email: row.email, role: row.role, via: "session", credentialId: idHash };
}

export function resolveTokenPrincipal(db: Db, token: string, now: number): Principal | null {
  const row = db
    .select({
      id: apiTokens.id,
      role: apiTokens.role,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      userId: users.id,
      email: users.email,
      userRole: users.role,
      disabled: users.disabled,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashSecret(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row || row.disabled) return null;
  if (row.expiresAt !== null && row.expiresAt <= now) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt > 1000) {
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
  }
  // A token never acts above its user's current role.
  const order: Role[] = ["viewer", "deployer", "admin"];
  const role = order[Math.min(order.indexOf(row.role), order.indexOf(row.userRole))];
  return { userId: row.userId, email: row.email, role, via: "token", credentialId: row.id };
}

/** Reads the bearer token or session cookie from request headers. */
export function resolvePrincipal(
  db: Db,
  headers: { authorization?: string | null; cookie?: string | null },
  now: number,
  parseCookie: (header: string) => Record<string, string | undefined>,
): Principal | null {
  const auth = headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    return match ? resolveTokenPrincipal(db, match[1], now) : null;
  }
  if (headers.cookie) {
    const secret = parseCookie(headers.cookie)[SESSION_COOKIE];
    if (secret) return resolveSessionPrincipal(db, secret, now);
  }
  return null;
}

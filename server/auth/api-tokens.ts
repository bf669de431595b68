import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { ApiTokenSummary, CreatedApiToken } from "../contracts/accounts";
import { hasRole, type Role } from "../contracts/resources";
import { DomainError, notFound } from "../domain-errors";
import type { Db } from "../storage/database";
import { apiTokens, users } from "../storage/schema";
import { API_TOKEN_PREFIX } from "./principal";
import { generateSecret, hashSecret } from "./secrets";

const DAY_MS = 24 * 60 * 60 * 1000;
/** "llt_" plus 8 secret characters: enough to tell tokens apart, far too little to guess the rest. */
const PREFIX_LENGTH = API_TOKEN_PREFIX.length + 1 + 8;

const summaryColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  role: apiTokens.role,
  userId: apiTokens.userId,
  userEmail: users.email,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
};

/**
 * Creates an API token for `owner`. Its role defaults to, and may not exceed, `owner.role`
 * (the caller's effective role, so a token cannot mint a stronger token).
 */
export function createApiToken(
  db: Db,
  owner: { userId: string; role: Role },
  input: { name: string; role?: Role; expiresInDays?: number },
  now: number,
): CreatedApiToken {
  const role = input.role ?? owner.role;
  if (!hasRole(owner.role, role)) {
    throw new DomainError("FORBIDDEN", `A token cannot have more power than its creator: you are ${owner.role}, asked for ${role}`, { path: "role" });
  }
  const token = generateSecret(API_TOKEN_PREFIX);
  const created = {
    id: randomUUID(),
    name: input.name,
    prefix: token.slice(0, PREFIX_LENGTH),
    role,
    createdAt: now,
    expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * DAY_MS,
  };
  db.insert(apiTokens)
    .values({ ...created, userId: owner.userId, tokenHash: hashSecret(token) })
    .run();
  return { ...created, token };
}

/** Newest first; `userId` null lists every user's tokens. Revoked and expired tokens are included. */
export function listApiTokens(db: Db, userId: string | null): ApiTokenSummary[] {
  return db
    .select(summaryColumns)
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(userId === null ? undefined : eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .all();
}

/** Revokes a token the caller owns (any token for admins). Someone else's token looks unknown, so ids do not leak. */
export function revokeApiToken(db: Db, caller: { userId: string; role: Role }, id: string, now: number): ApiTokenSummary {
  const owned = caller.role === "admin" ? eq(apiTokens.id, id) : and(eq(apiTokens.id, id), eq(apiTokens.userId, caller.userId));
  const existing = db.select({ id: apiTokens.id }).from(apiTokens).where(owned).get();
  if (!existing) throw notFound("API token");
  db.update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .run();
  return db.select(summaryColumns).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.id, id)).get()!;
}

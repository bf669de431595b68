import { randomUUID } from "node:crypto";
import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { CreatedEnrollmentToken, EnrollmentTokenStatus, EnrollmentTokenSummary } from "../contracts/accounts";
import type { HostTag } from "../contracts/resources";
import { notFound } from "../domain-errors";
import type { Db } from "../storage/database";
import { enrollmentTokens, users } from "../storage/schema";
import { generateSecret, hashSecret } from "./secrets";

export const ENROLLMENT_TOKEN_PREFIX = "lle";
const PREFIX_LENGTH = ENROLLMENT_TOKEN_PREFIX.length + 1 + 8;
const HOUR_MS = 60 * 60 * 1000;

type Row = typeof enrollmentTokens.$inferSelect;

export type NewEnrollmentToken = {
  name?: string | null;
  /** null: never expires. */
  expiresHours: number | null;
  /** null: unlimited. */
  maxUses: number | null;
  tags: HostTag[];
  /** Whether enrolling agents may add tags with other keys. */
  allowHostTags: boolean;
  /** Whether hosts enrolled with it wait for an admin's approval. */
  requireApproval: boolean;
  /** Creating user's id; null for the admin command. */
  createdBy: string | null;
};

export function createEnrollmentToken(db: Db, input: NewEnrollmentToken, now: number): CreatedEnrollmentToken {
  const token = generateSecret(ENROLLMENT_TOKEN_PREFIX);
  const row: Row = {
    id: randomUUID(),
    name: input.name ?? null,
    tokenHash: hashSecret(token),
    prefix: token.slice(0, PREFIX_LENGTH),
    createdBy: input.createdBy,
    createdAt: now,
    expiresAt: input.expiresHours === null ? null : now + input.expiresHours * HOUR_MS,
    maxUses: input.maxUses,
    uses: 0,
    tags: input.tags,
    allowHostTags: input.allowHostTags,
    requireApproval: input.requireApproval,
    revokedAt: null,
  };
  db.insert(enrollmentTokens).values(row).run();
  const createdByEmail = input.createdBy ? (db.select({ email: users.email }).from(users).where(eq(users.id, input.createdBy)).get()?.email ?? null) : null;
  return { ...toSummary(row, createdByEmail, now), token };
}

/**
 * Uses up one enrollment of a token. Null when the token is unknown, revoked, expired or exhausted.
 * The check and the increment are one conditional UPDATE, so concurrent enrollments cannot exceed maxUses.
 */
/** What an enrollment token decides about the hosts it enrolls. */
export type ConsumedEnrollmentToken = { tokenId: string; tags: HostTag[]; allowHostTags: boolean; requireApproval: boolean };

export function consumeEnrollmentToken(db: Db, token: string, now: number): ConsumedEnrollmentToken | null {
  return db.transaction(
    (tx) => {
      const row = tx
        .update(enrollmentTokens)
        .set({ uses: sql`${enrollmentTokens.uses} + 1` })
        .where(
          and(
            eq(enrollmentTokens.tokenHash, hashSecret(token)),
            isNull(enrollmentTokens.revokedAt),
            or(isNull(enrollmentTokens.expiresAt), gt(enrollmentTokens.expiresAt, now)),
            or(isNull(enrollmentTokens.maxUses), lt(enrollmentTokens.uses, enrollmentTokens.maxUses)),
          ),
        )
        .returning({
          id: enrollmentTokens.id,
          tags: enrollmentTokens.tags,
          allowHostTags: enrollmentTokens.allowHostTags,
          requireApproval: enrollmentTokens.requireApproval,
        })
        .get();
      return row ? { tokenId: row.id, tags: row.tags ?? [], allowHostTags: row.allowHostTags, requireApproval: row.requireApproval } : null;
    },
    { behavior: "immediate" },
  );
}

/** True when the token could enroll a host now; does not use it up. */
export function isEnrollmentTokenUsable(db: Db, token: string, now: number): boolean {
  const row = db
    .select()
    .from(enrollmentTokens)
    .where(eq(enrollmentTokens.tokenHash, hashSecret(token)))
    .get();
  return row !== undefined && statusOf(row, now) === "active";
}

/** Newest first, without secrets. */
export function listEnrollmentTokens(db: Db, now: number): EnrollmentTokenSummary[] {
  return db
    .select({ token: enrollmentTokens, createdByEmail: users.email })
    .from(enrollmentTokens)
    .leftJoin(users, eq(users.id, enrollmentTokens.createdBy))
    .orderBy(desc(enrollmentTokens.createdAt), desc(enrollmentTokens.id))
    .all()
    .map((r) => toSummary(r.token, r.createdByEmail, now));
}

/** Revokes a token; revoking twice keeps the first revocation time. */
export function revokeEnrollmentToken(db: Db, id: string, now: number): EnrollmentTokenSummary {
  db.update(enrollmentTokens)
    .set({ revokedAt: now })
    .where(and(eq(enrollmentTokens.id, id), isNull(enrollmentTokens.revokedAt)))
    .run();
  const r = db
    .select({ token: enrollmentTokens, createdByEmail: users.email })
    .from(enrollmentTokens)
    .leftJoin(users, eq(users.id, enrollmentTokens.createdBy))
    .where(eq(enrollmentTokens.id, id))
    .get();
  if (!r) throw notFound("Enrollment token");
  return toSummary(r.token, r.createdByEmail, now);
}

function statusOf(row: Row, now: number): EnrollmentTokenStatus {
  if (row.revokedAt !== null) return "revoked";
  if (row.expiresAt !== null && row.expiresAt <= now) return "expired";
  if (row.maxUses !== null && row.uses >= row.maxUses) return "exhausted";
  return "active";
}

function toSummary(row: Row, createdByEmail: string | null, now: number): EnrollmentTokenSummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdByEmail,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    maxUses: row.maxUses,
    uses: row.uses,
    tags: row.tags ?? [],
    allowHostTags: row.allowHostTags,
    requireApproval: row.requireApproval,
    revokedAt: row.revokedAt,
    status: statusOf(row, now),
  };
}

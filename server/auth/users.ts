import { randomUUID } from "node:crypto";
import { and, asc, count, eq, ne } from "drizzle-orm";
import { MIN_PASSWORD_LENGTH, type CurrentUser, type UserSummary } from "../contracts/accounts";
import type { Role } from "../contracts/resources";
import { conflict, invalid, notFound } from "../domain-errors";
import type { Db } from "../storage/database";
import { users } from "../storage/schema";
import { describePasswordWeakness } from "./password-strength";
import { hashPassword, verifyPassword } from "./passwords";
import { deleteUserSessions } from "./sessions";

const summaryColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  disabled: users.disabled,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export function hasAnyUser(db: Db): boolean {
  return db.select({ id: users.id }).from(users).limit(1).get() !== undefined;
}

export function listUsers(db: Db): UserSummary[] {
  return db.select(summaryColumns).from(users).orderBy(asc(users.email)).all();
}

export function getUser(db: Db, id: string): UserSummary {
  const user = db.select(summaryColumns).from(users).where(eq(users.id, id)).get();
  if (!user) throw notFound("User");
  return user;
}

export function findUserByEmail(db: Db, email: string): UserSummary | undefined {
  return db
    .select(summaryColumns)
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
}

export function toCurrentUser(user: UserSummary): CurrentUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

export type NewUser = { email: string; name?: string | null; role: Role; password: string };

/**
 * Creates a user; with `onlyIfFirst`, refuses (CONFLICT) unless the database has no user yet, checked in the same write transaction.
 * `alsoWrite` runs inside that transaction (the audit row, a first session), so it is stored with the user or not at all.
 */
export async function createUser(
  db: Db,
  input: NewUser,
  now: number,
  options: { onlyIfFirst?: boolean; alsoWrite?: (user: { id: string; email: string }) => void } = {},
): Promise<UserSummary> {
  const email = normalizeEmail(input.email);
  assertPasswordStrength(input.password, { email, name: input.name });
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  // Immediate: takes the write lock before reading, so two processes cannot both see an empty users table.
  db.transaction(
    (tx) => {
      if (options.onlyIfFirst && tx.select({ id: users.id }).from(users).limit(1).get()) {
        throw conflict("Landline is already set up; sign in instead");
      }
      if (tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        throw conflict(`A user with email ${email} already exists`, { path: "email" });
      }
      tx.insert(users)
        .values({ id, email, name: input.name ?? null, passwordHash, role: input.role, createdAt: now, updatedAt: now })
        .run();
      options.alsoWrite?.({ id, email });
    },
    { behavior: "immediate" },
  );
  return getUser(db, id);
}

let dummyHash: Promise<string> | undefined;

/**
 * The user an email and password belong to, or null. An unknown email still costs one argon2 verification,
 * so response time does not reveal which emails exist. Disabled users are returned with `disabled: true`.
 */
export async function verifyCredentials(db: Db, email: string, password: string): Promise<UserSummary | null> {
  const row = db
    .select({ ...summaryColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
  if (!row) {
    dummyHash ??= hashPassword("landline-timing-equalizer");
    await verifyPassword(await dummyHash, password);
    return null;
  }
  const { passwordHash, ...user } = row;
  return (await verifyPassword(passwordHash, password)) ? user : null;
}

export type UserChanges = { role?: Role; name?: string | null; disabled?: boolean };

/** Changes role, name or disabled; refuses to leave no active admin. Disabling ends the user's sessions. */
export function updateUser(db: Db, id: string, changes: UserChanges, now: number): UserSummary {
  db.transaction(
    (tx) => {
      const user = tx.select({ role: users.role, disabled: users.disabled }).from(users).where(eq(users.id, id)).get();
      if (!user) throw notFound("User");
      const role = changes.role ?? user.role;
      const disabled = changes.disabled ?? user.disabled;
      if (user.role === "admin" && !user.disabled && (role !== "admin" || disabled)) {
        assertAnotherActiveAdmin(tx, id, disabled ? "disable" : "demote");
      }
      tx.update(users)
        .set({
          ...(changes.role !== undefined && { role: changes.role }),
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.disabled !== undefined && { disabled: changes.disabled }),
          updatedAt: now,
        })
        .where(eq(users.id, id))
        .run();
      if (disabled && !user.disabled) deleteUserSessions(tx, id);
    },
    { behavior: "immediate" },
  );
  return getUser(db, id);
}

/** Deletes a user with their sessions and API tokens; refuses to delete the last active admin. */
export function deleteUser(db: Db, id: string): UserSummary {
  const user = getUser(db, id);
  db.transaction(
    (tx) => {
      const current = tx.select({ role: users.role, disabled: users.disabled }).from(users).where(eq(users.id, id)).get();
      if (!current) throw notFound("User");
      if (current.role === "admin" && !current.disabled) assertAnotherActiveAdmin(tx, id, "delete");
      // Sessions and API tokens go with the user (ON DELETE CASCADE).
      tx.delete(users).where(eq(users.id, id)).run();
    },
    { behavior: "immediate" },
  );
  return user;
}

/**
 * Sets a new password and ends the user's sessions, except `keepSessionIdHash` (the caller's own); `alsoWrite`
 * (the audit row) runs in the same transaction.
 */
export async function setPassword(db: Db, id: string, password: string, now: number, keepSessionIdHash?: string, alsoWrite?: () => void): Promise<void> {
  const user = db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, id)).get();
  if (!user) throw notFound("User");
  assertPasswordStrength(password, user);
  const passwordHash = await hashPassword(password);
  db.transaction((tx) => {
    const updated = tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, id)).returning({ id: users.id }).all();
    if (updated.length === 0) throw notFound("User");
    deleteUserSessions(tx, id, keepSessionIdHash);
    alsoWrite?.();
  });
}

/** Changes the caller's own password after checking the current one. */
export async function changeOwnPassword(
  db: Db,
  userId: string,
  passwords: { currentPassword: string; newPassword: string },
  now: number,
  keepSessionIdHash?: string,
  alsoWrite?: () => void,
): Promise<void> {
  const row = db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get();
  if (!row) throw notFound("User");
  if (!(await verifyPassword(row.passwordHash, passwords.currentPassword))) {
    throw invalid("The current password is wrong", { path: "currentPassword" });
  }
  await setPassword(db, userId, passwords.newPassword, now, keepSessionIdHash, alsoWrite);
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function assertPasswordStrength(password: string, user: { email: string; name?: string | null }): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw invalid(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`, { path: "password" });
  }
  const weakness = describePasswordWeakness(password, user);
  if (weakness) throw invalid(weakness, { path: "password" });
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

function assertAnotherActiveAdmin(tx: Tx, userId: string, verb: "demote" | "disable" | "delete"): void {
  const others = tx
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.disabled, false), ne(users.id, userId)))
    .get();
  if (!others || others.n === 0) {
    throw conflict(`Cannot ${verb} the last active admin; make another user an admin first`);
  }
}

import type { CreateUserInput, UpdateUserInput } from "../contracts/accounts";
import type { Role } from "../contracts/resources";
import type { Deps } from "../deps";
import type { AuditActor } from "../orchestrator/ports";
import { recordAudit, recordAuditedChange } from "../storage/audit-rows";
import { createApiToken, revokeApiToken } from "./api-tokens";
import { createEnrollmentToken, revokeEnrollmentToken } from "./enrollment-tokens";
import type { Principal } from "./principal";
import { createUser, deleteUser, setPassword, updateUser } from "./users";

type AccountDeps = Pick<Deps, "db" | "now" | "services">;

/** users.*: each change and its audit row in one transaction (passwords are hashed before it starts). */
export const userCommands = {
  async create({ db, now }: AccountDeps, who: AuditActor, input: CreateUserInput) {
    const at = now();
    return createUser(db, input, at, {
      alsoWrite: (user) =>
        recordAudit(db, who, { action: "users.create", resourceType: "user", resourceId: user.id, details: { email: user.email, role: input.role } }, at),
    });
  },

  update({ db, now, services }: AccountDeps, who: AuditActor, input: UpdateUserInput) {
    const at = now();
    const { id, ...changes } = input;
    const user = recordAuditedChange(
      db,
      who,
      at,
      () => updateUser(db, id, changes, at),
      (user) => ({ action: "users.update", resourceType: "user", resourceId: id, details: { email: user.email, ...changes } }),
    );
    services.connections.endRevokedConnections();
    return user;
  },

  async resetPassword({ db, now, services }: AccountDeps, who: AuditActor, input: { id: string; password: string }) {
    const at = now();
    await setPassword(db, input.id, input.password, at, undefined, () =>
      recordAudit(db, who, { action: "users.resetPassword", resourceType: "user", resourceId: input.id }, at),
    );
    services.connections.endRevokedConnections();
    return { ok: true as const };
  },

  delete({ db, now, services }: AccountDeps, who: AuditActor, id: string) {
    recordAuditedChange(
      db,
      who,
      now(),
      () => deleteUser(db, id),
      (user) => ({ action: "users.delete", resourceType: "user", resourceId: user.id, details: { email: user.email } }),
    );
    services.connections.endRevokedConnections();
    return { ok: true as const };
  },
};

/** apiTokens.*: each change and its audit row in one transaction. */
export const apiTokenCommands = {
  create({ db, now }: AccountDeps, who: AuditActor & { principal: Principal }, input: { name: string; role?: Role; expiresInDays?: number }) {
    const at = now();
    return recordAuditedChange(
      db,
      who,
      at,
      () => createApiToken(db, who.principal, input, at),
      (created) => ({
        action: "apiTokens.create",
        resourceType: "apiToken",
        resourceId: created.id,
        details: { name: created.name, prefix: created.prefix, role: created.role, expiresAt: created.expiresAt },
      }),
    );
  },

  revoke({ db, now, services }: AccountDeps, who: AuditActor & { principal: Principal }, id: string) {
    const at = now();
    const token = recordAuditedChange(
      db,
      who,
      at,
      () => revokeApiToken(db, who.principal, id, at),
      (token) => ({
        action: "apiTokens.revoke",
        resourceType: "apiToken",
        resourceId: token.id,
        details: { name: token.name, prefix: token.prefix, owner: token.userEmail },
      }),
    );
    services.connections.endRevokedConnections();
    return token;
  },
};

/** enrollmentTokens.*: each change and its audit row in one transaction. */
export const enrollmentTokenCommands = {
  /** Also used by the admin command, whose actor has no principal. */
  create({ db, now }: Pick<Deps, "db" | "now">, who: AuditActor, input: Omit<Parameters<typeof createEnrollmentToken>[1], "createdBy">) {
    const at = now();
    return recordAuditedChange(
      db,
      who,
      at,
      () => createEnrollmentToken(db, { ...input, createdBy: who.principal?.userId ?? null }, at),
      (created) => ({
        action: "enrollmentTokens.create",
        resourceType: "enrollmentToken",
        resourceId: created.id,
        details: {
          name: created.name,
          prefix: created.prefix,
          expiresAt: created.expiresAt,
          maxUses: created.maxUses,
          tags: created.tags,
          allowHostTags: created.allowHostTags,
          requireApproval: created.requireApproval,
        },
      }),
    );
  },

  revoke({ db, now }: AccountDeps, who: AuditActor, id: string) {
    const at = now();
    return recordAuditedChange(
      db,
      who,
      at,
      () => revokeEnrollmentToken(db, id, at),
      (token) => ({
        action: "enrollmentTokens.revoke",
        resourceType: "enrollmentToken",
        resourceId: token.id,
        details: { name: token.name, prefix: token.prefix },
      }),
    );
  },
};

import { parse as parseCookie } from "cookie";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolvePrincipal, type Principal } from "../../auth/principal";
import type { Deps } from "../../deps";
import { apiTokens, auditLog } from "../../storage/schema";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let now: number;
beforeEach(() => {
  deps = createTestDeps();
  now = 1_700_000_000_000;
  deps.now = () => now;
});
afterEach(() => deps.cleanup());

function bearer(token: string): Principal | null {
  return resolvePrincipal(deps.db, { authorization: `Bearer ${token}` }, deps.now(), parseCookie);
}

describe("API tokens", () => {
  it("creates a token shown once, which then authenticates as its user until revoked", async () => {
    const dev = insertTestUser(deps, "deployer", "dev@example.com");
    const caller = callerFor(deps, dev);
    const created = await caller.apiTokens.create({ name: "CI pipeline", expiresInDays: 30 });
    expect(created).toMatchObject({ name: "CI pipeline", role: "deployer", createdAt: now, expiresAt: now + 30 * 86_400_000 });
    expect(created.token).toMatch(/^llt_[\w-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(created.prefix.length).toBeLessThan(16);

    const stored = deps.db.select().from(apiTokens).all();
    expect(JSON.stringify(stored)).not.toContain(created.token);
    const listed = await caller.apiTokens.list();
    expect(listed).toEqual([
      {
        id: created.id,
        name: "CI pipeline",
        prefix: created.prefix,
        role: "deployer",
        userId: dev.userId,
        userEmail: "dev@example.com",
        createdAt: now,
        lastUsedAt: null,
        expiresAt: created.expiresAt,
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    now += 5_000;
    const principal = bearer(created.token);
    expect(principal).toEqual({ userId: dev.userId, email: "dev@example.com", role: "deployer", via: "token", credentialId: created.id });
    expect((await caller.apiTokens.list())[0].lastUsedAt).toBe(now);
    expect(await callerFor(deps, principal).auth.status()).toMatchObject({ user: { email: "dev@example.com" } });

    await caller.apiTokens.revoke({ id: created.id });
    expect(bearer(created.token)).toBeNull();
    expect(bearer("llt_not-a-real-token")).toBeNull();
    expect(
      deps.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .all()
        .map((a) => a.action),
    ).toEqual(["apiTokens.create", "apiTokens.revoke"]);
    expect(JSON.stringify(deps.db.select().from(auditLog).all())).not.toContain(created.token);
  });

  it("stops working when it expires", async () => {
    const dev = insertTestUser(deps, "viewer");
    const { token } = await callerFor(deps, dev).apiTokens.create({ name: "short-lived", expiresInDays: 1 });
    now += 86_400_000 - 1;
    expect(bearer(token)).not.toBeNull();
    now += 1;
    expect(bearer(token)).toBeNull();
  });

  it("never gives a token more power than its creator, now or after the user is demoted", async () => {
    const dev = insertTestUser(deps, "deployer");
    const caller = callerFor(deps, dev);
    await expect(caller.apiTokens.create({ name: "too strong", role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const readOnly = await caller.apiTokens.create({ name: "dashboards", role: "viewer" });
    expect(bearer(readOnly.token)?.role).toBe("viewer");

    const admin = insertTestUser(deps, "admin");
    const adminToken = await callerFor(deps, admin).apiTokens.create({ name: "ops" });
    expect(adminToken.role).toBe("admin");
    // A token principal mints at most its own (capped) role.
    const viaToken = callerFor(deps, bearer(readOnly.token));
    await expect(viaToken.apiTokens.create({ name: "escalate", role: "deployer" })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await callerFor(deps, insertTestUser(deps, "admin")).users.update({ id: admin.userId, role: "deployer" });
    expect(bearer(adminToken.token)?.role).toBe("deployer");
  });

  it("lets users see and revoke only their own tokens; admins see and revoke all", async () => {
    const alice = insertTestUser(deps, "deployer", "alice@example.com");
    const bob = insertTestUser(deps, "viewer", "bob@example.com");
    const admin = insertTestUser(deps, "admin", "admin@example.com");
    const aliceToken = await callerFor(deps, alice).apiTokens.create({ name: "alice" });
    const bobToken = await callerFor(deps, bob).apiTokens.create({ name: "bob" });

    expect((await callerFor(deps, bob).apiTokens.list()).map((t) => t.name)).toEqual(["bob"]);
    await expect(callerFor(deps, bob).apiTokens.list({ all: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerFor(deps, bob).apiTokens.revoke({ id: aliceToken.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(bearer(aliceToken.token)).not.toBeNull();

    expect((await callerFor(deps, admin).apiTokens.list({ all: true })).map((t) => t.userEmail).sort()).toEqual(["alice@example.com", "bob@example.com"]);
    expect(await callerFor(deps, admin).apiTokens.list()).toEqual([]);
    await callerFor(deps, admin).apiTokens.revoke({ id: bobToken.id });
    expect(bearer(bobToken.token)).toBeNull();
    const revokeAudit = deps.db.select().from(auditLog).all().at(-1);
    expect(revokeAudit).toMatchObject({
      action: "apiTokens.revoke",
      actor: "admin@example.com",
      resourceId: bobToken.id,
      details: { owner: "bob@example.com" },
    });
  });
});

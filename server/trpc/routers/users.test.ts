import { parse as parseCookie } from "cookie";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiToken } from "../../auth/api-tokens";
import { resolvePrincipal, resolveTokenPrincipal, type Principal } from "../../auth/principal";
import { createSession } from "../../auth/sessions";
import { createUser } from "../../auth/users";
import type { Role } from "../../contracts/resources";
import type { Deps } from "../../deps";
import { auditLog, sessions } from "../../storage/schema";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let admin: Principal;
beforeEach(() => {
  deps = createTestDeps();
  admin = insertTestUser(deps, "admin", "root@example.com");
});
afterEach(() => deps.cleanup());

const PASSWORD = "correct-horse-battery";

function sessionPrincipal(userId: string): Principal | null {
  const { secret } = createSession(deps.db, deps.env, { userId, ip: null }, deps.now());
  return resolvePrincipal(deps.db, { cookie: `landline_session=${secret}` }, deps.now(), parseCookie);
}

describe("users", () => {
  it.each<Role>(["viewer", "deployer"])("refuses every users procedure to a %s", async (role) => {
    const caller = callerFor(deps, insertTestUser(deps, role));
    await expect(caller.users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.users.create({ email: "x@example.com", role: "viewer", password: PASSWORD })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.users.update({ id: admin.userId, role: "viewer" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.users.resetPassword({ id: admin.userId, password: PASSWORD })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.users.delete({ id: admin.userId })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lets an admin create, list, update and delete users, each audited", async () => {
    const caller = callerFor(deps, admin);
    const created = await caller.users.create({ email: "New@Example.com", name: "New", role: "viewer", password: PASSWORD });
    expect(created).toMatchObject({ email: "new@example.com", name: "New", role: "viewer", disabled: false });
    expect(JSON.stringify(created)).not.toContain("password");
    await expect(caller.users.create({ email: "new@example.com", role: "viewer", password: PASSWORD })).rejects.toMatchObject({ code: "CONFLICT" });

    expect(await caller.users.update({ id: created.id, role: "deployer", name: null })).toMatchObject({ role: "deployer", name: null });
    expect((await caller.users.list()).map((u) => u.email)).toEqual(["new@example.com", "root@example.com"]);
    await caller.users.delete({ id: created.id });
    expect((await caller.users.list()).map((u) => u.email)).toEqual(["root@example.com"]);
    await expect(caller.users.delete({ id: created.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const audit = deps.db.select().from(auditLog).all();
    expect(audit.map((a) => [a.action, a.actor, a.resourceId])).toEqual([
      ["users.create", "root@example.com", created.id],
      ["users.update", "root@example.com", created.id],
      ["users.delete", "root@example.com", created.id],
    ]);
    expect(audit.every((a) => a.userId === admin.userId && a.ip === "127.0.0.1")).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it("refuses to demote, disable or delete the last active admin", async () => {
    const caller = callerFor(deps, admin);
    const lastAdmin = { code: "CONFLICT", message: expect.stringContaining("last active admin") };
    await expect(caller.users.update({ id: admin.userId, role: "deployer" })).rejects.toMatchObject(lastAdmin);
    await expect(caller.users.update({ id: admin.userId, disabled: true })).rejects.toMatchObject(lastAdmin);
    await expect(caller.users.delete({ id: admin.userId })).rejects.toMatchObject(lastAdmin);

    // A disabled admin does not count as the other admin.
    const dormant = await caller.users.create({ email: "dormant@example.com", role: "admin", password: PASSWORD });
    await caller.users.update({ id: dormant.id, disabled: true });
    await expect(caller.users.update({ id: admin.userId, role: "viewer" })).rejects.toMatchObject(lastAdmin);

    await caller.users.update({ id: dormant.id, disabled: false });
    expect(await caller.users.update({ id: admin.userId, role: "viewer" })).toMatchObject({ role: "viewer" });
  });

  it("ends a user's sessions when they are disabled, and their sessions and tokens when deleted", async () => {
    const caller = callerFor(deps, admin);
    const dev = await createUser(deps.db, { email: "dev@example.com", role: "deployer", password: PASSWORD }, deps.now());
    expect(sessionPrincipal(dev.id)).not.toBeNull();
    const { token } = createApiToken(deps.db, { userId: dev.id, role: "deployer" }, { name: "ci" }, deps.now());

    await caller.users.update({ id: dev.id, disabled: true });
    expect(deps.db.select().from(sessions).where(eq(sessions.userId, dev.id)).all()).toHaveLength(0);
    expect(resolveTokenPrincipal(deps.db, token, deps.now())).toBeNull();

    await caller.users.update({ id: dev.id, disabled: false });
    expect(resolveTokenPrincipal(deps.db, token, deps.now())).not.toBeNull();
    expect(sessionPrincipal(dev.id)).not.toBeNull();
    await caller.users.delete({ id: dev.id });
    expect(deps.db.select().from(sessions).where(eq(sessions.userId, dev.id)).all()).toHaveLength(0);
    expect(resolveTokenPrincipal(deps.db, token, deps.now())).toBeNull();
  });

  it("resets a password: the old one stops working and the user's sessions end", async () => {
    const caller = callerFor(deps, admin);
    const dev = await createUser(deps.db, { email: "dev@example.com", role: "viewer", password: PASSWORD }, deps.now());
    sessionPrincipal(dev.id);
    await caller.users.resetPassword({ id: dev.id, password: "brand-new-password" });
    expect(deps.db.select().from(sessions).where(eq(sessions.userId, dev.id)).all()).toHaveLength(0);
    const anon = callerFor(deps, null);
    await expect(anon.auth.signIn({ email: "dev@example.com", password: PASSWORD })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anon.auth.signIn({ email: "dev@example.com", password: "brand-new-password" })).resolves.toMatchObject({ id: dev.id });
    await expect(caller.users.resetPassword({ id: dev.id, password: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("applies a role change to the user's existing session at once", async () => {
    const dev = await createUser(deps.db, { email: "dev@example.com", role: "deployer", password: PASSWORD }, deps.now());
    const { secret } = createSession(deps.db, deps.env, { userId: dev.id, ip: null }, deps.now());
    await callerFor(deps, admin).users.update({ id: dev.id, role: "viewer" });
    expect(resolvePrincipal(deps.db, { cookie: `landline_session=${secret}` }, deps.now(), parseCookie)?.role).toBe("viewer");
  });
});

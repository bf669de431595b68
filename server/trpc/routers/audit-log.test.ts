import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordAudit } from "../../storage/audit-rows";
import type { Principal } from "../../auth/principal";
import type { Deps } from "../../deps";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let admin: Principal;
let dev: Principal;
beforeEach(() => {
  deps = createTestDeps();
  admin = insertTestUser(deps, "admin", "admin@example.com");
  dev = insertTestUser(deps, "deployer", "dev@example.com");
  // 30 entries at t = 1000, 2000, ...: even ones by the admin on users, odd ones by the deployer (via a token) on applications.
  for (let i = 0; i < 30; i++) {
    const principal = i % 2 === 0 ? admin : { ...dev, via: "token" as const };
    const entry =
      i % 2 === 0
        ? { action: "users.update", resourceType: "user", resourceId: `u${i}` }
        : { action: "applications.create", resourceType: "application", resourceId: `a${i}` };
    recordAudit(deps.db, { principal, ip: "10.0.0.1" }, entry, (i + 1) * 1000);
  }
  recordAudit(deps.db, { principal: null, ip: null, actor: "admin-cli" }, { action: "users.create", resourceType: "user", resourceId: "cli" }, 31_000);
});
afterEach(() => deps.cleanup());

describe("auditLog.list", () => {
  it("is for admins only", async () => {
    await expect(callerFor(deps, dev).auditLog.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lists newest first and pages with a cursor until nextCursor is null", async () => {
    const caller = callerFor(deps, admin);
    const first = await caller.auditLog.list({ limit: 20 });
    expect(first.items).toHaveLength(20);
    expect(first.items[0]).toMatchObject({ actor: "admin-cli", action: "users.create", at: 31_000, userId: null });
    expect(first.items.map((e) => e.at)).toEqual([...first.items.map((e) => e.at)].sort((a, b) => b - a));
    const second = await caller.auditLog.list({ limit: 20, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(11);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((e) => e.id)).size).toBe(31);
    expect((await caller.auditLog.list()).items).toHaveLength(31);
  });

  it("filters by actor, user, action, resource and time", async () => {
    const caller = callerFor(deps, admin);
    const viaToken = await caller.auditLog.list({ actor: "DEV@" });
    expect(viaToken.items).toHaveLength(15);
    expect(viaToken.items.every((e) => e.actor === "dev@example.com (token)" && e.userId === dev.userId)).toBe(true);
    expect((await caller.auditLog.list({ userId: admin.userId })).items).toHaveLength(15);
    expect((await caller.auditLog.list({ action: "users.create" })).items.map((e) => e.resourceId)).toEqual(["cli"]);
    expect((await caller.auditLog.list({ resourceType: "user", resourceId: "u4" })).items).toMatchObject([{ at: 5000, ip: "10.0.0.1" }]);
    const window = await caller.auditLog.list({ from: 10_000, to: 14_000 });
    expect(window.items.map((e) => e.at)).toEqual([14_000, 13_000, 12_000, 11_000, 10_000]);
  });

  it("rejects a page size above 200", async () => {
    await expect(callerFor(deps, admin).auditLog.list({ limit: 201 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

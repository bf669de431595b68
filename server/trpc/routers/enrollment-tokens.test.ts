import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consumeEnrollmentToken, createEnrollmentToken } from "../../auth/enrollment-tokens";
import type { Deps } from "../../deps";
import { auditLog, enrollmentTokens } from "../../storage/schema";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let now: number;
beforeEach(() => {
  deps = createTestDeps();
  now = 1_700_000_000_000;
  deps.now = () => now;
});
afterEach(() => deps.cleanup());

const HOUR = 3_600_000;

describe("enrollment tokens", () => {
  it("lets a deployer create a single-use, 24-hour token with fixed tags and no approval by default, shown once and listed without the secret", async () => {
    const dev = insertTestUser(deps, "deployer", "dev@example.com");
    const created = await callerFor(deps, dev).enrollmentTokens.create({ name: "web", tags: [{ key: "env", value: "prod" }] });
    expect(created).toMatchObject({
      name: "web",
      maxUses: 1,
      uses: 0,
      expiresAt: now + 24 * HOUR,
      status: "active",
      createdByEmail: "dev@example.com",
      allowHostTags: false,
      requireApproval: false,
    });
    expect(created.token).toMatch(/^lle_[\w-]{43}$/);
    expect(JSON.stringify(deps.db.select().from(enrollmentTokens).all())).not.toContain(created.token);

    const listed = await callerFor(deps, insertTestUser(deps, "viewer")).enrollmentTokens.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty("token");
    expect(JSON.stringify(listed)).not.toContain(created.token);

    expect(consumeEnrollmentToken(deps.db, created.token, now)).toEqual({
      tokenId: created.id,
      tags: [{ key: "env", value: "prod" }],
      allowHostTags: false,
      requireApproval: false,
    });
    expect(consumeEnrollmentToken(deps.db, created.token, now)).toBeNull();
    expect((await callerFor(deps, dev).enrollmentTokens.list())[0]).toMatchObject({ uses: 1, status: "exhausted" });
    const audit = deps.db.select().from(auditLog).all();
    expect(audit).toMatchObject([{ action: "enrollmentTokens.create", actor: "dev@example.com", resourceId: created.id }]);
    expect(JSON.stringify(audit)).not.toContain(created.token);
  });

  it("refuses a viewer who tries to create or revoke", async () => {
    const viewer = callerFor(deps, insertTestUser(deps, "viewer"));
    await expect(viewer.enrollmentTokens.create({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.enrollmentTokens.revoke({ id: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("allows exactly maxUses enrollments, or any number when unlimited", () => {
    const three = createEnrollmentToken(deps.db, { expiresHours: 1, maxUses: 3, tags: [], allowHostTags: true, requireApproval: false, createdBy: null }, now);
    const results = Array.from({ length: 5 }, () => consumeEnrollmentToken(deps.db, three.token, now));
    expect(results.map((r) => r !== null)).toEqual([true, true, true, false, false]);

    const unlimited = createEnrollmentToken(
      deps.db,
      { expiresHours: null, maxUses: null, tags: [], allowHostTags: true, requireApproval: false, createdBy: null },
      now,
    );
    for (let i = 0; i < 50; i++) expect(consumeEnrollmentToken(deps.db, unlimited.token, now + i * 1000 * HOUR)).not.toBeNull();
  });

  it("refuses expired, revoked and unknown tokens", async () => {
    const dev = callerFor(deps, insertTestUser(deps, "deployer"));
    const expiring = await dev.enrollmentTokens.create({ expiresHours: 2, maxUses: null });
    expect(consumeEnrollmentToken(deps.db, expiring.token, now + 2 * HOUR - 1)).not.toBeNull();
    expect(consumeEnrollmentToken(deps.db, expiring.token, now + 2 * HOUR)).toBeNull();
    now += 2 * HOUR;
    expect((await dev.enrollmentTokens.list())[0].status).toBe("expired");

    const revoked = await dev.enrollmentTokens.create({ maxUses: null });
    const summary = await dev.enrollmentTokens.revoke({ id: revoked.id });
    expect(summary).toMatchObject({ status: "revoked", revokedAt: now });
    expect(consumeEnrollmentToken(deps.db, revoked.token, now)).toBeNull();
    await expect(dev.enrollmentTokens.revoke({ id: "no-such-token" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect(consumeEnrollmentToken(deps.db, "lle_unknown", now)).toBeNull();
  });

  it("validates its input", async () => {
    const dev = callerFor(deps, insertTestUser(deps, "deployer"));
    await expect(dev.enrollmentTokens.create({ maxUses: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(dev.enrollmentTokens.create({ expiresHours: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(dev.enrollmentTokens.create({ tags: [{ key: "", value: "x" }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

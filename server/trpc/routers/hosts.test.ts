import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateHostCredential, resolveHostCredential } from "../../auth/host-credentials";
import type { Principal } from "../../auth/principal";
import type { ListHostsInput } from "../../contracts/catalog";
import type { Role } from "../../contracts/resources";
import type { Deps } from "../../deps";
import { auditLog, hosts } from "../../storage/schema";
import { expectRoleRequired, insertTestDeployment, insertTestHost, insertTestRevision } from "../../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let viewer: Principal;

beforeEach(() => {
  deps = createTestDeps();
  viewer = insertTestUser(deps, "viewer");
});
afterEach(() => deps.cleanup());

describe("roles", () => {
  beforeEach(() => {
    insertTestHost(deps, "web-1", [{ key: "role", value: "web" }]);
  });

  it.each<[string, Role, (c: ReturnType<typeof callerFor>) => Promise<unknown>]>([
    ["list needs viewer", "viewer", (c) => c.hosts.list()],
    ["get needs viewer", "viewer", (c) => c.hosts.get({ hostName: "web-1" })],
    ["updateTags needs deployer", "deployer", (c) => c.hosts.updateTags({ hostName: "web-1", tags: [{ key: "role", value: "api" }] })],
    ["deregister needs admin", "admin", (c) => c.hosts.deregister({ hostName: "web-1" })],
    ["approve needs admin", "admin", (c) => c.hosts.approve({ hostName: "web-1" })],
    ["reject needs admin", "admin", (c) => c.hosts.reject({ hostName: "web-1" })],
  ])("%s", async (_, required, call) => {
    deps.db.update(hosts).set({ approval: "pending" }).where(eq(hosts.name, "web-1")).run();
    await expectRoleRequired(deps, required, call);
  });
});

describe("hosts.list", () => {
  beforeEach(() => {
    insertTestHost(
      deps,
      "web-1",
      [
        { key: "role", value: "web" },
        { key: "env", value: "prod" },
      ],
      { online: true, agentVersion: "1.4.0" },
    );
    insertTestHost(deps, "web-2", [
      { key: "role", value: "web" },
      { key: "env", value: "staging" },
    ]);
    insertTestHost(deps, "db-1", [{ key: "role", value: "db" }], { online: true });
    insertTestHost(deps, "Web-Old", [{ key: "role", value: "web" }], { online: true, deregisteredAt: 5 });
  });

  it.each<[string, ListHostsInput | undefined, string[]]>([
    ["no filter lists every host by name, deregistered ones too", undefined, ["Web-Old", "db-1", "web-1", "web-2"]],
    ["status Online leaves out offline and deregistered hosts", { status: "Online" }, ["db-1", "web-1"]],
    ["status Offline lists registered hosts without an agent connection", { status: "Offline" }, ["web-2"]],
    ["status Deregistered lists removed hosts even if they were online", { status: "Deregistered" }, ["Web-Old"]],
    ["a tag key alone matches any value", { tag: { key: "env" } }, ["web-1", "web-2"]],
    ["a tag key and value match the exact pair", { tag: { key: "env", value: "staging" } }, ["web-2"]],
    ["search is a case-insensitive substring of the name", { search: "WEB" }, ["Web-Old", "web-1", "web-2"]],
    ["search treats SQL wildcards literally", { search: "%" }, []],
    ["filters combine", { status: "Online", tag: { key: "role", value: "web" }, search: "web" }, ["web-1"]],
  ])("%s", async (_, filter, expected) => {
    const listed = await callerFor(deps, viewer).hosts.list(filter);
    expect(listed.map((h) => h.hostName)).toEqual(expected);
  });

  it("shows status, tags, facts and agent version", async () => {
    const [host] = await callerFor(deps, viewer).hosts.list({ search: "web-1" });
    expect(host).toMatchObject({
      hostName: "web-1",
      status: "Online",
      tags: [
        { key: "role", value: "web" },
        { key: "env", value: "prod" },
      ],
      agentVersion: "1.4.0",
      facts: { platform: "linux", agentVersion: "1.4.0" },
      deregisteredAt: null,
      currentDeployment: null,
    });
    expect((await callerFor(deps, viewer).hosts.get({ hostName: "web-2" })).agentVersion).toBeNull();
  });
});

describe("current deployment", () => {
  it("shows the running target first, then one waiting in an active deployment, and ignores finished deployments", async () => {
    const deployer = insertTestUser(deps, "deployer");
    const caller = callerFor(deps, deployer);
    const app = await caller.applications.create({ applicationName: "shop" });
    const group = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [] });
    const { revisionId } = insertTestRevision(deps, app.applicationId);
    const { hostId } = insertTestHost(deps, "web-1");
    const base = { applicationId: app.applicationId, deploymentGroupId: group.deploymentGroupId, revisionId };

    insertTestDeployment(deps, { ...base, status: "Failed", createdAt: 1, targets: [{ hostId, hostName: "web-1", status: "Pending" }] });
    expect((await caller.hosts.get({ hostName: "web-1" })).currentDeployment).toBeNull();

    const queued = insertTestDeployment(deps, { ...base, status: "Queued", createdAt: 2, targets: [{ hostId, hostName: "web-1", status: "Pending" }] });
    expect((await caller.hosts.get({ hostName: "web-1" })).currentDeployment).toEqual({
      deploymentId: queued.deploymentId,
      targetId: queued.targetIds[0],
      status: "Pending",
    });

    const running = insertTestDeployment(deps, { ...base, status: "InProgress", createdAt: 3, targets: [{ hostId, hostName: "web-1", status: "InProgress" }] });
    const expected = { deploymentId: running.deploymentId, targetId: running.targetIds[0], status: "InProgress" };
    expect((await caller.hosts.get({ hostName: "web-1" })).currentDeployment).toEqual(expected);
    expect((await caller.hosts.list()).map((h) => h.currentDeployment)).toEqual([expected]);
  });
});

describe("hosts.updateTags", () => {
  it("replaces the tags, changes what deployment groups match, and is audited with the old tags", async () => {
    const { hostId } = insertTestHost(deps, "web-1", [{ key: "role", value: "web" }]);
    const deployer = insertTestUser(deps, "deployer", "dora@example.com");
    const caller = callerFor(deps, deployer);
    const apiTagSet = [[{ key: "role", value: "api", type: "KEY_AND_VALUE" as const }]];
    expect(await caller.deploymentGroups.previewHosts({ onPremisesTagSet: apiTagSet })).toEqual([]);

    const updated = await caller.hosts.updateTags({
      hostName: "web-1",
      tags: [
        { key: "role", value: "api" },
        { key: "zone", value: "b" },
      ],
    });
    expect(updated.tags).toEqual([
      { key: "role", value: "api" },
      { key: "zone", value: "b" },
    ]);
    expect((await caller.deploymentGroups.previewHosts({ onPremisesTagSet: apiTagSet })).map((h) => h.hostName)).toEqual(["web-1"]);

    const [audit] = deps.db.select().from(auditLog).where(eq(auditLog.action, "hosts.updateTags")).all();
    expect(audit).toMatchObject({
      actor: "dora@example.com",
      resourceType: "host",
      resourceId: hostId,
      details: { hostName: "web-1", previousTags: [{ key: "role", value: "web" }], tags: updated.tags },
    });
  });

  it("refuses duplicate keys, pointing at the second one", async () => {
    insertTestHost(deps, "web-1");
    const err = await callerFor(deps, insertTestUser(deps, "deployer"))
      .hosts.updateTags({
        hostName: "web-1",
        tags: [
          { key: "a", value: "1" },
          { key: "a", value: "2" },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((err as { cause: { issues: { path: unknown[] }[] } }).cause.issues.map((i) => i.path)).toEqual([["tags", 1, "key"]]);
  });

  it("refuses to retag a deregistered host and an unknown one", async () => {
    insertTestHost(deps, "gone", [], { deregisteredAt: 1 });
    const caller = callerFor(deps, insertTestUser(deps, "deployer"));
    await expect(caller.hosts.updateTags({ hostName: "gone", tags: [] })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Host gone is deregistered; its tags can no longer change",
    });
    await expect(caller.hosts.updateTags({ hostName: "ghost", tags: [] })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Host ghost does not exist" });
  });
});

describe("hosts.deregister", () => {
  it("cuts the host off: its credential stops working, no tag set selects it, and the admin is recorded", async () => {
    const { hostId } = insertTestHost(deps, "web-1", [{ key: "role", value: "web" }], { online: true });
    const { credential, credentialHash } = generateHostCredential(hostId);
    deps.db.update(hosts).set({ credentialHash }).where(eq(hosts.id, hostId)).run();
    expect(resolveHostCredential(deps.db, credential)).toEqual({ hostId, hostName: "web-1" });

    const admin = insertTestUser(deps, "admin", "ada@example.com");
    const deregistered = await callerFor(deps, admin).hosts.deregister({ hostName: "web-1" });
    expect(deregistered).toMatchObject({ hostName: "web-1", status: "Deregistered", deregisteredAt: expect.any(Number) });

    expect(resolveHostCredential(deps.db, credential)).toBeNull();
    const web = [[{ key: "role", value: "web", type: "KEY_AND_VALUE" as const }]];
    expect(await callerFor(deps, viewer).deploymentGroups.previewHosts({ onPremisesTagSet: web })).toEqual([]);
    expect(deps.db.select().from(auditLog).where(eq(auditLog.action, "hosts.deregister")).all()).toMatchObject([
      { actor: "ada@example.com", resourceType: "host", resourceId: hostId, details: { hostName: "web-1" } },
    ]);
  });

  it("tells browsers watching the fleet that the host changed", async () => {
    const { hostId } = insertTestHost(deps, "web-1", [], { online: true });
    const published: unknown[] = [];
    const live = { publish: (...args: unknown[]) => void published.push(args) };
    await callerFor(deps, insertTestUser(deps, "admin"), { services: { ...deps.services, live } }).hosts.deregister({ hostName: "web-1" });
    expect(published).toEqual([["fleet", "host:updated", { hostId, name: "web-1", online: false, lastSeenAt: null }]]);
  });

  it("refuses to deregister twice", async () => {
    insertTestHost(deps, "web-1");
    const caller = callerFor(deps, insertTestUser(deps, "admin"));
    await caller.hosts.deregister({ hostName: "web-1" });
    await expect(caller.hosts.deregister({ hostName: "web-1" })).rejects.toMatchObject({ code: "CONFLICT", message: "Host web-1 is already deregistered" });
  });
});

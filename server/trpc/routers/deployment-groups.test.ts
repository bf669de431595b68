import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import type { DeploymentStatus } from "../../contracts/deployment";
import type { Role, TagSet } from "../../contracts/resources";
import type { Deps } from "../../deps";
import { auditLog, deployments, logLines } from "../../storage/schema";
import { expectRoleRequired, insertTestDeployment, insertTestHost, insertTestRevision } from "../../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let deployer: Principal;

beforeEach(async () => {
  deps = createTestDeps();
  deployer = insertTestUser(deps, "deployer", "dora@example.com");
  await callerFor(deps, deployer).applications.create({ applicationName: "shop" });
});
afterEach(() => deps.cleanup());

const web: TagSet = [[{ key: "role", value: "web", type: "KEY_AND_VALUE" }]];

describe("roles", () => {
  const group = { applicationName: "shop", deploymentGroupName: "roles" };
  it.each<[string, Role, (c: ReturnType<typeof callerFor>) => Promise<unknown>]>([
    ["list needs viewer", "viewer", (c) => c.deploymentGroups.list({ applicationName: "shop" })],
    ["get needs viewer", "viewer", (c) => c.deploymentGroups.get(group)],
    ["previewHosts needs viewer", "viewer", (c) => c.deploymentGroups.previewHosts({ onPremisesTagSet: web })],
    ["create needs deployer", "deployer", (c) => c.deploymentGroups.create({ ...group, onPremisesTagSet: web })],
    ["update needs deployer", "deployer", (c) => c.deploymentGroups.update({ applicationName: "shop", currentDeploymentGroupName: "missing" })],
    ["delete needs deployer", "deployer", (c) => c.deploymentGroups.delete({ applicationName: "shop", deploymentGroupName: "missing" })],
  ])("%s", async (_, required, call) => {
    await expectRoleRequired(deps, required, call);
  });
});

describe("deployment groups", () => {
  it("creates a group with CodeDeploy's defaults and counts the hosts it matches", async () => {
    insertTestHost(deps, "web-1", [{ key: "role", value: "web" }], { online: true });
    insertTestHost(deps, "web-2", [{ key: "role", value: "web" }]);
    insertTestHost(deps, "web-old", [{ key: "role", value: "web" }], { deregisteredAt: 1 });
    insertTestHost(deps, "db-1", [{ key: "role", value: "db" }]);
    const caller = callerFor(deps, deployer);
    const created = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: web });
    expect(created).toMatchObject({
      applicationName: "shop",
      deploymentGroupName: "prod",
      deploymentConfigName: "CodeDeployDefault.OneAtATime",
      onPremisesTagSet: web,
      autoRollbackConfiguration: { enabled: false, events: [] },
      fileExistsBehavior: "DISALLOW",
      lastSuccessfulDeployment: null,
      lastAttemptedDeployment: null,
      matchingHostCount: 2,
    });
    expect(await caller.deploymentGroups.get({ applicationName: "shop", deploymentGroupName: "prod" })).toEqual(created);
    expect(await caller.deploymentGroups.list({ applicationName: "shop" })).toEqual([created]);
  });

  it("keeps the settings it is given", async () => {
    await callerFor(deps, deployer).deploymentConfigs.create({ deploymentConfigName: "Half", minimumHealthyHosts: { type: "FLEET_PERCENT", value: 50 } });
    const created = await callerFor(deps, deployer).deploymentGroups.create({
      applicationName: "shop",
      deploymentGroupName: "prod",
      deploymentConfigName: "Half",
      onPremisesTagSet: web,
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
      fileExistsBehavior: "OVERWRITE",
    });
    expect(created).toMatchObject({
      deploymentConfigName: "Half",
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
      fileExistsBehavior: "OVERWRITE",
    });
  });

  it("refuses an unknown deployment config, naming the field", async () => {
    await expect(
      callerFor(deps, deployer).deploymentGroups.create({
        applicationName: "shop",
        deploymentGroupName: "prod",
        deploymentConfigName: "Nope",
        onPremisesTagSet: web,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "Deployment config Nope does not exist", cause: { details: { field: "deploymentConfigName" } } });
  });

  it("refuses a group in an application that does not exist", async () => {
    await expect(
      callerFor(deps, deployer).deploymentGroups.create({ applicationName: "ghost", deploymentGroupName: "prod", onPremisesTagSet: web }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "Application ghost does not exist" });
  });

  it("refuses a duplicate name within an application but allows it in another", async () => {
    const caller = callerFor(deps, deployer);
    await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: web });
    await expect(caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [] })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Deployment group prod already exists in application shop",
    });
    await caller.applications.create({ applicationName: "blog" });
    await expect(caller.deploymentGroups.create({ applicationName: "blog", deploymentGroupName: "prod", onPremisesTagSet: [] })).resolves.toMatchObject({
      applicationName: "blog",
    });
  });

  it("refuses a tag filter missing its key, pointing at the filter", async () => {
    const err = await callerFor(deps, deployer)
      .deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [web[0], [{ value: "x", type: "KEY_ONLY" }]] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((err as { cause: { issues: { path: unknown[]; message: string }[] } }).cause.issues).toMatchObject([
      { path: ["onPremisesTagSet", 1, 0, "key"], message: "key is required for KEY_ONLY" },
    ]);
  });

  it("updates only the fields given and renames within the application", async () => {
    const caller = callerFor(deps, deployer);
    const created = await caller.deploymentGroups.create({
      applicationName: "shop",
      deploymentGroupName: "prod",
      onPremisesTagSet: web,
      fileExistsBehavior: "RETAIN",
    });
    const updated = await caller.deploymentGroups.update({
      applicationName: "shop",
      currentDeploymentGroupName: "prod",
      newDeploymentGroupName: "production",
      deploymentConfigName: "CodeDeployDefault.AllAtOnce",
    });
    expect(updated).toMatchObject({
      deploymentGroupId: created.deploymentGroupId,
      deploymentGroupName: "production",
      deploymentConfigName: "CodeDeployDefault.AllAtOnce",
      onPremisesTagSet: web,
      fileExistsBehavior: "RETAIN",
    });
    await expect(caller.deploymentGroups.get({ applicationName: "shop", deploymentGroupName: "prod" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it.each([
    ["a rename onto another group's name", { newDeploymentGroupName: "staging" }, "CONFLICT", "newDeploymentGroupName"],
    ["an unknown deployment config", { deploymentConfigName: "Nope" }, "NOT_FOUND", "deploymentConfigName"],
    ["a group that does not exist", { currentDeploymentGroupName: "ghost" }, "NOT_FOUND", "currentDeploymentGroupName"],
  ])("refuses an update with %s, naming the field", async (_, change, code, field) => {
    const caller = callerFor(deps, deployer);
    await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: web });
    await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "staging", onPremisesTagSet: [] });
    await expect(caller.deploymentGroups.update({ applicationName: "shop", currentDeploymentGroupName: "prod", ...change })).rejects.toMatchObject({
      code,
      cause: { details: { field } },
    });
    expect((await caller.deploymentGroups.get({ applicationName: "shop", deploymentGroupName: "prod" })).deploymentConfigName).toBe(
      "CodeDeployDefault.OneAtATime",
    );
  });

  it("reports the last successful and the last attempted deployment", async () => {
    const caller = callerFor(deps, deployer);
    const app = await caller.applications.get({ applicationName: "shop" });
    const group = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: web });
    const { revisionId } = insertTestRevision(deps, app.applicationId);
    const base = { applicationId: app.applicationId, deploymentGroupId: group.deploymentGroupId, revisionId };
    const ok = insertTestDeployment(deps, { ...base, status: "Succeeded", createdAt: 1000, completedAt: 1500 });
    const failed = insertTestDeployment(deps, { ...base, status: "Failed", createdAt: 2000, completedAt: 2500 });
    insertTestDeployment(deps, { ...base, status: "Queued", createdAt: 3000 });
    const got = await caller.deploymentGroups.get({ applicationName: "shop", deploymentGroupName: "prod" });
    expect(got.lastSuccessfulDeployment).toEqual({ deploymentId: ok.deploymentId, status: "Succeeded", createTime: 1000, endTime: 1500, revisionId });
    expect(got.lastAttemptedDeployment).toEqual({ deploymentId: failed.deploymentId, status: "Failed", createTime: 2000, endTime: 2500, revisionId });
  });

  it.each<[string, DeploymentStatus]>([
    ["scheduled", "Scheduled"],
    ["created", "Created"],
    ["queued", "Queued"],
    ["running", "InProgress"],
  ])("refuses to delete a group with a %s deployment", async (_, status) => {
    const caller = callerFor(deps, deployer);
    const app = await caller.applications.get({ applicationName: "shop" });
    const group = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: web });
    const { revisionId } = insertTestRevision(deps, app.applicationId);
    const { deploymentId } = insertTestDeployment(deps, { applicationId: app.applicationId, deploymentGroupId: group.deploymentGroupId, revisionId, status });
    await expect(caller.deploymentGroups.delete({ applicationName: "shop", deploymentGroupName: "prod" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Deployment group prod has 1 deployment in progress; stop them first",
      cause: { details: { deploymentIds: [deploymentId] } },
    });
    await expect(caller.deploymentGroups.get({ applicationName: "shop", deploymentGroupName: "prod" })).resolves.toMatchObject({ deploymentGroupName: "prod" });
  });

  it("deletes a group with its finished deployments and their log lines, leaving other groups' history", async () => {
    const caller = callerFor(deps, deployer);
    const app = await caller.applications.get({ applicationName: "shop" });
    const prod = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: web });
    const staging = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "staging", onPremisesTagSet: web });
    const { revisionId } = insertTestRevision(deps, app.applicationId);
    const { hostId } = insertTestHost(deps, "web-1", [{ key: "role", value: "web" }]);
    const targets = [{ hostId, hostName: "web-1", status: "Succeeded" as const }];
    insertTestDeployment(deps, { applicationId: app.applicationId, deploymentGroupId: prod.deploymentGroupId, revisionId, status: "Succeeded", targets });
    const kept = insertTestDeployment(deps, {
      applicationId: app.applicationId,
      deploymentGroupId: staging.deploymentGroupId,
      revisionId,
      status: "Stopped",
      targets,
    });
    await expect(caller.deploymentGroups.delete({ applicationName: "shop", deploymentGroupName: "prod" })).resolves.toMatchObject({ deletedDeployments: 1 });
    expect(deps.db.select({ id: deployments.id }).from(deployments).all()).toEqual([{ id: kept.deploymentId }]);
    expect(deps.db.select({ id: logLines.deploymentId }).from(logLines).all()).toEqual([{ id: kept.deploymentId }]);
    expect((await caller.deploymentGroups.list({ applicationName: "shop" })).map((g) => g.deploymentGroupName)).toEqual(["staging"]);
    expect((await caller.applications.get({ applicationName: "shop" })).revisionCount).toBe(1);
  });

  it("records create, update and delete in the audit log", async () => {
    const caller = callerFor(deps, deployer);
    const group = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: web });
    await caller.deploymentGroups.update({ applicationName: "shop", currentDeploymentGroupName: "prod", fileExistsBehavior: "OVERWRITE" });
    await caller.deploymentGroups.delete({ applicationName: "shop", deploymentGroupName: "prod" });
    const rows = deps.db.select().from(auditLog).where(eq(auditLog.resourceType, "deploymentGroup")).orderBy(auditLog.id).all();
    expect(rows.map((r) => [r.actor, r.action, r.resourceId])).toEqual([
      ["dora@example.com", "deploymentGroups.create", group.deploymentGroupId],
      ["dora@example.com", "deploymentGroups.update", group.deploymentGroupId],
      ["dora@example.com", "deploymentGroups.delete", group.deploymentGroupId],
    ]);
    expect(rows[1].details).toEqual({ applicationName: "shop", deploymentGroupName: "prod", changes: { fileExistsBehavior: "OVERWRITE" } });
  });
});

describe("previewHosts", () => {
  beforeEach(() => {
    insertTestHost(
      deps,
      "web-prod",
      [
        { key: "role", value: "web" },
        { key: "env", value: "prod" },
      ],
      { online: true },
    );
    insertTestHost(deps, "web-staging", [
      { key: "role", value: "web" },
      { key: "env", value: "staging" },
    ]);
    insertTestHost(deps, "db-prod", [
      { key: "role", value: "db" },
      { key: "env", value: "prod" },
    ]);
    insertTestHost(deps, "cache", [{ key: "tier", value: "web" }]);
    insertTestHost(deps, "untagged", []);
    insertTestHost(
      deps,
      "web-retired",
      [
        { key: "role", value: "web" },
        { key: "env", value: "prod" },
      ],
      { deregisteredAt: 1 },
    );
  });

  it.each<[string, TagSet, string[]]>([
    ["an empty tag set matches no host", [], []],
    ["KEY_ONLY matches every host with the key, whatever its value", [[{ key: "env", type: "KEY_ONLY" }]], ["db-prod", "web-prod", "web-staging"]],
    ["VALUE_ONLY matches the value under any key", [[{ value: "web", type: "VALUE_ONLY" }]], ["cache", "web-prod", "web-staging"]],
    ["KEY_AND_VALUE matches only the exact pair", [[{ key: "role", value: "web", type: "KEY_AND_VALUE" }]], ["web-prod", "web-staging"]],
    ["KEY_AND_VALUE is case-sensitive", [[{ key: "role", value: "Web", type: "KEY_AND_VALUE" }]], []],
    [
      "filters within one group are ORed",
      [
        [
          { key: "role", value: "db", type: "KEY_AND_VALUE" },
          { key: "tier", type: "KEY_ONLY" },
        ],
      ],
      ["cache", "db-prod"],
    ],
    ["groups are ANDed", [[{ key: "role", value: "web", type: "KEY_AND_VALUE" }], [{ key: "env", value: "prod", type: "KEY_AND_VALUE" }]], ["web-prod"]],
    [
      "OR within and AND across groups combine",
      [
        [
          { key: "role", value: "web", type: "KEY_AND_VALUE" },
          { key: "role", value: "db", type: "KEY_AND_VALUE" },
        ],
        [{ key: "env", value: "prod", type: "KEY_AND_VALUE" }],
      ],
      ["db-prod", "web-prod"],
    ],
    ["a group no host satisfies empties the selection", [[{ key: "role", type: "KEY_ONLY" }], [{ value: "nowhere", type: "VALUE_ONLY" }]], []],
    ["a deregistered host is never matched", [[{ key: "env", value: "prod", type: "KEY_AND_VALUE" }]], ["db-prod", "web-prod"]],
  ])("%s", async (_, onPremisesTagSet, expected) => {
    const hosts = await callerFor(deps, insertTestUser(deps, "viewer")).deploymentGroups.previewHosts({ onPremisesTagSet });
    expect(hosts.map((h) => h.hostName)).toEqual(expected);
  });

  it("shows each matched host's status", async () => {
    const hosts = await callerFor(deps, deployer).deploymentGroups.previewHosts({ onPremisesTagSet: web });
    expect(hosts.map((h) => [h.hostName, h.status])).toEqual([
      ["web-prod", "Online"],
      ["web-staging", "Offline"],
    ]);
  });
});

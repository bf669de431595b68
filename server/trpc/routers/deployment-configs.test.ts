import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import type { DeploymentStatus } from "../../contracts/deployment";
import type { Role } from "../../contracts/resources";
import type { Deps } from "../../deps";
import { auditLog } from "../../storage/schema";
import { expectRoleRequired, insertTestDeployment, insertTestRevision } from "../../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let deployer: Principal;

beforeEach(() => {
  deps = createTestDeps();
  deployer = insertTestUser(deps, "deployer", "dora@example.com");
});
afterEach(() => deps.cleanup());

describe("roles", () => {
  it.each<[string, Role, (c: ReturnType<typeof callerFor>) => Promise<unknown>]>([
    ["list needs viewer", "viewer", (c) => c.deploymentConfigs.list()],
    ["get needs viewer", "viewer", (c) => c.deploymentConfigs.get({ deploymentConfigName: "CodeDeployDefault.AllAtOnce" })],
    [
      "create needs deployer",
      "deployer",
      (c) => c.deploymentConfigs.create({ deploymentConfigName: "Roles", minimumHealthyHosts: { type: "HOST_COUNT", value: 1 } }),
    ],
    ["delete needs deployer", "deployer", (c) => c.deploymentConfigs.delete({ deploymentConfigName: "Missing" })],
  ])("%s", async (_, required, call) => {
    await expectRoleRequired(deps, required, call);
  });
});

describe("deployment configs", () => {
  it("lists the three predefined configs as CodeDeploy reports them", async () => {
    const configs = await callerFor(deps, deployer).deploymentConfigs.list();
    expect(configs.map((c) => [c.deploymentConfigName, c.minimumHealthyHosts, c.predefined])).toEqual([
      ["CodeDeployDefault.AllAtOnce", { type: "HOST_COUNT", value: 0 }, true],
      ["CodeDeployDefault.HalfAtATime", { type: "FLEET_PERCENT", value: 50 }, true],
      ["CodeDeployDefault.OneAtATime", { type: "MOST_CONCURRENCY", value: 1 }, true],
    ]);
    expect(configs.every((c) => c.computePlatform === "Server")).toBe(true);
  });

  it("creates a custom config, lists it after the predefined ones and gets it by name", async () => {
    const caller = callerFor(deps, deployer);
    const created = await caller.deploymentConfigs.create({ deploymentConfigName: "ThreeHealthy", minimumHealthyHosts: { type: "HOST_COUNT", value: 3 } });
    expect(created).toMatchObject({
      deploymentConfigName: "ThreeHealthy",
      minimumHealthyHosts: { type: "HOST_COUNT", value: 3 },
      predefined: false,
      computePlatform: "Server",
    });
    expect(await caller.deploymentConfigs.get({ deploymentConfigName: "ThreeHealthy" })).toEqual(created);
    expect((await caller.deploymentConfigs.list()).map((c) => c.deploymentConfigName).at(-1)).toBe("ThreeHealthy");
  });

  it.each([
    ["a negative HOST_COUNT", { type: "HOST_COUNT", value: -1 }, ["minimumHealthyHosts", "value"]],
    ["FLEET_PERCENT 100", { type: "FLEET_PERCENT", value: 100 }, ["minimumHealthyHosts", "value"]],
    ["a fractional value", { type: "FLEET_PERCENT", value: 12.5 }, ["minimumHealthyHosts", "value"]],
    ["MOST_CONCURRENCY, which users cannot set", { type: "MOST_CONCURRENCY", value: 1 }, ["minimumHealthyHosts", "type"]],
  ])("refuses %s and points at the field", async (_, minimumHealthyHosts, path) => {
    const err = await callerFor(deps, deployer)
      .deploymentConfigs.create({ deploymentConfigName: "Bad", minimumHealthyHosts: minimumHealthyHosts as never })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((err as { cause: { issues: { path: unknown[] }[] } }).cause.issues.map((i) => i.path)).toEqual([path]);
  });

  it("refuses the reserved CodeDeployDefault. prefix", async () => {
    await expect(
      callerFor(deps, deployer).deploymentConfigs.create({
        deploymentConfigName: "CodeDeployDefault.Mine",
        minimumHealthyHosts: { type: "HOST_COUNT", value: 1 },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("reserved") });
  });

  it("refuses a duplicate name", async () => {
    const caller = callerFor(deps, deployer);
    await caller.deploymentConfigs.create({ deploymentConfigName: "Twice", minimumHealthyHosts: { type: "HOST_COUNT", value: 1 } });
    await expect(
      caller.deploymentConfigs.create({ deploymentConfigName: "Twice", minimumHealthyHosts: { type: "FLEET_PERCENT", value: 1 } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Deployment config Twice already exists",
    });
  });

  it.each(["CodeDeployDefault.OneAtATime", "CodeDeployDefault.HalfAtATime", "CodeDeployDefault.AllAtOnce"])(
    "refuses to delete the predefined %s",
    async (name) => {
      const caller = callerFor(deps, insertTestUser(deps, "admin"));
      await expect(caller.deploymentConfigs.delete({ deploymentConfigName: name })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: `Deployment config ${name} is predefined and cannot be deleted`,
      });
      expect((await caller.deploymentConfigs.get({ deploymentConfigName: name })).predefined).toBe(true);
    },
  );

  it("refuses to delete a config a deployment group uses, naming the groups", async () => {
    const caller = callerFor(deps, deployer);
    await caller.deploymentConfigs.create({ deploymentConfigName: "Careful", minimumHealthyHosts: { type: "FLEET_PERCENT", value: 75 } });
    await caller.applications.create({ applicationName: "shop" });
    await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", deploymentConfigName: "Careful", onPremisesTagSet: [] });
    await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "canary", deploymentConfigName: "Careful", onPremisesTagSet: [] });
    await expect(caller.deploymentConfigs.delete({ deploymentConfigName: "Careful" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Deployment config Careful is used by deployment groups shop/canary, shop/prod",
      cause: { details: { deploymentGroups: ["shop/canary", "shop/prod"] } },
    });
  });

  it.each<[string, DeploymentStatus, boolean]>([
    ["refuses to delete a config a running deployment uses", "InProgress", false],
    ["refuses to delete a config a scheduled deployment uses", "Scheduled", false],
    ["deletes a config only finished deployments used", "Succeeded", true],
  ])("%s", async (_, status, deletable) => {
    const caller = callerFor(deps, deployer);
    await caller.deploymentConfigs.create({ deploymentConfigName: "Once", minimumHealthyHosts: { type: "HOST_COUNT", value: 0 } });
    const app = await caller.applications.create({ applicationName: "shop" });
    const group = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [] });
    const { revisionId } = insertTestRevision(deps, app.applicationId);
    const { deploymentId } = insertTestDeployment(deps, {
      applicationId: app.applicationId,
      deploymentGroupId: group.deploymentGroupId,
      revisionId,
      status,
      deploymentConfigName: "Once",
    });
    const result = caller.deploymentConfigs.delete({ deploymentConfigName: "Once" });
    if (deletable) await expect(result).resolves.toMatchObject({ deploymentConfigId: expect.any(String) });
    else await expect(result).rejects.toMatchObject({ code: "CONFLICT", message: `Deployment config Once is used by deployment in progress ${deploymentId}` });
  });

  it("says a missing config does not exist", async () => {
    await expect(callerFor(deps, deployer).deploymentConfigs.get({ deploymentConfigName: "Nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Deployment config Nope does not exist",
    });
  });

  it("records creation and deletion in the audit log", async () => {
    const caller = callerFor(deps, deployer);
    const created = await caller.deploymentConfigs.create({ deploymentConfigName: "Audited", minimumHealthyHosts: { type: "FLEET_PERCENT", value: 10 } });
    await caller.deploymentConfigs.delete({ deploymentConfigName: "Audited" });
    const rows = deps.db.select().from(auditLog).orderBy(auditLog.id).all();
    expect(rows.map((r) => [r.actor, r.action, r.resourceType, r.resourceId, r.details])).toEqual([
      [
        "dora@example.com",
        "deploymentConfigs.create",
        "deploymentConfig",
        created.deploymentConfigId,
        { deploymentConfigName: "Audited", minimumHealthyHosts: { type: "FLEET_PERCENT", value: 10 } },
      ],
      ["dora@example.com", "deploymentConfigs.delete", "deploymentConfig", created.deploymentConfigId, { deploymentConfigName: "Audited" }],
    ]);
    await expect(caller.deploymentConfigs.get({ deploymentConfigName: "Audited" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

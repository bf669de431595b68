import fs from "node:fs";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import type { DeploymentStatus } from "../../contracts/deployment";
import type { Role } from "../../contracts/resources";
import type { Deps } from "../../deps";
import { auditLog, deploymentGroups, deploymentTargets, deployments, lifecycleEvents, logLines, revisions } from "../../storage/schema";
import { expectRoleRequired, insertTestDeployment, insertTestHost, insertTestRevision } from "../../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";
import { archiveOf, validBundleEntries } from "../../test/test-archives";
import { bundlePath } from "../../bundles/bundle-store";
import { uploadRevision } from "../../bundles/upload-revision";

let deps: Deps & { cleanup: () => void };
let deployer: Principal;

beforeEach(() => {
  deps = createTestDeps();
  deployer = insertTestUser(deps, "deployer", "dora@example.com");
});
afterEach(() => deps.cleanup());

async function setUpApplicationWithHistory(status: DeploymentStatus) {
  const caller = callerFor(deps, deployer);
  const app = await caller.applications.create({ applicationName: "shop" });
  const group = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [] });
  const { revisionId } = insertTestRevision(deps, app.applicationId);
  const { hostId } = insertTestHost(deps, "web-1");
  const deployment = insertTestDeployment(deps, {
    applicationId: app.applicationId,
    deploymentGroupId: group.deploymentGroupId,
    revisionId,
    status,
    targets: [{ hostId, hostName: "web-1", status: status === "InProgress" ? "InProgress" : "Succeeded" }],
  });
  return { caller, app, group, revisionId, deployment };
}

describe("roles", () => {
  it.each<[string, Role, (c: ReturnType<typeof callerFor>) => Promise<unknown>]>([
    ["list needs viewer", "viewer", (c) => c.applications.list()],
    ["get needs viewer", "viewer", (c) => c.applications.get({ applicationName: "missing" })],
    ["create needs deployer", "deployer", (c) => c.applications.create({ applicationName: "roles-app" })],
    ["update needs deployer", "deployer", (c) => c.applications.update({ applicationName: "missing", newApplicationName: "other" })],
    ["delete needs deployer", "deployer", (c) => c.applications.delete({ applicationName: "missing" })],
  ])("%s", async (_, required, call) => {
    await expectRoleRequired(deps, required, call);
  });
});

describe("applications", () => {
  it("creates an application and reads it back with empty counts", async () => {
    const caller = callerFor(deps, deployer);
    const created = await caller.applications.create({ applicationName: "shop" });
    expect(created).toMatchObject({ applicationName: "shop", computePlatform: "Server", deploymentGroupCount: 0, revisionCount: 0, latestDeployment: null });
    expect(await caller.applications.get({ applicationName: "shop" })).toEqual(created);
    expect((await caller.applications.list()).map((a) => a.applicationName)).toEqual(["shop"]);
  });

  it("refuses a duplicate name with a clear message", async () => {
    const caller = callerFor(deps, deployer);
    await caller.applications.create({ applicationName: "shop" });
    await expect(caller.applications.create({ applicationName: "shop" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Application shop already exists",
    });
  });

  it("refuses an invalid name and says which field", async () => {
    const caller = callerFor(deps, deployer);
    const err = await caller.applications.create({ applicationName: "my shop" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((err as { cause: { issues: { path: string[] }[] } }).cause.issues[0].path).toEqual(["applicationName"]);
  });

  it("says a missing application does not exist, naming the field", async () => {
    await expect(callerFor(deps, deployer).applications.get({ applicationName: "ghost" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Application ghost does not exist",
      cause: { details: { field: "applicationName" } },
    });
  });

  it("counts groups and revisions and shows the latest deployment", async () => {
    const { caller, app, deployment, revisionId } = await setUpApplicationWithHistory("Succeeded");
    const got = await caller.applications.get({ applicationName: "shop" });
    expect(got).toMatchObject({ deploymentGroupCount: 1, revisionCount: 1 });
    expect(got.latestDeployment).toMatchObject({ deploymentId: deployment.deploymentId, status: "Succeeded", deploymentGroupName: "prod", revisionId });
    expect(got.applicationId).toBe(app.applicationId);
  });

  it("renames an application, keeping its id and groups", async () => {
    const { caller, app } = await setUpApplicationWithHistory("Succeeded");
    const renamed = await caller.applications.update({ applicationName: "shop", newApplicationName: "store" });
    expect(renamed).toMatchObject({ applicationId: app.applicationId, applicationName: "store", deploymentGroupCount: 1 });
    await expect(caller.applications.get({ applicationName: "shop" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await caller.deploymentGroups.list({ applicationName: "store" })).map((g) => g.deploymentGroupName)).toEqual(["prod"]);
  });

  it("refuses a rename onto an existing name, naming the new-name field", async () => {
    const caller = callerFor(deps, deployer);
    await caller.applications.create({ applicationName: "shop" });
    await caller.applications.create({ applicationName: "store" });
    await expect(caller.applications.update({ applicationName: "shop", newApplicationName: "store" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Application store already exists",
      cause: { details: { field: "newApplicationName" } },
    });
  });

  it.each<[string, DeploymentStatus]>([
    ["a scheduled deployment", "Scheduled"],
    ["a created deployment", "Created"],
    ["a queued deployment", "Queued"],
    ["a running deployment", "InProgress"],
  ])("refuses to delete an application with %s and deletes nothing", async (_, status) => {
    const { caller, deployment } = await setUpApplicationWithHistory(status);
    await expect(caller.applications.delete({ applicationName: "shop" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Application shop has 1 deployment in progress; stop them first",
    });
    expect(deps.db.select().from(deployments).where(eq(deployments.id, deployment.deploymentId)).all()).toHaveLength(1);
    expect((await caller.applications.get({ applicationName: "shop" })).deploymentGroupCount).toBe(1);
  });

  it("deletes an application with its groups, revisions, deployments, targets, events and log lines", async () => {
    const { caller } = await setUpApplicationWithHistory("Failed");
    const other = await setUpOtherApplicationHistory();
    expect(await caller.applications.delete({ applicationName: "shop" })).toMatchObject({ deletedDeployments: 1 });
    await expect(caller.applications.get({ applicationName: "shop" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const left = {
      deployments: deps.db
        .select({ id: deployments.id })
        .from(deployments)
        .all()
        .map((r) => r.id),
      targets: deps.db
        .select({ id: deploymentTargets.deploymentId })
        .from(deploymentTargets)
        .all()
        .map((r) => r.id),
      events: deps.db
        .select({ id: lifecycleEvents.deploymentId })
        .from(lifecycleEvents)
        .all()
        .map((r) => r.id),
      logLines: deps.db
        .select({ id: logLines.deploymentId })
        .from(logLines)
        .all()
        .map((r) => r.id),
    };
    expect(left).toEqual({ deployments: [other.deploymentId], targets: [other.deploymentId], events: [other.deploymentId], logLines: [other.deploymentId] });
    expect(
      deps.db
        .select()
        .from(deploymentGroups)
        .all()
        .map((g) => g.name),
    ).toEqual(["other-group"]);
    expect(deps.db.select().from(revisions).all()).toHaveLength(1);
  });

  async function setUpOtherApplicationHistory() {
    const caller = callerFor(deps, deployer);
    const app = await caller.applications.create({ applicationName: "other" });
    const group = await caller.deploymentGroups.create({ applicationName: "other", deploymentGroupName: "other-group", onPremisesTagSet: [] });
    const { revisionId } = insertTestRevision(deps, app.applicationId);
    const { hostId } = insertTestHost(deps, "db-1");
    return insertTestDeployment(deps, {
      applicationId: app.applicationId,
      deploymentGroupId: group.deploymentGroupId,
      revisionId,
      status: "Succeeded",
      targets: [{ hostId, hostName: "db-1", status: "Succeeded" }],
    });
  }

  it("removes the deleted application's bundle files, keeping one another application's revision shares", async () => {
    const caller = callerFor(deps, deployer);
    await caller.applications.create({ applicationName: "shop" });
    await caller.applications.create({ applicationName: "blog" });
    const upload = (applicationName: string, extra: string) =>
      archiveOf("tar", [...validBundleEntries(), { name: "extra.txt", body: Buffer.from(extra) }]).then((bundle) =>
        uploadRevision(deps, { principal: deployer, ip: null }, { applicationName, claimedType: null }, Readable.from([bundle])),
      );
    const own = (await upload("shop", "only in shop")).result;
    const shared = (await upload("shop", "in both")).result;
    expect((await upload("blog", "in both")).result.sha256).toBe(shared.sha256);
    const file = (sha256: string) => bundlePath(deps.env.bundleDir, sha256);
    expect(fs.existsSync(file(own.sha256)) && fs.existsSync(file(shared.sha256))).toBe(true);

    await caller.applications.delete({ applicationName: "shop" });
    expect(fs.existsSync(file(own.sha256))).toBe(false);
    expect(fs.existsSync(file(shared.sha256))).toBe(true);
    const audit = deps.db.select().from(auditLog).where(eq(auditLog.action, "applications.delete")).get();
    expect(audit?.details).toMatchObject({ deletedBundles: 1 });

    // The same bytes uploaded again are stored again.
    await caller.applications.create({ applicationName: "shop" });
    const again = (await upload("shop", "only in shop")).result;
    expect(again.sha256).toBe(own.sha256);
    expect(fs.existsSync(file(own.sha256))).toBe(true);
  });

  it("records who created, renamed and deleted an application", async () => {
    const caller = callerFor(deps, deployer);
    const app = await caller.applications.create({ applicationName: "shop" });
    await caller.applications.update({ applicationName: "shop", newApplicationName: "store" });
    await caller.applications.delete({ applicationName: "store" });
    const rows = deps.db.select().from(auditLog).orderBy(auditLog.id).all();
    expect(rows.map((r) => ({ actor: r.actor, action: r.action, resourceType: r.resourceType, resourceId: r.resourceId, details: r.details }))).toEqual([
      {
        actor: "dora@example.com",
        action: "applications.create",
        resourceType: "application",
        resourceId: app.applicationId,
        details: { applicationName: "shop" },
      },
      {
        actor: "dora@example.com",
        action: "applications.update",
        resourceType: "application",
        resourceId: app.applicationId,
        details: { applicationName: "shop", newApplicationName: "store" },
      },
      {
        actor: "dora@example.com",
        action: "applications.delete",
        resourceType: "application",
        resourceId: app.applicationId,
        details: { applicationName: "store", deletedDeployments: 0, deletedBundles: 0 },
      },
    ]);
  });

  it("writes no audit row when a change is refused", async () => {
    await callerFor(deps, deployer)
      .applications.delete({ applicationName: "ghost" })
      .catch(() => {});
    expect(deps.db.select().from(auditLog).all()).toEqual([]);
  });
});

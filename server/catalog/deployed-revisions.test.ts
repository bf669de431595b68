import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Deps } from "../deps";
import { insertTestDeployment, insertTestHost, insertTestRevision } from "../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";

let deps: Deps & { cleanup: () => void };

beforeEach(() => {
  deps = createTestDeps();
});
afterEach(() => deps.cleanup());

/** shop/prod selects role=web: web-1 got v1 then failed v2; web-2 got v2; web-3 matches but never got anything. */
async function seedFleet() {
  const caller = callerFor(deps, insertTestUser(deps, "deployer"));
  const web1 = insertTestHost(deps, "web-1", [{ key: "role", value: "web" }], { online: true });
  const web2 = insertTestHost(deps, "web-2", [{ key: "role", value: "web" }]);
  insertTestHost(deps, "web-3", [{ key: "role", value: "web" }]);
  insertTestHost(deps, "db-1", [{ key: "role", value: "db" }]);
  const app = await caller.applications.create({ applicationName: "shop" });
  await caller.applications.create({ applicationName: "idle" });
  const tagSet = [[{ key: "role", value: "web", type: "KEY_AND_VALUE" as const }]];
  const prod = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: tagSet });
  await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "staging", onPremisesTagSet: tagSet });
  const v1 = insertTestRevision(deps, app.applicationId).revisionId;
  const v2 = insertTestRevision(deps, app.applicationId).revisionId;
  const base = { applicationId: app.applicationId, deploymentGroupId: prod.deploymentGroupId };
  const first = insertTestDeployment(deps, {
    ...base,
    revisionId: v1,
    status: "Succeeded",
    createdAt: 1_000,
    targets: [{ hostId: web1.hostId, hostName: "web-1", status: "Succeeded" }],
  });
  const second = insertTestDeployment(deps, {
    ...base,
    revisionId: v2,
    status: "Failed",
    createdAt: 2_000,
    targets: [
      { hostId: web2.hostId, hostName: "web-2", status: "Succeeded" },
      { hostId: web1.hostId, hostName: "web-1", status: "Failed" },
    ],
  });
  return { caller, v1, v2, first, second };
}

describe("what is deployed where", () => {
  it("gives each host of a group the revision that group last installed there, and its newest target there", async () => {
    const { caller, v1, v2, first, second } = await seedFleet();
    expect(await caller.deploymentGroups.hosts({ applicationName: "shop", deploymentGroupName: "prod" })).toEqual([
      {
        hostName: "web-1",
        status: "Online",
        matchesNow: true,
        installed: { revisionId: v1, deploymentId: first.deploymentId, installedAt: null },
        lastTarget: { deploymentId: second.deploymentId, targetId: second.targetIds[1], status: "Failed" },
      },
      {
        hostName: "web-2",
        status: "Offline",
        matchesNow: true,
        installed: { revisionId: v2, deploymentId: second.deploymentId, installedAt: null },
        lastTarget: { deploymentId: second.deploymentId, targetId: second.targetIds[0], status: "Succeeded" },
      },
      { hostName: "web-3", status: "Offline", matchesNow: true, installed: null, lastTarget: null },
    ]);
  });

  it("lists a host's deployments newest first, with what it runs per group", async () => {
    const { caller, v1, v2, first, second } = await seedFleet();
    const web1 = await caller.hosts.deployments({ hostName: "web-1" });
    expect(web1.installed).toEqual([
      { applicationName: "shop", deploymentGroupName: "prod", revisionId: v1, deploymentId: first.deploymentId, installedAt: null },
    ]);
    expect(web1.history.map((h) => [h.deploymentId, h.revisionId, h.deploymentStatus, h.targetStatus])).toEqual([
      [second.deploymentId, v2, "Failed", "Failed"],
      [first.deploymentId, v1, "Succeeded", "Succeeded"],
    ]);
    expect(await caller.hosts.deployments({ hostName: "db-1" })).toEqual({ installed: [], history: [] });
  });

  it("puts every application's groups in the matrix with the last good revision and the newest deployment's state", async () => {
    const { caller, v1, v2, second } = await seedFleet();
    expect(await caller.deploymentGroups.matrix()).toEqual([
      { applicationName: "shop", deploymentGroupName: "prod", revisionId: v1, latest: { deploymentId: second.deploymentId, status: "Failed", revisionId: v2 } },
      { applicationName: "shop", deploymentGroupName: "staging", revisionId: null, latest: null },
    ]);
  });
});

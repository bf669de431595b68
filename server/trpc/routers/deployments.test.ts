import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, deployments } from "../../storage/schema";
import { expectRoleRequired } from "../../test/catalog-fixtures";
import { ScriptedAgents, seedDeploymentGroup, startTestOrchestrator } from "../../test/deployment-fixtures";
import { waitFor } from "../../test/wait-for";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: ReturnType<typeof createTestDeps>;
let agents: ScriptedAgents;

beforeEach(() => {
  deps = createTestDeps();
  agents = new ScriptedAgents();
  startTestOrchestrator(deps, agents);
});

afterEach(() => deps.cleanup());

describe("deployments router", () => {
  it("lets viewers read and only deployers and admins change deployments", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    const input = {
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
      startAt: Date.now() + 3_600_000,
    };
    await expectRoleRequired(deps, "deployer", (c) => c.deployments.create(input));
    const { deploymentId } = await callerFor(deps, insertTestUser(deps, "deployer")).deployments.create(input);
    await expectRoleRequired(deps, "viewer", (c) => c.deployments.get({ deploymentId }));
    await expectRoleRequired(deps, "viewer", (c) => c.deployments.list({}));
    await expectRoleRequired(deps, "viewer", (c) => c.deployments.listTargets({ deploymentId }));
    await expectRoleRequired(deps, "viewer", (c) => c.deployments.logs({ deploymentId }));
    await expectRoleRequired(deps, "deployer", (c) => c.deployments.updateSchedule({ deploymentId, startAt: Date.now() + 7_200_000 }));
    await expectRoleRequired(deps, "deployer", (c) => c.deployments.stop({ deploymentId }));
    await expectRoleRequired(deps, "deployer", (c) => c.deployments.rollback({ deploymentId }));
    await expectRoleRequired(deps, "deployer", (c) => c.deployments.cancelScheduled({ deploymentId }));
  });

  it("names the missing resource and audits every change", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    agents.connected.add(g.hostIds[0]);
    const caller = callerFor(deps, insertTestUser(deps, "deployer", "dora@example.com"));
    await expect(
      caller.deployments.create({ applicationName: g.applicationName, deploymentGroupName: "staging", revisionId: g.revisionIds[0] }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `Deployment group staging does not exist in application ${g.applicationName}`,
    });
    await expect(caller.deployments.create({ applicationName: g.applicationName, deploymentGroupName: "prod", revisionId: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(caller.deployments.get({ deploymentId: "d-ZZZZZZZZZ" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { deploymentId } = await caller.deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: "prod",
      revisionId: g.revisionIds[0],
      description: "first",
    });
    await waitFor(() => agents.runs.length === 7);
    await waitFor(() => deps.db.select().from(deployments).all()[0]?.status === "Succeeded");
    const entries = deps.db.select().from(auditLog).all();
    expect(entries.find((e) => e.action === "deployments.create")).toMatchObject({ actor: "dora@example.com", resourceId: deploymentId });
    const page = await caller.deployments.list({ applicationName: g.applicationName, status: ["Succeeded", "InProgress"], limit: 1 });
    expect(page.items[0]).toMatchObject({ deploymentId, description: "first" });
  });
});

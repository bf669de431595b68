import { afterAll, describe, expect, it } from "vitest";
import { ScriptedAgents, seedDeploymentGroup, startTestOrchestrator } from "../test/deployment-fixtures";
import { waitFor } from "../test/wait-for";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { createDeploymentStore } from "./deployment-store";

const deps = createTestDeps();
const agents = new ScriptedAgents();
startTestOrchestrator(deps, agents);
afterAll(() => deps.cleanup());

const statusOf = (id: string) => (deps.db.$client.prepare("SELECT status FROM deployments WHERE id = ?").get(id) as { status: string }).status;

describe("target health at the start of a deployment", () => {
  it("comes from each host's newest finished target in the group, kept as deployments finish", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 3 });
    const [a, b, c] = g.hostIds;
    agents.connected.add(a);
    agents.connected.add(b);
    agents.connected.add(c);
    const caller = callerFor(deps, insertTestUser(deps, "deployer"));
    const deploy = async (revisionId: string) => {
      const { deploymentId } = await caller.deployments.create({ applicationName: g.applicationName, deploymentGroupName: "prod", revisionId });
      await waitFor(() => ["Succeeded", "Failed"].includes(statusOf(deploymentId)), { timeoutMs: 20_000, what: deploymentId });
      return deploymentId;
    };
    expect(statusOf(await deploy(g.revisionIds[0]))).toBe("Succeeded");
    // The second revision fails on host b; one at a time, c is never reached.
    agents.outcome = (host, spec) => (host === b && spec.lifecycleEvent === "AfterInstall" ? "Failed" : "Succeeded");
    expect(statusOf(await deploy(g.revisionIds[1]))).toBe("Failed");

    const { deploymentId } = await caller.deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: "prod",
      revisionId: g.revisionIds[1],
      startAt: Date.now() + 3_600_000,
    });
    const health = createDeploymentStore(deps.db).loadTargetHealth(deploymentId);
    const targets = await caller.deployments.listTargets({ deploymentId });
    const byHost = Object.fromEntries(targets.map((t) => [t.hostId, health[t.targetId]]));
    expect(byHost).toEqual({ [a]: "OldRevision", [b]: "Unhealthy", [c]: "CurrentRevision" });
  }, 60_000);
});

import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { ScriptedAgents, seedDeploymentGroup, startTestOrchestrator, type SeededGroup } from "../test/deployment-fixtures";
import { waitFor } from "../test/wait-for";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { apiTokens, applications, auditLog, deploymentConfigs, deploymentGroups, deployments, enrollmentTokens, hosts, users, webhookTargets } from "./schema";

let deps: ReturnType<typeof createTestDeps>;
let agents: ScriptedAgents;
let g: SeededGroup;
let admin: Principal;

beforeEach(() => {
  deps = createTestDeps();
  agents = new ScriptedAgents();
  startTestOrchestrator(deps, agents);
  g = seedDeploymentGroup(deps, { hosts: 1 });
  admin = insertTestUser(deps, "admin");
});
afterEach(() => deps.cleanup());

/** From now on every insert into the audit log fails, as a full disk or a crash between two writes would. */
function breakAuditLog(): void {
  deps.db.$client.exec(`CREATE TRIGGER audit_log_unavailable BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`);
}

const scheduled = () => ({
  applicationName: g.applicationName,
  deploymentGroupName: g.deploymentGroupName,
  revisionId: g.revisionIds[0],
  startAt: Date.now() + 3_600_000,
});

describe("a change whose audit row cannot be written", () => {
  it.each<[string, () => Promise<unknown>, () => unknown]>([
    [
      "creating an application leaves no application",
      () => callerFor(deps, admin).applications.create({ applicationName: "shop" }),
      () => deps.db.select().from(applications).where(eq(applications.name, "shop")).get(),
    ],
    [
      "deleting a deployment group leaves the group",
      () => callerFor(deps, admin).deploymentGroups.delete({ applicationName: g.applicationName, deploymentGroupName: g.deploymentGroupName }),
      () => deps.db.select().from(deploymentGroups).where(eq(deploymentGroups.id, g.deploymentGroupId)).get() === undefined,
    ],
    [
      "creating a deployment config leaves no config",
      () => callerFor(deps, admin).deploymentConfigs.create({ deploymentConfigName: "Half", minimumHealthyHosts: { type: "FLEET_PERCENT", value: 50 } }),
      () => deps.db.select().from(deploymentConfigs).where(eq(deploymentConfigs.name, "Half")).get(),
    ],
    [
      "deregistering a host leaves it registered",
      () => callerFor(deps, admin).hosts.deregister({ hostName: deps.db.select().from(hosts).get()!.name }),
      () => deps.db.select().from(hosts).get()!.deregisteredAt,
    ],
    [
      "creating a deployment leaves no deployment",
      () => callerFor(deps, admin).deployments.create(scheduled()),
      () => deps.db.select().from(deployments).get(),
    ],
    [
      "creating a user leaves no user",
      () => callerFor(deps, admin).users.create({ email: "new@example.com", role: "viewer", password: "a long and unusual passphrase" }),
      () => deps.db.select().from(users).where(eq(users.email, "new@example.com")).get(),
    ],
    ["creating an API token leaves no token", () => callerFor(deps, admin).apiTokens.create({ name: "ci" }), () => deps.db.select().from(apiTokens).get()],
    [
      "creating an enrollment token leaves no token",
      () => callerFor(deps, admin).enrollmentTokens.create({ name: "fleet" }),
      () => deps.db.select().from(enrollmentTokens).get(),
    ],
    [
      "creating a webhook leaves no webhook",
      () =>
        callerFor(deps, admin).webhooks.create({
          applicationName: g.applicationName,
          deploymentGroupName: g.deploymentGroupName,
          name: "ops",
          url: "https://example.com/hook",
          events: ["DeploymentStart"],
          format: "json",
        }),
      () => deps.db.select().from(webhookTargets).get(),
    ],
  ])("%s", async (_sentence, change, leftover) => {
    breakAuditLog();
    await expect(change()).rejects.toThrow(/audit log unavailable/);
    expect(leftover() ?? undefined).toBeFalsy();
    expect(deps.db.select().from(auditLog).all()).toEqual([]);
  });

  it("stopping a deployment leaves it running", async () => {
    agents.connected.add(g.hostIds[0]);
    agents.outcome = () => "hold";
    const { deploymentId } = await callerFor(deps, admin).deployments.create({ ...scheduled(), startAt: undefined });
    await waitFor(() => agents.runs.length === 1);
    breakAuditLog();
    await expect(callerFor(deps, admin).deployments.stop({ deploymentId })).rejects.toThrow(/audit log unavailable/);
    const row = deps.db.select().from(deployments).where(eq(deployments.id, deploymentId)).get()!;
    expect({ status: row.status, stopRequestedAt: row.stopRequestedAt }).toEqual({ status: "InProgress", stopRequestedAt: null });
    expect(agents.cancels).toEqual([]);
  });

  it("moving a schedule keeps the old start", async () => {
    const input = scheduled();
    const { deploymentId } = await callerFor(deps, admin).deployments.create(input);
    breakAuditLog();
    await expect(callerFor(deps, admin).deployments.updateSchedule({ deploymentId, startAt: input.startAt + 60_000 })).rejects.toThrow(/audit log unavailable/);
    expect(deps.db.select().from(deployments).where(eq(deployments.id, deploymentId)).get()!.startAt).toBe(input.startAt);
  });
});

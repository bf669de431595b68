import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inPlaceLifecycleEvents } from "../contracts/deployment";
import { deploymentConfigs, deploymentGroups, deployments, hosts, lifecycleEvents } from "../storage/schema";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { RecordingPublisher, ScriptedAgents, seedDeploymentGroup, startTestOrchestrator } from "../test/deployment-fixtures";
import { waitFor } from "../test/wait-for";
import { createOrchestrator } from "./orchestrator";
import { createDeploymentStore } from "../storage/deployment-store";
import { isFinishedDeploymentStatus } from "../contracts/deployment";

type TestDeps = ReturnType<typeof createTestDeps>;

let deps: TestDeps;
let agents: ScriptedAgents;
let orchestrator: ReturnType<typeof startTestOrchestrator>;

beforeEach(() => {
  deps = createTestDeps({ LANDLINE_AGENT_GRACE_SECONDS: "60", LANDLINE_EVENT_PICKUP_SECONDS: "300" });
  agents = new ScriptedAgents();
  orchestrator = startTestOrchestrator(deps, agents);
});

afterEach(() => {
  expect(orchestrator.errors).toEqual([]);
  deps.cleanup();
});

function deployer() {
  return callerFor(deps, insertTestUser(deps, "deployer"));
}

function status(deploymentId: string) {
  return deps.db.select().from(deployments).where(eq(deployments.id, deploymentId)).get()!;
}

async function finished(deploymentId: string) {
  await waitFor(() => isFinishedDeploymentStatus(status(deploymentId).status), { timeoutMs: 5_000, what: `${deploymentId} to finish` });
  return deployer().deployments.get({ deploymentId });
}

describe("orchestrator with real SQLite and scripted agents", () => {
  it("deploys one host at a time, each event only after the previous finished, and records the group's success", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 3 });
    g.hostIds.forEach((h) => agents.connected.add(h));
    let running = 0;
    let maxRunning = 0;
    agents.outcome = (hostId, spec) => {
      if (spec.lifecycleEvent === "ApplicationStop") maxRunning = Math.max(maxRunning, ++running);
      if (spec.lifecycleEvent === "ValidateService") running--;
      return "Succeeded";
    };
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    const info = await finished(deploymentId);
    expect(info).toMatchObject({
      status: "Succeeded",
      errorInformation: null,
      deploymentOverview: { Succeeded: 3, Failed: 0, Skipped: 0, Pending: 0, InProgress: 0 },
    });
    expect(maxRunning).toBe(1);
    for (const hostId of g.hostIds) expect(agents.eventsOn(hostId)).toEqual([...inPlaceLifecycleEvents]);
    expect(agents.runs[0].spec).toMatchObject({
      deploymentId,
      applicationName: g.applicationName,
      deploymentGroupId: g.deploymentGroupId,
      fileExistsBehavior: "DISALLOW",
    });
    const group = deps.db.select().from(deploymentGroups).where(eq(deploymentGroups.id, g.deploymentGroupId)).get()!;
    expect(group).toMatchObject({ lastSuccessfulDeploymentId: deploymentId, lastAttemptedDeploymentId: deploymentId });
    const targets = await deployer().deployments.listTargets({ deploymentId });
    const detail = await deployer().deployments.getTarget({ targetId: targets[0].targetId });
    expect(detail.lifecycleEvents.map((e) => [e.lifecycleEventName, e.status])).toEqual(inPlaceLifecycleEvents.map((n) => [n, "Succeeded"]));
  });

  it("fails at once with NO_INSTANCES when no registered host matches the group's tags", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 0 });
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    const info = await deployer().deployments.get({ deploymentId });
    expect(info.status).toBe("Failed");
    expect(info.errorInformation?.code).toBe("NO_INSTANCES");
  });

  it("fails with HEALTH_CONSTRAINTS_INVALID without sending any command when M is at least N", async () => {
    deps.db.insert(deploymentConfigs).values({ id: "five", name: "Five", minimumHealthyHostsType: "HOST_COUNT", minimumHealthyHostsValue: 5 }).run();
    const g = seedDeploymentGroup(deps, { hosts: 2, deploymentConfigName: "Five" });
    g.hostIds.forEach((h) => agents.connected.add(h));
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    const info = await deployer().deployments.get({ deploymentId });
    expect(info).toMatchObject({ status: "Failed", errorInformation: { code: "HEALTH_CONSTRAINTS_INVALID" }, deploymentOverview: { Skipped: 2 } });
    await orchestrator.settled();
    expect(agents.runs).toEqual([]);
  });

  it("queues a second deployment to a busy group and starts it when the first finishes", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    agents.connected.add(g.hostIds[0]);
    agents.outcome = () => "hold";
    const first = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    await waitFor(() => agents.runs.length === 1);
    const second = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[1],
    });
    await orchestrator.settled();
    expect(status(second.deploymentId).status).toBe("Queued");
    agents.outcome = () => "Succeeded";
    await agents.finish(g.hostIds[0], agents.runs[0].spec.commandId, "Succeeded");
    expect((await finished(first.deploymentId)).status).toBe("Succeeded");
    expect((await finished(second.deploymentId)).status).toBe("Succeeded");
    expect(agents.runs.filter((r) => r.spec.deploymentId === second.deploymentId)).toHaveLength(7);
  });

  it("rolls a failed deployment back to the last successful revision, linked both ways", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 2, autoRollback: { enabled: true, events: ["DEPLOYMENT_FAILURE"] } });
    g.hostIds.forEach((h) => agents.connected.add(h));
    const good = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    expect((await finished(good.deploymentId)).status).toBe("Succeeded");
    agents.outcome = (hostId, spec) => (spec.revision.revisionId === g.revisionIds[1] && spec.lifecycleEvent === "AfterInstall" ? "Failed" : "Succeeded");
    const bad = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[1],
    });
    const failed = await finished(bad.deploymentId);
    expect(failed).toMatchObject({ status: "Failed", errorInformation: { code: "HEALTH_CONSTRAINTS" }, deploymentOverview: { Failed: 1, Skipped: 1 } });
    const rollbackId = failed.rollbackInfo!.rollbackDeploymentId!;
    const rollback = await finished(rollbackId);
    expect(rollback).toMatchObject({ status: "Succeeded", creator: "codeDeployRollback", revision: { revisionId: g.revisionIds[0] } });
    expect(rollback.rollbackInfo).toMatchObject({ rollbackTriggeringDeploymentId: bad.deploymentId, rollbackDeploymentId: null });
    expect((await deployer().deployments.get({ deploymentId: bad.deploymentId })).rollbackInfo?.rollbackMessage).toBe(
      `Rollback deployment ${rollbackId} succeeded`,
    );
  });

  it("says there is nothing to roll back to when the group never succeeded", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1, autoRollback: { enabled: true, events: ["DEPLOYMENT_FAILURE"] } });
    agents.connected.add(g.hostIds[0]);
    agents.outcome = (_h, spec) => (spec.lifecycleEvent === "BeforeInstall" ? "Failed" : "Succeeded");
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    const info = await finished(deploymentId);
    expect(info.rollbackInfo).toEqual({
      rollbackDeploymentId: null,
      rollbackTriggeringDeploymentId: null,
      rollbackMessage: "No previous successful revision to roll back to",
    });
    await expect(deployer().deployments.rollback({ deploymentId })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("stop cancels the running command on a connected host and ends an offline host's target without waiting", async () => {
    deps.db.insert(deploymentConfigs).values({ id: "zero", name: "Zero", minimumHealthyHostsType: "HOST_COUNT", minimumHealthyHostsValue: 0 }).run();
    const g = seedDeploymentGroup(deps, { hosts: 2, deploymentConfigName: "Zero" });
    g.hostIds.forEach((h) => agents.connected.add(h));
    agents.outcome = () => "hold";
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    await waitFor(() => agents.runs.length === 2);
    agents.connected.delete(g.hostIds[1]);
    deps.db.update(hosts).set({ online: false, lastSeenAt: deps.now() }).where(eq(hosts.id, g.hostIds[1])).run();
    await deployer().deployments.stop({ deploymentId });
    const info = await finished(deploymentId);
    expect(info).toMatchObject({ status: "Stopped", errorInformation: { code: "MANUAL_STOP" } });
    expect(agents.cancels.map((c) => c.hostId)).toEqual([g.hostIds[0]]);
    const targets = await deployer().deployments.listTargets({ deploymentId });
    expect(Object.fromEntries(targets.map((t) => [t.hostId, t.status]))).toEqual({ [g.hostIds[0]]: "Failed", [g.hostIds[1]]: "Unknown" });
    // The host list tells a cancelled host from one whose script failed.
    expect(targets.find((t) => t.hostId === g.hostIds[0])).toMatchObject({ failedEvent: "ApplicationStop", failedErrorCode: "Cancelled" });
    await expect(deployer().deployments.stop({ deploymentId })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("fails a target whose agent stays away past the grace period with AgentLost and AGENT_ISSUE", async () => {
    let clock = Date.parse("2030-01-01T10:00:00Z");
    deps.now = () => clock;
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    agents.connected.add(g.hostIds[0]);
    agents.outcome = () => "hold";
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    await waitFor(() => agents.runs.length === 1);
    clock += 5_000;
    agents.connected.delete(g.hostIds[0]);
    deps.db.update(hosts).set({ online: false, lastSeenAt: clock }).where(eq(hosts.id, g.hostIds[0])).run();
    clock += 59_000;
    orchestrator.tick();
    await orchestrator.settled();
    expect(status(deploymentId).status).toBe("InProgress");
    clock += 1_000;
    orchestrator.tick();
    const info = await finished(deploymentId);
    expect(info.errorInformation?.code).toBe("AGENT_ISSUE");
    const [target] = await deployer().deployments.listTargets({ deploymentId });
    const detail = await deployer().deployments.getTarget({ targetId: target.targetId });
    expect(detail.lifecycleEvents[0].diagnostics).toMatchObject({
      errorCode: "AgentLost",
      message: `The agent on ${target.hostName} lost its connection at 10:00:05Z and did not return within 60 s`,
    });
  });

  it("continues after a restart: a finished result reported at hello is recorded and a lost command is re-sent with the same id", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    agents.connected.add(g.hostIds[0]);
    agents.outcome = () => "hold";
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    await waitFor(() => agents.runs.length === 1);
    const firstCommand = agents.runs[0].spec.commandId;

    // A new process: nothing in memory survives, the database is all there is.
    const restarted = new ScriptedAgents();
    restarted.outcome = () => "hold";
    const live = new RecordingPublisher();
    const second = createOrchestrator({
      store: createDeploymentStore(deps.db),
      gateway: restarted,
      live,
      now: () => deps.now(),
      limits: { agentGraceMs: 60_000, eventPickupMs: 300_000 },
      notifier: deps.services.notifier,
      metrics: deps.services.metrics,
      onError: (err) => orchestrator.errors.push(err),
    });
    restarted.orchestrator = second;
    second.boot();
    expect(deps.db.select({ online: hosts.online }).from(hosts).where(eq(hosts.id, g.hostIds[0])).get()?.online).toBe(false);
    restarted.connected.add(g.hostIds[0]);
    await second.reconcileAgent(g.hostIds[0], [{ commandId: firstCommand, state: "finished", result: restarted.result(firstCommand, "Succeeded") }]);
    await waitFor(() => restarted.runs.length === 1);
    expect(restarted.runs[0].spec).toMatchObject({ lifecycleEvent: "DownloadBundle" });
    const downloadCommand = restarted.runs[0].spec.commandId;

    // The agent lost that command (it never arrived): on its next hello it is offered again, same id.
    await second.reconcileAgent(g.hostIds[0], []);
    await waitFor(() => restarted.runs.length === 2);
    expect(restarted.runs[1].spec.commandId).toBe(downloadCommand);
    // A command it reports as running is not sent again.
    await second.reconcileAgent(g.hostIds[0], [{ commandId: downloadCommand, state: "running" }]);
    await second.settled();
    expect(restarted.runs).toHaveLength(2);
    const events = deps.db.select().from(lifecycleEvents).where(eq(lifecycleEvents.deploymentId, deploymentId)).all();
    expect(events.filter((e) => e.status === "Succeeded").map((e) => e.name)).toEqual(["ApplicationStop"]);
    expect(events.find((e) => e.name === "DownloadBundle")?.acceptedAt).not.toBeNull();
  });

  it("publishes the host counts live whenever a host finishes, not only when the deployment's own status changes", async () => {
    const live = new RecordingPublisher();
    orchestrator = startTestOrchestrator(deps, agents, live);
    const g = seedDeploymentGroup(deps, { hosts: 3 });
    g.hostIds.forEach((h) => agents.connected.add(h));
    agents.outcome = (hostId) => (hostId === g.hostIds[1] ? "hold" : "Succeeded");
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    await waitFor(() => agents.runs.some((r) => r.hostId === g.hostIds[1]));
    await orchestrator.settled();
    const fleetUpdates = live.published.filter((p) => p.room === "fleet" && p.event === "deployment:updated");
    expect(fleetUpdates.at(-1)?.payload).toMatchObject({
      deploymentId,
      status: "InProgress",
      overview: { Succeeded: 1, InProgress: 1, Pending: 1, Failed: 0, Skipped: 0 },
    });
    expect(live.published.filter((p) => p.room === `deployment:${deploymentId}` && p.event === "deployment:updated").at(-1)?.payload).toEqual(
      fleetUpdates.at(-1)?.payload,
    );
  });

  it("refuses a result for a command of another host", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 2 });
    g.hostIds.forEach((h) => agents.connected.add(h));
    agents.outcome = () => "hold";
    await deployer().deployments.create({ applicationName: g.applicationName, deploymentGroupName: g.deploymentGroupName, revisionId: g.revisionIds[0] });
    await waitFor(() => agents.runs.length === 1);
    const { hostId, spec } = agents.runs[0];
    const other = g.hostIds.find((h) => h !== hostId)!;
    expect(await agents.finish(other, spec.commandId, "Succeeded")).toEqual({ ok: false, error: `Command ${spec.commandId} belongs to another host` });
    expect(await agents.finish(hostId, "t-NOPE.Install", "Succeeded")).toMatchObject({ ok: false });
  });

  it("starts a scheduled deployment on time, and notes a start missed while the server was down", async () => {
    let clock = Date.parse("2030-01-01T09:00:00Z");
    deps.now = () => clock;
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    agents.connected.add(g.hostIds[0]);
    const startAt = Date.parse("2030-01-01T10:00:00Z");
    const { deploymentId } = await deployer().deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
      startAt,
    });
    expect(status(deploymentId).status).toBe("Scheduled");
    orchestrator.tick();
    await orchestrator.settled();
    expect(status(deploymentId).status).toBe("Scheduled");

    clock = Date.parse("2030-01-01T10:03:12Z");
    orchestrator.boot();
    const info = await finished(deploymentId);
    expect(info).toMatchObject({ status: "Succeeded", startNote: "Scheduled for 10:00:00Z; started at boot 10:03:12Z because the server was down" });
  });

  it("moves or cancels a scheduled deployment before it starts", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    const startAt = deps.now() + 3_600_000;
    const caller = deployer();
    const a = await caller.deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
      startAt,
    });
    await caller.deployments.updateSchedule({ deploymentId: a.deploymentId, startAt: startAt + 60_000 });
    expect(status(a.deploymentId)).toMatchObject({ status: "Scheduled", startAt: startAt + 60_000 });
    await caller.deployments.cancelScheduled({ deploymentId: a.deploymentId });
    expect(status(a.deploymentId)).toMatchObject({ status: "Stopped", errorCode: "MANUAL_STOP" });
    await expect(caller.deployments.updateSchedule({ deploymentId: a.deploymentId, startAt })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(agents.runs).toEqual([]);
  });
});

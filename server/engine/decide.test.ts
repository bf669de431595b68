import { describe, expect, it } from "vitest";
import { inPlaceLifecycleEvents, type LifecycleEventName } from "../contracts/deployment";
import type { AutoRollbackConfiguration, MinimumHealthyHosts } from "../contracts/resources";
import { decide } from "./decide";
import { computeOverview, type EngineAction, type EngineState } from "./deployment-state";

const ONE_AT_A_TIME: MinimumHealthyHosts = { type: "MOST_CONCURRENCY", value: 1 };
const HALF_AT_A_TIME: MinimumHealthyHosts = { type: "FLEET_PERCENT", value: 50 };
const ALL_AT_ONCE: MinimumHealthyHosts = { type: "HOST_COUNT", value: 0 };
const hostCount = (value: number): MinimumHealthyHosts => ({ type: "HOST_COUNT", value });
const fleetPercent = (value: number): MinimumHealthyHosts => ({ type: "FLEET_PERCENT", value });
const NO_ROLLBACK: AutoRollbackConfiguration = { enabled: false, events: [] };

const hostName = (i: number) => `h${String(i).padStart(2, "0")}`;

function makeState(
  n: number,
  minimumHealthyHosts: MinimumHealthyHosts,
  options: { ignoreApplicationStopFailures?: boolean; autoRollback?: AutoRollbackConfiguration; creator?: "user" | "codeDeployRollback" } = {},
): EngineState {
  return {
    deployment: {
      id: "d-AAAAAAAAA",
      status: "Created",
      creator: options.creator ?? "user",
      minimumHealthyHosts,
      ignoreApplicationStopFailures: options.ignoreApplicationStopFailures ?? false,
      autoRollback: options.autoRollback ?? NO_ROLLBACK,
      startAt: null,
      startedAt: null,
      completedAt: null,
      errorCode: null,
      errorMessage: null,
      stopRequestedAt: null,
      stopAutoRollback: null,
    },
    targets: Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      hostId: `host${i}`,
      hostName: hostName(i),
      position: i,
      status: "Pending" as const,
      startedAt: null,
      completedAt: null,
      lastUpdatedAt: 0,
      events: inPlaceLifecycleEvents.map((name, position) => ({
        id: `t${i}.${name}`,
        name,
        position,
        status: "Pending" as const,
        commandId: null,
        dispatchedAt: null,
        acceptedAt: null,
        startedAt: null,
        completedAt: null,
        diagnostics: null,
        scriptDeploymentId: null,
        scriptRevisionId: null,
        lastLogSeq: null,
      })),
    })),
    hosts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`host${i}`, { online: true, lastSeenAt: 0, lastLogSeq: 0 }])),
    limits: { agentGraceMs: 60_000, eventPickupMs: 300_000 },
  };
}

function finished(commandId: string, status: "Succeeded" | "Failed" | "Skipped", at: number) {
  return {
    type: "eventFinished" as const,
    now: at,
    result: {
      commandId,
      status,
      startedAt: at - 1,
      finishedAt: at,
      diagnostics: { errorCode: status === "Failed" ? ("ScriptFailed" as const) : ("Success" as const), scriptName: null, message: status, logTail: "" },
      scriptSource: null,
      lastLogSeq: 0,
    },
  };
}

type Run = {
  state: EngineState;
  actions: EngineAction[];
  maxInFlight: number;
  /** Host names in the order their first command was sent. */
  startOrder: string[];
};

/**
 * Plays the agents: answers every runCommand in the order it was sent, failing `failEvent` on the hosts
 * listed in `failing`.
 */
function runToEnd(state: EngineState, failing: readonly string[] = [], failEvent: LifecycleEventName = "AfterInstall"): Run {
  let now = 1_000;
  let decision = decide(state, { type: "start", now, health: {} });
  const all: EngineAction[] = [...decision.actions];
  const queue = decision.actions.filter((a) => a.type === "runCommand");
  let maxInFlight = 0;
  const startOrder: string[] = [];
  while (queue.length > 0) {
    maxInFlight = Math.max(maxInFlight, decision.state.targets.filter((t) => t.status === "InProgress").length);
    const cmd = queue.shift()!;
    if (cmd.type !== "runCommand") continue;
    const target = decision.state.targets.find((t) => t.id === cmd.targetId)!;
    if (cmd.lifecycleEvent === "ApplicationStop") startOrder.push(target.hostName);
    now += 10;
    const fails = failing.includes(target.hostName) && cmd.lifecycleEvent === failEvent;
    decision = decide(decision.state, finished(cmd.commandId, fails ? "Failed" : "Succeeded", now));
    all.push(...decision.actions);
    queue.push(...decision.actions.filter((a) => a.type === "runCommand"));
  }
  return { state: decision.state, actions: all, maxInFlight, startOrder };
}

describe("decide: minimum healthy hosts (reference 2.3, every documented example)", () => {
  it.each([
    { name: "10 hosts with HOST_COUNT 9 deploy one at a time", n: 10, config: hostCount(9), concurrency: 1 },
    { name: "10 hosts with HOST_COUNT 8 deploy two at a time", n: 10, config: hostCount(8), concurrency: 2 },
    { name: "10 hosts with HOST_COUNT 0 deploy all at once", n: 10, config: hostCount(0), concurrency: 10 },
    { name: "10 hosts with FLEET_PERCENT 85 deploy one at a time (M = 9)", n: 10, config: fleetPercent(85), concurrency: 1 },
    { name: "9 hosts with HOST_COUNT 6 deploy three at a time", n: 9, config: hostCount(6), concurrency: 3 },
    { name: "9 hosts with FLEET_PERCENT 40 deploy five at a time (M = 4)", n: 9, config: fleetPercent(40), concurrency: 5 },
    { name: "9 hosts with HalfAtATime deploy four at a time (M = 5)", n: 9, config: HALF_AT_A_TIME, concurrency: 4 },
    { name: "9 hosts with AllAtOnce deploy all nine at once", n: 9, config: ALL_AT_ONCE, concurrency: 9 },
    { name: "9 hosts with OneAtATime deploy one at a time (M = 8)", n: 9, config: ONE_AT_A_TIME, concurrency: 1 },
  ])("$name", ({ n, config, concurrency }) => {
    const run = runToEnd(makeState(n, config));
    expect(run.maxInFlight).toBe(concurrency);
    expect(run.state.deployment.status).toBe("Succeeded");
    expect(computeOverview(run.state.targets)).toEqual({ Pending: 0, InProgress: 0, Succeeded: n, Failed: 0, Skipped: 0 });
  });

  it.each([
    { name: "HOST_COUNT 9 of 10 succeeds when only the last host fails", n: 10, config: hostCount(9), failing: ["h09"], status: "Succeeded", skipped: 0 },
    { name: "HOST_COUNT 9 of 10 fails at the first failure and skips the rest", n: 10, config: hostCount(9), failing: ["h00"], status: "Failed", skipped: 9 },
    { name: "HOST_COUNT 8 of 10 fails on a second failure with work left", n: 10, config: hostCount(8), failing: ["h02", "h05"], status: "Failed", skipped: 4 },
    {
      name: "HOST_COUNT 8 of 10 succeeds when the second failure is the last host",
      n: 10,
      config: hostCount(8),
      failing: ["h02", "h09"],
      status: "Succeeded",
      skipped: 0,
    },
    {
      name: "HOST_COUNT 0 of 10 succeeds with a single success",
      n: 10,
      config: hostCount(0),
      failing: [0, 1, 2, 3, 4, 5, 6, 7, 8].map(hostName),
      status: "Succeeded",
      skipped: 0,
    },
    {
      name: "HOST_COUNT 0 of 10 fails only when every host fails",
      n: 10,
      config: hostCount(0),
      failing: Array.from({ length: 10 }, (_, i) => hostName(i)),
      status: "Failed",
      skipped: 0,
    },
    { name: "FLEET_PERCENT 85 of 10 succeeds with nine successes", n: 10, config: fleetPercent(85), failing: ["h09"], status: "Succeeded", skipped: 0 },
    { name: "HOST_COUNT 6 of 9 tolerates three failures", n: 9, config: hostCount(6), failing: ["h00", "h04", "h08"], status: "Succeeded", skipped: 0 },
    {
      name: "HOST_COUNT 6 of 9 fails at the third failure with hosts pending",
      n: 9,
      config: hostCount(6),
      failing: ["h00", "h01", "h02"],
      status: "Failed",
      skipped: 6,
    },
    {
      name: "FLEET_PERCENT 40 of 9 succeeds with four successes",
      n: 9,
      config: fleetPercent(40),
      failing: ["h04", "h05", "h06", "h07", "h08"],
      status: "Succeeded",
      skipped: 0,
    },
    {
      name: "HalfAtATime of 9 succeeds with five successes",
      n: 9,
      config: HALF_AT_A_TIME,
      failing: ["h05", "h06", "h07", "h08"],
      status: "Succeeded",
      skipped: 0,
    },
    {
      name: "HalfAtATime of 9 fails after four failures with hosts pending",
      n: 9,
      config: HALF_AT_A_TIME,
      failing: ["h00", "h01", "h02", "h03", "h08"],
      status: "Failed",
      skipped: 5,
    },
    {
      name: "AllAtOnce of 9 succeeds with one success",
      n: 9,
      config: ALL_AT_ONCE,
      failing: [0, 1, 2, 3, 4, 5, 6, 7].map(hostName),
      status: "Succeeded",
      skipped: 0,
    },
    { name: "OneAtATime of 9 fails at the first failure on an earlier host", n: 9, config: ONE_AT_A_TIME, failing: ["h00"], status: "Failed", skipped: 8 },
    { name: "OneAtATime of 9 succeeds when only the last host fails", n: 9, config: ONE_AT_A_TIME, failing: ["h08"], status: "Succeeded", skipped: 0 },
    { name: "OneAtATime on a single host fails when that host fails", n: 1, config: ONE_AT_A_TIME, failing: ["h00"], status: "Failed", skipped: 0 },
  ])("$name", ({ n, config, failing, status, skipped }) => {
    const run = runToEnd(makeState(n, config), failing);
    expect(run.state.deployment.status).toBe(status);
    if (status === "Failed") expect(run.state.deployment.errorCode).toBe("HEALTH_CONSTRAINTS");
    expect(computeOverview(run.state.targets).Skipped).toBe(skipped);
    for (const t of run.state.targets.filter((t) => t.status === "Skipped")) {
      expect(t.events.every((e) => e.status === "Skipped")).toBe(true);
    }
  });

  it.each([
    { name: "FLEET_PERCENT 95 of 10 needs all 10 hosts", n: 10, config: fleetPercent(95) },
    { name: "HOST_COUNT 3 of 3 can never take a host offline", n: 3, config: hostCount(3) },
    { name: "HOST_COUNT 5 of 2 asks for more hosts than exist", n: 2, config: hostCount(5) },
  ])("$name, so the deployment fails at start with HEALTH_CONSTRAINTS_INVALID", ({ n, config }) => {
    const { state, actions } = decide(makeState(n, config), { type: "start", now: 5, health: {} });
    expect(state.deployment).toMatchObject({ status: "Failed", errorCode: "HEALTH_CONSTRAINTS_INVALID", completedAt: 5 });
    expect(actions.filter((a) => a.type === "runCommand")).toEqual([]);
    expect(state.targets.every((t) => t.status === "Skipped" && t.startedAt === null)).toBe(true);
  });

  it("a deployment without targets fails at once with NO_INSTANCES", () => {
    const { state, actions } = decide(makeState(0, ALL_AT_ONCE), { type: "start", now: 5, health: {} });
    expect(state.deployment).toMatchObject({ status: "Failed", errorCode: "NO_INSTANCES" });
    expect(actions).toEqual([{ type: "completeDeployment", status: "Failed" }]);
  });
});

describe("decide: lifecycle order per target", () => {
  it("sends the in-place events one at a time, each only after the previous finished", () => {
    const run = runToEnd(makeState(1, ONE_AT_A_TIME));
    const sent = run.actions.flatMap((a) => (a.type === "runCommand" ? [a.lifecycleEvent] : []));
    expect(sent).toEqual([...inPlaceLifecycleEvents]);
    expect(new Set(run.actions.flatMap((a) => (a.type === "runCommand" ? [a.commandId] : []))).size).toBe(7);
  });

  it("orders targets unhealthy, unknown revision, old revision, then current", () => {
    const state = makeState(4, ONE_AT_A_TIME);
    const { state: next, actions } = decide(state, {
      type: "start",
      now: 1,
      health: { t0: "CurrentRevision", t1: "OldRevision", t2: "Unhealthy", t3: "UnknownRevision" },
    });
    expect(next.targets.map((t) => t.hostName)).toEqual(["h02", "h03", "h01", "h00"]);
    expect(next.targets.map((t) => t.position)).toEqual([0, 1, 2, 3]);
    expect(actions[0]).toMatchObject({ type: "runCommand", targetId: "t2", lifecycleEvent: "ApplicationStop" });
  });

  it.each([
    {
      name: "a failed ApplicationStop fails the target when failures are not ignored",
      ignore: false,
      failEvent: "ApplicationStop" as const,
      target: "Failed",
      next: "Skipped",
    },
    {
      name: "a failed ApplicationStop is ignored with ignoreApplicationStopFailures",
      ignore: true,
      failEvent: "ApplicationStop" as const,
      target: "Succeeded",
      next: "Succeeded",
    },
    {
      name: "ignoreApplicationStopFailures does not excuse a failed BeforeInstall",
      ignore: true,
      failEvent: "BeforeInstall" as const,
      target: "Failed",
      next: "Skipped",
    },
  ])("$name", ({ ignore, failEvent, target, next }) => {
    const run = runToEnd(makeState(1, ALL_AT_ONCE, { ignoreApplicationStopFailures: ignore }), ["h00"], failEvent);
    const t = run.state.targets[0];
    expect(t.status).toBe(target);
    const failedAt = t.events.findIndex((e) => e.name === failEvent);
    expect(t.events[failedAt].status).toBe("Failed");
    expect(t.events[failedAt + 1].status).toBe(next);
  });

  it("a failed event skips the target's remaining events", () => {
    const run = runToEnd(makeState(1, ALL_AT_ONCE), ["h00"], "AfterInstall");
    expect(run.state.targets[0].events.map((e) => e.status)).toEqual(["Succeeded", "Succeeded", "Succeeded", "Succeeded", "Failed", "Skipped", "Skipped"]);
    expect(run.state.deployment.errorCode).toBe("HEALTH_CONSTRAINTS");
  });

  it("an agent reporting the same result twice changes nothing the second time", () => {
    const started = decide(makeState(1, ALL_AT_ONCE), { type: "start", now: 1, health: {} });
    const once = decide(started.state, finished("t0.ApplicationStop", "Succeeded", 10));
    const twice = decide(once.state, finished("t0.ApplicationStop", "Succeeded", 20));
    expect(twice.actions).toEqual([]);
    expect(twice.state).toEqual(once.state);
  });
});

describe("decide: faults never hang a deployment", () => {
  function startedOneHost() {
    return decide(makeState(1, ALL_AT_ONCE), { type: "start", now: 1_000, health: {} }).state;
  }

  it.each([
    { name: "an agent offline for less than the grace period keeps its target running", offlineAt: 10_000, now: 69_999, status: "InProgress" },
    { name: "an agent offline for longer than the grace period fails its target with AgentLost", offlineAt: 10_000, now: 70_000, status: "Failed" },
  ])("$name", ({ offlineAt, now, status }) => {
    const state = startedOneHost();
    state.hosts.host0 = { online: false, lastSeenAt: offlineAt, lastLogSeq: 0 };
    const { state: next } = decide(state, { type: "tick", now });
    expect(next.targets[0].status).toBe(status);
    if (status === "Failed") {
      expect(next.targets[0].events[0].diagnostics).toMatchObject({
        errorCode: "AgentLost",
        message: "The agent on h00 lost its connection at 00:00:10Z and did not return within 60 s",
      });
      expect(next.deployment).toMatchObject({ status: "Failed", errorCode: "AGENT_ISSUE" });
      expect(next.targets[0].events.slice(1).every((e) => e.status === "Skipped")).toBe(true);
    }
  });

  it.each([
    {
      name: "a target failed for a lost agent ends its event's log at the lines stored when the server decided",
      online: false,
      stop: false,
      now: 70_000,
      status: "Failed",
    },
    { name: "an event whose cancellation was never confirmed ends its log at the lines stored then", online: true, stop: true, now: 62_000, status: "Unknown" },
    { name: "an event cancelled on an offline agent ends its log at the lines stored then", online: false, stop: true, now: 2_000, status: "Unknown" },
  ])("$name", ({ online, stop, now, status }) => {
    let state = startedOneHost();
    state.hosts.host0 = { online, lastSeenAt: 10_000, lastLogSeq: 41 };
    if (stop) state = decide(state, { type: "stop", now: 2_000, autoRollback: null, message: "stop" }).state;
    const { state: next } = decide(state, { type: "tick", now });
    expect(next.targets[0].events[0]).toMatchObject({ status, lastLogSeq: 41, diagnostics: { errorCode: "AgentLost" } });
  });

  it("an event the agent never accepts fails after the pickup timeout", () => {
    const state = startedOneHost();
    expect(decide(state, { type: "tick", now: 300_999 }).state.targets[0].status).toBe("InProgress");
    const { state: next } = decide(state, { type: "tick", now: 301_000 });
    expect(next.targets[0].events[0].diagnostics?.message).toBe("The agent on h00 did not accept ApplicationStop within 300 s");
    expect(next.deployment.errorCode).toBe("AGENT_ISSUE");
  });

  it("an accepted event is not subject to the pickup timeout", () => {
    const accepted = decide(startedOneHost(), { type: "commandAccepted", now: 1_500, commandId: "t0.ApplicationStop", accepted: true });
    expect(decide(accepted.state, { type: "tick", now: 10_000_000 }).state.targets[0].status).toBe("InProgress");
  });
});

describe("decide: stop", () => {
  it("cancels running commands, skips pending targets and stops once the agents confirm", () => {
    const started = decide(makeState(3, hostCount(1)), { type: "start", now: 1_000, health: {} });
    const stop = decide(started.state, { type: "stop", now: 2_000, autoRollback: null, message: "Stopped by a@example.com" });
    expect(stop.actions.filter((a) => a.type === "cancelCommand").map((a) => a.type === "cancelCommand" && a.commandId)).toEqual([
      "t0.ApplicationStop",
      "t1.ApplicationStop",
    ]);
    expect(stop.state.targets[2].status).toBe("Skipped");
    expect(stop.state.deployment.status).toBe("InProgress");
    const one = decide(stop.state, finished("t0.ApplicationStop", "Failed", 2_100));
    const two = decide(one.state, finished("t1.ApplicationStop", "Succeeded", 2_200));
    expect(two.actions.filter((a) => a.type === "runCommand")).toEqual([]);
    expect(two.state.deployment).toMatchObject({ status: "Stopped", errorCode: "MANUAL_STOP", errorMessage: "Stopped by a@example.com" });
    expect(two.state.targets.map((t) => t.status)).toEqual(["Failed", "Unknown", "Skipped"]);
    expect(two.state.targets[1].events.slice(1).every((e) => e.status === "Skipped")).toBe(true);
  });

  it("a command on an offline agent cannot be cancelled, so its target ends Unknown at once", () => {
    const started = decide(makeState(1, ALL_AT_ONCE), { type: "start", now: 1_000, health: {} });
    started.state.hosts.host0 = { online: false, lastSeenAt: 1_500, lastLogSeq: 0 };
    const stop = decide(started.state, { type: "stop", now: 2_000, autoRollback: null, message: "stop" });
    expect(stop.actions.some((a) => a.type === "cancelCommand")).toBe(false);
    expect(stop.state.deployment.status).toBe("Stopped");
    expect(stop.state.targets[0].status).toBe("Unknown");
    expect(stop.state.targets[0].events[0].diagnostics?.message).toMatch(/offline, so ApplicationStop could not be cancelled/);
  });

  it("an agent that never confirms the cancellation does not hold the stop past the grace period", () => {
    const started = decide(makeState(1, ALL_AT_ONCE), { type: "start", now: 1_000, health: {} });
    const stop = decide(started.state, { type: "stop", now: 2_000, autoRollback: null, message: "stop" });
    expect(decide(stop.state, { type: "tick", now: 61_999 }).state.deployment.status).toBe("InProgress");
    expect(decide(stop.state, { type: "tick", now: 62_000 }).state.deployment.status).toBe("Stopped");
  });

  it("stopping a deployment that has not started stops it without touching hosts", () => {
    const { state, actions } = decide(makeState(2, ALL_AT_ONCE), { type: "stop", now: 5, autoRollback: true, message: "Cancelled before its scheduled start" });
    expect(state.deployment.status).toBe("Stopped");
    expect(state.targets.every((t) => t.status === "Skipped")).toBe(true);
    expect(actions).toEqual([{ type: "completeDeployment", status: "Stopped" }]);
  });
});

describe("decide: automatic rollback", () => {
  const onFailure: AutoRollbackConfiguration = { enabled: true, events: ["DEPLOYMENT_FAILURE"] };
  const onStop: AutoRollbackConfiguration = { enabled: true, events: ["DEPLOYMENT_STOP_ON_REQUEST"] };

  it.each([
    { name: "a failed deployment rolls back when DEPLOYMENT_FAILURE is configured", autoRollback: onFailure, creator: "user" as const, rollback: true },
    { name: "a failed deployment does not roll back when rollback is disabled", autoRollback: NO_ROLLBACK, creator: "user" as const, rollback: false },
    { name: "a failed deployment does not roll back on a stop-only configuration", autoRollback: onStop, creator: "user" as const, rollback: false },
    { name: "a failed rollback deployment never rolls back itself", autoRollback: onFailure, creator: "codeDeployRollback" as const, rollback: false },
  ])("$name", ({ autoRollback, creator, rollback }) => {
    const run = runToEnd(makeState(2, ONE_AT_A_TIME, { autoRollback, creator }), ["h00"]);
    expect(run.state.deployment.status).toBe("Failed");
    expect(run.actions.filter((a) => a.type === "createRollback")).toEqual(rollback ? [{ type: "createRollback", reason: "DEPLOYMENT_FAILURE" }] : []);
  });

  it.each([
    { name: "a stop rolls back when the group asks for DEPLOYMENT_STOP_ON_REQUEST", autoRollback: onStop, requested: null, rollback: true },
    { name: "a stop with autoRollbackEnabled true rolls back even if the group does not", autoRollback: NO_ROLLBACK, requested: true, rollback: true },
    { name: "a stop with autoRollbackEnabled false overrides the group", autoRollback: onStop, requested: false, rollback: false },
  ])("$name", ({ autoRollback, requested, rollback }) => {
    const started = decide(makeState(1, ALL_AT_ONCE, { autoRollback }), { type: "start", now: 1, health: {} });
    const stop = decide(started.state, { type: "stop", now: 2, autoRollback: requested, message: "stop" });
    const done = decide(stop.state, finished("t0.ApplicationStop", "Failed", 3));
    expect(done.state.deployment.status).toBe("Stopped");
    expect(done.actions.some((a) => a.type === "createRollback")).toBe(rollback);
  });

  it("a succeeded deployment never rolls back", () => {
    const run = runToEnd(makeState(2, ALL_AT_ONCE, { autoRollback: onFailure }));
    expect(run.actions.filter((a) => a.type === "createRollback" || a.type === "completeDeployment")).toEqual([
      { type: "completeDeployment", status: "Succeeded" },
    ]);
  });

  it("a deployment that failed before touching any host does not roll back", () => {
    const { actions } = decide(makeState(2, hostCount(2), { autoRollback: onFailure }), { type: "start", now: 1, health: {} });
    expect(actions.some((a) => a.type === "createRollback")).toBe(false);
  });
});

describe("decide: inputs are never modified (the orchestrator keeps each result as the next pass's input)", () => {
  it("leaves every state it was given as it was, through a failing deployment with rollback settings and an offline host", () => {
    let state = makeState(3, HALF_AT_A_TIME, { autoRollback: { enabled: true, events: ["DEPLOYMENT_FAILURE"] } });
    let decision = decide(state, { type: "start", now: 1_000, health: {} });
    for (let step = 0; step < 40; step++) {
      const run = decision.actions.find((a) => a.type === "runCommand");
      const next =
        run && run.type === "runCommand"
          ? finished(run.commandId, run.lifecycleEvent === "AfterInstall" ? "Failed" : "Succeeded", 2_000 + step)
          : { type: "tick" as const, now: 2_000 + step };
      state = decision.state;
      if (step === 3) state.hosts.host2.online = false;
      const before = structuredClone(state);
      decision = decide(state, next);
      expect(state).toEqual(before);
      if (decision.state.deployment.status === "Failed") break;
    }
    expect(decision.state.deployment.status).toBe("Failed");
    // The copy shares nothing with its input.
    const copy = decide(decision.state, { type: "tick", now: 10_000 }).state;
    expect(copy).not.toBe(decision.state);
    expect(copy.targets[0].events[0]).not.toBe(decision.state.targets[0].events[0]);
    expect(copy.deployment.autoRollback).not.toBe(decision.state.deployment.autoRollback);
  });
});

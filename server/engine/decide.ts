import type { DeploymentErrorCode, FinishedDeploymentStatus } from "../contracts/deployment";
import { computeMaxConcurrency, computeMinimumHealthyHosts, hasEnoughSuccesses, isMinimumHealthyHostsInvalid } from "./minimum-healthy-hosts";
import { orderTargets, type TargetHealthClass } from "./target-order";
import {
  copyEngineState,
  formatClock,
  isFinishedEvent,
  isFinishedStatus,
  makeDiagnostics,
  type Decision,
  type EngineAction,
  type EngineInput,
  type EngineLifecycleEvent,
  type EngineState,
  type EngineTarget,
  type RollbackReason,
} from "./deployment-state";

type Pass = { state: EngineState; actions: EngineAction[]; now: number };

/**
 * The deployment engine: applies one input to a deployment snapshot and returns the next snapshot plus
 * the actions to carry out. Pure: no I/O, no clock (inputs carry `now`), no random ids (command ids are
 * the lifecycle event ids, so a re-sent command keeps its id).
 */
export function decide(state: EngineState, input: EngineInput): Decision {
  return decideAll(state, [input]);
}

/** decide() over several inputs in order, copying the state once (a burst of agent reports). */
export function decideAll(state: EngineState, inputs: readonly EngineInput[]): Decision {
  const pass: Pass = { state: copyEngineState(state), actions: [], now: 0 };
  for (const input of inputs) {
    pass.now = input.now;
    applyInput(pass, input);
  }
  return { state: pass.state, actions: pass.actions };
}

function applyInput(pass: Pass, input: EngineInput): void {
  const d = pass.state.deployment;
  if (isFinishedStatus(d.status)) return;
  switch (input.type) {
    case "start":
      start(pass, input.health);
      break;
    case "stop":
      requestStop(pass, input.autoRollback, input.message);
      break;
    case "commandAccepted":
      recordAccepted(pass, input.commandId, input.accepted, input.reason);
      break;
    case "eventFinished":
      recordFinished(pass, input);
      break;
    case "tick":
      enforceDeadlines(pass);
      break;
  }
  if (d.status === "InProgress") reconcile(pass);
}

function start(pass: Pass, health: Record<string, TargetHealthClass>): void {
  const { state, now } = pass;
  const d = state.deployment;
  if (d.status !== "Scheduled" && d.status !== "Created" && d.status !== "Queued") return;
  const n = state.targets.length;
  d.startedAt = now;
  if (n === 0) {
    finish(pass, "Failed", "NO_INSTANCES", "No registered host matches the deployment group's tags");
    return;
  }
  if (isMinimumHealthyHostsInvalid(d.minimumHealthyHosts, n)) {
    for (const t of state.targets) skipTarget(pass, t);
    const m = computeMinimumHealthyHosts(d.minimumHealthyHosts, n);
    finish(
      pass,
      "Failed",
      "HEALTH_CONSTRAINTS_INVALID",
      `The deployment config needs ${m} healthy host${m === 1 ? "" : "s"} but the deployment has only ${n} target${n === 1 ? "" : "s"}, so it could never succeed; no host was touched`,
    );
    return;
  }
  const ordered = orderTargets(state.targets.map((t) => ({ ...t, health: health[t.id] ?? "Unhealthy" })));
  state.targets = ordered.map(({ health: _health, ...t }, position) => ({ ...t, position }));
  d.status = "InProgress";
}

function requestStop(pass: Pass, autoRollback: boolean | null, message: string): void {
  const { state, now } = pass;
  const d = state.deployment;
  if (d.stopRequestedAt !== null) return;
  d.stopRequestedAt = now;
  d.stopAutoRollback = autoRollback;
  if (d.status !== "InProgress") {
    for (const t of state.targets) skipTarget(pass, t);
    finish(pass, "Stopped", "MANUAL_STOP", message);
    return;
  }
  d.errorMessage = message;
  for (const t of state.targets) {
    const e = currentEvent(t);
    if (t.status !== "InProgress" || !e) continue;
    if (state.hosts[t.hostId]?.online) {
      pass.actions.push({ type: "cancelCommand", hostId: t.hostId, commandId: e.commandId ?? e.id, reason: message });
    } else {
      endEvent(
        pass,
        t,
        e,
        "Unknown",
        makeDiagnostics("AgentLost", `The agent on ${t.hostName} is offline, so ${e.name} could not be cancelled; it may still be running on the host`),
      );
    }
  }
}

function recordAccepted(pass: Pass, commandId: string, accepted: boolean, reason: string | undefined): void {
  const found = findEvent(pass.state, commandId);
  if (!found || found.event.status !== "InProgress") return;
  const { target, event } = found;
  if (accepted) {
    event.acceptedAt ??= pass.now;
    event.startedAt ??= pass.now;
    event.diagnostics = null;
  } else {
    event.diagnostics = makeDiagnostics("UnknownError", `The agent refused ${event.name}: ${reason ?? "no reason given"}; it will be offered again`);
  }
  target.lastUpdatedAt = pass.now;
}

function recordFinished(pass: Pass, input: Extract<EngineInput, { type: "eventFinished" }>): void {
  const found = findEvent(pass.state, input.result.commandId);
  if (!found || found.event.status !== "InProgress") return;
  const { target, event } = found;
  const r = input.result;
  event.status = r.status;
  event.acceptedAt ??= pass.now;
  event.startedAt = r.startedAt;
  event.completedAt = r.finishedAt;
  event.diagnostics = r.diagnostics;
  event.scriptDeploymentId = r.scriptSource?.deploymentId ?? null;
  event.scriptRevisionId = r.scriptSource?.revisionId ?? null;
  event.lastLogSeq = r.lastLogSeq;
  target.lastUpdatedAt = pass.now;
}

/** Agent lost, command never picked up, cancellation never confirmed: no deployment waits forever. */
function enforceDeadlines(pass: Pass): void {
  const { state, now } = pass;
  const { agentGraceMs, eventPickupMs } = state.limits;
  const d = state.deployment;
  if (d.status !== "InProgress") return;
  for (const t of state.targets) {
    const e = currentEvent(t);
    if (t.status !== "InProgress" || !e || e.dispatchedAt === null) continue;
    const host = state.hosts[t.hostId];
    const seconds = (ms: number) => Math.round(ms / 1000);
    if (!host?.online) {
      const since = Math.max(host?.lastSeenAt ?? e.dispatchedAt, e.dispatchedAt);
      if (d.stopRequestedAt !== null) {
        endEvent(
          pass,
          t,
          e,
          "Unknown",
          makeDiagnostics("AgentLost", `The agent on ${t.hostName} went offline, so ${e.name} could not be cancelled; it may still be running on the host`),
        );
      } else if (now - since >= agentGraceMs) {
        const message =
          host?.lastSeenAt === null || host?.lastSeenAt === undefined
            ? `The agent on ${t.hostName} was not connected when ${e.name} was due and did not connect within ${seconds(agentGraceMs)} s`
            : `The agent on ${t.hostName} lost its connection at ${formatClock(host.lastSeenAt, now)} and did not return within ${seconds(agentGraceMs)} s`;
        endEvent(pass, t, e, "Failed", makeDiagnostics("AgentLost", message));
      }
    } else if (d.stopRequestedAt !== null && now - d.stopRequestedAt >= agentGraceMs) {
      endEvent(
        pass,
        t,
        e,
        "Unknown",
        makeDiagnostics("AgentLost", `The agent on ${t.hostName} did not confirm the cancellation of ${e.name} within ${seconds(agentGraceMs)} s`),
      );
    } else if (e.acceptedAt === null && now - e.dispatchedAt >= eventPickupMs) {
      const refusal = e.diagnostics ? ` (${e.diagnostics.message})` : "";
      endEvent(
        pass,
        t,
        e,
        "Failed",
        makeDiagnostics("AgentLost", `The agent on ${t.hostName} did not accept ${e.name} within ${seconds(eventPickupMs)} s${refusal}`),
      );
    }
  }
}

/** Advances running targets, starts new ones as the minimum healthy hosts allow, and finishes the deployment. */
function reconcile(pass: Pass): void {
  const { state } = pass;
  const d = state.deployment;
  const stopping = d.stopRequestedAt !== null;
  for (const t of state.targets) if (t.status === "InProgress") advanceTarget(pass, t, stopping);

  const n = state.targets.length;
  const maxConcurrency = computeMaxConcurrency(d.minimumHealthyHosts, n);
  const countFailed = () => state.targets.filter((t) => t.status === "Failed" || t.status === "Unknown").length;
  const pending = state.targets.filter((t) => t.status === "Pending");
  if (stopping) {
    for (const t of pending) skipTarget(pass, t);
  } else {
    let allowed = maxConcurrency - countFailed() - state.targets.filter((t) => t.status === "InProgress").length;
    while (allowed > 0 && pending.length > 0) {
      const t = pending.shift()!;
      t.status = "InProgress";
      t.startedAt = pass.now;
      advanceTarget(pass, t, false);
      allowed--;
    }
    // Each failure permanently takes one host of concurrency; at N - M failures no further host may start.
    if (pending.length > 0 && countFailed() >= maxConcurrency) for (const t of pending) skipTarget(pass, t);
  }

  if (state.targets.some((t) => t.status === "InProgress" || t.status === "Pending")) return;
  if (stopping) {
    finish(pass, "Stopped", "MANUAL_STOP", d.errorMessage ?? "The deployment was stopped on request");
    return;
  }
  const succeeded = state.targets.filter((t) => t.status === "Succeeded").length;
  if (hasEnoughSuccesses(d.minimumHealthyHosts, n, succeeded)) {
    finish(pass, "Succeeded", null, null);
    return;
  }
  const failed = countFailed();
  const needed = Math.max(computeMinimumHealthyHosts(d.minimumHealthyHosts, n), 1);
  const counts = `${failed} of ${n} host${n === 1 ? "" : "s"} failed and ${succeeded} succeeded; the deployment needed ${needed} to succeed`;
  const lost = state.targets.flatMap((t) => t.events).find((e) => e.diagnostics?.errorCode === "AgentLost" && e.status !== "Succeeded");
  if (lost) finish(pass, "Failed", "AGENT_ISSUE", `${lost.diagnostics!.message}. ${counts}`);
  else finish(pass, "Failed", "HEALTH_CONSTRAINTS", `Too many hosts failed: ${counts}`);
}

function advanceTarget(pass: Pass, t: EngineTarget, stopping: boolean): void {
  const ignoreStopFailures = pass.state.deployment.ignoreApplicationStopFailures;
  for (const e of t.events) {
    if (e.status === "InProgress") return;
    if (e.status === "Pending") {
      if (stopping) {
        const interrupted = t.events.some((x) => x.status === "Failed" || x.status === "Unknown");
        endTarget(pass, t, interrupted ? "Failed" : "Unknown");
      } else {
        dispatch(pass, t, e);
      }
      return;
    }
    const ignorable = e.status === "Failed" && e.name === "ApplicationStop" && ignoreStopFailures && e.diagnostics?.errorCode !== "AgentLost";
    if ((e.status === "Failed" || e.status === "Unknown") && !ignorable) {
      endTarget(pass, t, e.status);
      return;
    }
  }
  endTarget(pass, t, "Succeeded");
}

function dispatch(pass: Pass, t: EngineTarget, e: EngineLifecycleEvent): void {
  e.status = "InProgress";
  e.commandId = e.id;
  e.dispatchedAt = pass.now;
  e.acceptedAt = null;
  e.diagnostics = null;
  t.lastUpdatedAt = pass.now;
  pass.actions.push({ type: "runCommand", hostId: t.hostId, targetId: t.id, commandId: e.id, lifecycleEvent: e.name });
}

function endEvent(pass: Pass, t: EngineTarget, e: EngineLifecycleEvent, status: "Failed" | "Unknown", diagnostics: EngineLifecycleEvent["diagnostics"]): void {
  e.status = status;
  e.completedAt = pass.now;
  e.diagnostics = diagnostics;
  // The verdict explains what the server had when it decided; lines a returning agent sends later do not change it.
  e.lastLogSeq = pass.state.hosts[t.hostId]?.lastLogSeq ?? e.lastLogSeq;
  t.lastUpdatedAt = pass.now;
}

function endTarget(pass: Pass, t: EngineTarget, status: "Succeeded" | "Failed" | "Unknown"): void {
  for (const e of t.events) if (e.status === "Pending") e.status = "Skipped";
  t.status = status;
  t.completedAt = pass.now;
  t.lastUpdatedAt = pass.now;
}

function skipTarget(pass: Pass, t: EngineTarget): void {
  if (t.status !== "Pending") return;
  for (const e of t.events) if (!isFinishedEvent(e.status)) e.status = "Skipped";
  t.status = "Skipped";
  t.lastUpdatedAt = pass.now;
}

function finish(pass: Pass, status: FinishedDeploymentStatus, code: DeploymentErrorCode | null, message: string | null): void {
  const { state, now } = pass;
  const d = state.deployment;
  d.status = status;
  d.completedAt = now;
  d.errorCode = code;
  d.errorMessage = message;
  pass.actions.push({ type: "completeDeployment", status });
  const reason = rollbackReason(state, status);
  if (reason) pass.actions.push({ type: "createRollback", reason });
}

/** Rollbacks never roll back themselves, and a deployment that touched no host has nothing to undo. */
function rollbackReason(state: EngineState, status: FinishedDeploymentStatus): RollbackReason | null {
  const d = state.deployment;
  if (d.creator === "codeDeployRollback" || !state.targets.some((t) => t.startedAt !== null)) return null;
  const configured = (event: RollbackReason) => d.autoRollback.enabled && d.autoRollback.events.includes(event);
  if (status === "Failed") return configured("DEPLOYMENT_FAILURE") ? "DEPLOYMENT_FAILURE" : null;
  if (status === "Stopped") return (d.stopAutoRollback ?? configured("DEPLOYMENT_STOP_ON_REQUEST")) ? "DEPLOYMENT_STOP_ON_REQUEST" : null;
  return null;
}

function currentEvent(t: EngineTarget): EngineLifecycleEvent | undefined {
  return t.events.find((e) => e.status === "InProgress");
}

function findEvent(state: EngineState, commandId: string): { target: EngineTarget; event: EngineLifecycleEvent } | null {
  for (const target of state.targets) {
    const event = target.events.find((e) => e.commandId === commandId);
    if (event) return { target, event };
  }
  return null;
}

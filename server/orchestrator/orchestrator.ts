import type { CommandSpec, EventFinished } from "../contracts/agent-protocol";
import type { DeploymentOverview } from "../contracts/deployment";
import { liveRooms } from "../contracts/live-updates";
import type { TriggerEventType } from "../contracts/webhooks";
import { decideAll } from "../engine/decide";
import {
  computeOverview,
  describeMissedStart,
  isFinishedEvent,
  type EngineAction,
  type EngineInput,
  type EngineLimits,
  type EngineState,
} from "../engine/deployment-state";
import { planGroupStarts } from "../engine/group-queue";
import { describeRollbackOutcome } from "../engine/rollback";
import { createRollback } from "./create-rollback";
import type {
  AgentGateway,
  AuditActor,
  AuditEntry,
  CommandOwner,
  DeploymentMetrics,
  DeploymentNotifier,
  DeploymentStore,
  LivePublisher,
  SavedChanges,
} from "./ports";

/** The deployment orchestrator: loads state, asks the engine, persists and dispatches. */
export interface Orchestrator {
  /** Re-evaluates a deployment soon (after an agent report or a timer). */
  poke(deploymentId: string): void;
  /** Starts the group's next deployment if the group is free. */
  pokeGroup(deploymentGroupId: string): void;
  /**
   * Applies one engine input; resolves once the outcome is stored (agent acks wait for this). An audit row
   * given with it is written in the same transaction as the change, and rejects with it when the pass fails.
   */
  submit(deploymentId: string, input: EngineInput, audit?: AuditedBy): Promise<void>;
  /** An agent's event:finished, checked against the reporting host. */
  recordEventFinished(hostId: string, result: EventFinished): Promise<{ ok: true } | { ok: false; error: string }>;
  /** After agent:hello: records finished results, confirms running commands, re-sends lost ones. */
  reconcileAgent(hostId: string, commands: readonly { commandId: string; state: "running" | "finished"; result?: EventFinished }[]): Promise<void>;
  /** Once at start-up: no agent is connected yet, and scheduled starts missed while down get a note. */
  boot(): void;
  /** The 1 s timer: deadlines, due schedules, re-sending unaccepted commands. */
  tick(): void;
  /** Resolves when no work is queued (tests). */
  settled(): Promise<void>;
}

export type OrchestratorPorts = {
  store: DeploymentStore;
  gateway: AgentGateway;
  live: LivePublisher;
  now: () => number;
  limits: EngineLimits;
  notifier: DeploymentNotifier;
  metrics: DeploymentMetrics;
  onError: (err: unknown) => void;
};

/** An unaccepted command is offered again after this long (a lost emit, a refusal). */
const RESEND_INTERVAL_MS = 10_000;

/** The audit row of a user's request an engine input carries out. */
export type AuditedBy = { who: AuditActor; entry: AuditEntry };

type Entry = { input: EngineInput; audit?: AuditedBy; done: () => void; fail: (err: unknown) => void };
type Outcome = { before: EngineState; after: EngineState; actions: EngineAction[]; changes: SavedChanges; rollbackId: string | null; groupId: string | null };

function isSameOverview(a: DeploymentOverview, b: DeploymentOverview): boolean {
  return a.Pending === b.Pending && a.InProgress === b.InProgress && a.Succeeded === b.Succeeded && a.Failed === b.Failed && a.Skipped === b.Skipped;
}

export function createOrchestrator(ports: OrchestratorPorts): Orchestrator {
  const { store, gateway, live, now, limits } = ports;
  const inputs = new Map<string, Entry[]>();
  const groups = new Set<string>();
  // Only paces re-sends; the commands themselves live in SQLite.
  const lastSentAt = new Map<string, number>();
  let scheduled = false;
  const idle: (() => void)[] = [];
  /**
   * The state of each running deployment as this orchestrator last stored it. While a deployment is InProgress
   * only the orchestrator writes its deployment, target and event rows, so a pass starts from this copy and
   * re-reads just its hosts' connection state instead of reloading every target and event.
   */
  const running = new Map<string, { state: EngineState; groupId: string | null }>();

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  function enqueue(deploymentId: string, entry: Entry): void {
    const list = inputs.get(deploymentId);
    if (list) list.push(entry);
    else inputs.set(deploymentId, [entry]);
    schedule();
  }

  function submit(deploymentId: string, input: EngineInput, audit?: AuditedBy): Promise<void> {
    return new Promise((done, fail) => enqueue(deploymentId, { input, audit, done, fail }));
  }

  function flush(): void {
    scheduled = false;
    for (let round = 0; (inputs.size > 0 || groups.size > 0) && round < 50; round++) {
      for (const groupId of [...groups]) {
        groups.delete(groupId);
        runGroup(groupId);
      }
      const batch = [...inputs];
      inputs.clear();
      for (const [deploymentId, entries] of batch) runDeployment(deploymentId, entries);
    }
    if (inputs.size > 0 || groups.size > 0) schedule();
    else for (const resolve of idle.splice(0)) resolve();
  }

  function runGroup(groupId: string): void {
    try {
      const at = now();
      const plan = planGroupStarts(store.listGroupQueue(groupId), at);
      if (plan.queueIds.length > 0) {
        store.markQueued(plan.queueIds);
        for (const id of plan.queueIds) publishDeployment(id);
      }
      if (plan.startId) {
        const health = store.loadTargetHealth(plan.startId);
        runDeployment(plan.startId, [{ input: { type: "start", now: at, health }, done: () => {}, fail: ports.onError }]);
      }
    } catch (err) {
      ports.onError(err);
    }
  }

  function runDeployment(deploymentId: string, entries: Entry[]): void {
    let outcome: Outcome | null;
    try {
      outcome = store.transaction(() => {
        const cached = running.get(deploymentId);
        const before = cached ? { ...cached.state, hosts: store.loadHostStatus(deploymentId) } : store.load(deploymentId, limits);
        if (!before) return null;
        const { state: after, actions } = decideAll(
          before,
          entries.map((e) => e.input),
        );
        const changes = store.save(before, after);
        for (const e of entries) if (e.audit) store.recordAudit(e.audit.who, e.audit.entry, now());
        if (before.deployment.status !== "InProgress" && after.deployment.status === "InProgress") store.recordStart(deploymentId);
        let rollbackId: string | null = null;
        for (const a of actions) {
          if (a.type === "completeDeployment") {
            const { rollbackTriggeringDeploymentId } = store.recordCompletion(deploymentId, a.status);
            if (rollbackTriggeringDeploymentId)
              store.setRollbackInfo(rollbackTriggeringDeploymentId, { message: describeRollbackOutcome(deploymentId, a.status) });
          }
          if (a.type === "createRollback") rollbackId = createRollback(store, deploymentId, a.reason, after.deployment.completedAt ?? now(), null);
        }
        return { before, after, actions, changes, rollbackId, groupId: cached ? cached.groupId : store.deploymentGroupOf(deploymentId) };
      });
    } catch (err) {
      // The transaction rolled back: SQLite holds the state from before this pass, which the next pass reloads.
      running.delete(deploymentId);
      for (const e of entries) e.fail(err);
      ports.onError(err);
      return;
    }
    if (outcome?.after.deployment.status === "InProgress") running.set(deploymentId, { state: outcome.after, groupId: outcome.groupId });
    else running.delete(deploymentId);
    for (const e of entries) e.done();
    if (outcome) carryOut(deploymentId, outcome);
  }

  function carryOut(deploymentId: string, o: Outcome): void {
    const runs = o.actions.filter((a) => a.type === "runCommand");
    const context = runs.length > 0 ? store.commandContext(deploymentId) : null;
    for (const a of o.actions) {
      if (a.type === "runCommand" && context) send(deploymentId, a.hostId, { ...context, commandId: a.commandId, lifecycleEvent: a.lifecycleEvent });
      if (a.type === "cancelCommand") gateway.cancelCommand(a.hostId, { commandId: a.commandId, reason: a.reason }).catch(ports.onError);
      if (a.type === "completeDeployment" && o.groupId) groups.add(o.groupId);
    }
    if (o.rollbackId && o.groupId) groups.add(o.groupId);
    if (groups.size > 0) schedule();
    publishChanges(o);
    // After publishChanges, so the DeploymentFailure (or Stop) that caused it is notified first.
    if (o.rollbackId) notify("DeploymentRollback", o.rollbackId);
  }

  function publishChanges({ before, after, changes }: Outcome): void {
    const d = after.deployment;
    let deploymentTrigger: TriggerEventType | null = null;
    const overview = computeOverview(after.targets);
    // A host finishing changes the counts without touching the deployment row; lists and summaries show those counts live.
    if (changes.deploymentChanged || !isSameOverview(overview, computeOverview(before.targets))) {
      const update = { deploymentId: d.id, status: d.status, overview, completedAt: d.completedAt };
      live.publish(liveRooms.fleet, "deployment:updated", update);
      live.publish(liveRooms.deployment(d.id), "deployment:updated", update);
    }
    if (changes.deploymentChanged) {
      if (before.deployment.status !== d.status) {
        const trigger: Partial<Record<string, TriggerEventType>> = {
          InProgress: "DeploymentStart",
          Succeeded: "DeploymentSuccess",
          Failed: "DeploymentFailure",
          Stopped: "DeploymentStop",
        };
        deploymentTrigger = trigger[d.status] ?? null;
        // Receivers see DeploymentStart before the first InstanceStart, and the last Instance* event before the deployment's end.
        if (deploymentTrigger === "DeploymentStart") notify(deploymentTrigger, d.id);
        if (d.completedAt !== null && d.startedAt !== null) ports.metrics.deploymentFinished(d.status, (d.completedAt - d.startedAt) / 1000);
      }
    }
    const previous = new Map(before.targets.map((t) => [t.id, t]));
    for (const targetId of changes.changedTargetIds) {
      const t = after.targets.find((x) => x.id === targetId)!;
      const old = previous.get(targetId);
      live.publish(liveRooms.deployment(d.id), "target:updated", {
        deploymentId: d.id,
        targetId,
        hostName: t.hostName,
        status: t.status,
        events: t.events.map((e) => ({ name: e.name, status: e.status, startedAt: e.startedAt, completedAt: e.completedAt, diagnostics: e.diagnostics })),
      });
      if (old && old.status !== t.status) {
        const type =
          t.status === "InProgress"
            ? "InstanceStart"
            : t.status === "Succeeded"
              ? "InstanceSuccess"
              : t.status === "Failed" || t.status === "Unknown"
                ? "InstanceFailure"
                : null;
        if (type) notify(type, d.id, targetId);
      }
      if (old) {
        const oldEvents = new Map(old.events.map((e) => [e.id, e]));
        for (const e of t.events) {
          if (!isFinishedEvent(e.status) || e.status === "Skipped" || oldEvents.get(e.id)?.status !== "InProgress") continue;
          ports.metrics.eventFinished(e.name, e.status, e.startedAt !== null && e.completedAt !== null ? Math.max(e.completedAt - e.startedAt, 0) / 1000 : 0);
        }
      }
    }
    if (deploymentTrigger !== null && deploymentTrigger !== "DeploymentStart") notify(deploymentTrigger, d.id);
  }

  function publishDeployment(deploymentId: string): void {
    const state = store.load(deploymentId, limits);
    if (!state) return;
    const d = state.deployment;
    const update = { deploymentId: d.id, status: d.status, overview: computeOverview(state.targets), completedAt: d.completedAt };
    live.publish(liveRooms.fleet, "deployment:updated", update);
    live.publish(liveRooms.deployment(d.id), "deployment:updated", update);
  }

  function notify(type: TriggerEventType, deploymentId: string, targetId?: string): void {
    try {
      ports.notifier.notify({ type, deploymentId, targetId });
    } catch (err) {
      ports.onError(err);
    }
  }

  function send(deploymentId: string, hostId: string, spec: CommandSpec): void {
    lastSentAt.set(spec.commandId, now());
    gateway
      .sendCommand(hostId, spec)
      .then((reply) => {
        // No answer: the command is re-sent when the agent says hello again, or by the tick.
        if (!reply || reply.commandId !== spec.commandId) return;
        return submit(deploymentId, { type: "commandAccepted", now: now(), commandId: spec.commandId, accepted: reply.accepted, reason: reply.reason });
      })
      .catch(ports.onError);
  }

  function resend(owner: CommandOwner): void {
    const context = store.commandContext(owner.deploymentId);
    if (context) send(owner.deploymentId, owner.hostId, { ...context, commandId: owner.commandId, lifecycleEvent: owner.eventName });
  }

  async function recordEventFinished(hostId: string, result: EventFinished): Promise<{ ok: true } | { ok: false; error: string }> {
    const owner = store.findCommandOwner(result.commandId);
    if (!owner) return { ok: false, error: `Unknown command ${result.commandId}` };
    if (owner.hostId !== hostId) return { ok: false, error: `Command ${result.commandId} belongs to another host` };
    if (result.lastLogSeq > owner.hostLogSeq) {
      return {
        ok: false,
        error: `The result of command ${result.commandId} ends at log line ${result.lastLogSeq}, but the server has stored lines only up to ${owner.hostLogSeq}; send the lines first`,
      };
    }
    await submit(owner.deploymentId, { type: "eventFinished", now: now(), result });
    return { ok: true };
  }

  const orchestrator: Orchestrator = {
    poke(deploymentId) {
      submit(deploymentId, { type: "tick", now: now() }).catch(ports.onError);
    },

    pokeGroup(deploymentGroupId) {
      groups.add(deploymentGroupId);
      schedule();
    },

    submit,
    recordEventFinished,

    async reconcileAgent(hostId, commands) {
      const reported = new Set<string>();
      const pending: Promise<unknown>[] = [];
      for (const c of commands) {
        reported.add(c.commandId);
        const owner = store.findCommandOwner(c.commandId);
        if (!owner || owner.hostId !== hostId) continue;
        if (c.state === "finished") {
          if (c.result && c.result.commandId === c.commandId) pending.push(recordEventFinished(hostId, c.result));
          continue;
        }
        const expected = owner.eventStatus === "InProgress" && owner.deploymentStatus === "InProgress";
        if (expected) pending.push(submit(owner.deploymentId, { type: "commandAccepted", now: now(), commandId: c.commandId, accepted: true }));
        if (!expected || owner.stopRequested) {
          const reason = expected ? "The deployment was stopped" : "The deployment no longer expects this command";
          gateway.cancelCommand(hostId, { commandId: c.commandId, reason }).catch(ports.onError);
        }
      }
      for (const open of store.listOpenCommands(hostId)) {
        if (reported.has(open.commandId)) continue;
        if (!open.stopRequested) {
          resend(open);
          continue;
        }
        // The agent never received it, so nothing runs: the cancellation is complete.
        const at = now();
        pending.push(
          submit(open.deploymentId, {
            type: "eventFinished",
            now: at,
            result: {
              commandId: open.commandId,
              status: "Failed",
              startedAt: at,
              finishedAt: at,
              diagnostics: { errorCode: "Cancelled", scriptName: null, message: `${open.eventName} was cancelled before the agent started it`, logTail: "" },
              scriptSource: null,
              lastLogSeq: 0,
            },
          }),
        );
      }
      await Promise.all(pending);
    },

    boot() {
      const at = now();
      store.markAllHostsOffline(at);
      store.noteMissedSchedules(at, (startAt) => describeMissedStart(startAt, at));
      orchestrator.tick();
    },

    tick() {
      try {
        const at = now();
        for (const id of store.listDeploymentsNeedingTick()) submit(id, { type: "tick", now: at }).catch(ports.onError);
        for (const groupId of store.listGroupsWithDueDeployments(at)) orchestrator.pokeGroup(groupId);
        for (const c of store.listUnacceptedCommands()) {
          if (c.stopRequested || !gateway.isConnected(c.hostId)) continue;
          if (at - (lastSentAt.get(c.commandId) ?? 0) >= RESEND_INTERVAL_MS) resend(c);
        }
        if (lastSentAt.size > 10_000) lastSentAt.clear();
      } catch (err) {
        ports.onError(err);
      }
    },

    settled() {
      if (!scheduled && inputs.size === 0 && groups.size === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
  return orchestrator;
}

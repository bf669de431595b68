import { randomUUID } from "node:crypto";
import type { CommandCancel, CommandSpec, EventFinished } from "../contracts/agent-protocol";
import type { ServerToBrowserEvents } from "../contracts/live-updates";
import type { AutoRollbackConfiguration } from "../contracts/resources";
import type { Deps } from "../deps";
import { createDeploymentCommands } from "../orchestrator/deployment-commands";
import { createOrchestrator, type Orchestrator } from "../orchestrator/orchestrator";
import type { AgentGateway } from "../orchestrator/ports";
import type { LivePublisher } from "../orchestrator/ports";
import type { DbWriter } from "../storage/database";
import type { DeploymentStatus } from "../contracts/deployment";
import { insertDeployment, newDeploymentId } from "../storage/deployment-insert";
import { createDeploymentStore } from "../storage/deployment-store";
import { applications, deploymentGroups } from "../storage/schema";
import { insertTestHost, insertTestRevision } from "./catalog-fixtures";

export type SeededGroup = {
  applicationId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentGroupId: string;
  /** Host ids in name order (web-1, web-2, ...). */
  hostIds: string[];
  revisionIds: string[];
};

/** An application with a deployment group selecting env=prod, `hosts` matching hosts and two revisions. */
export function seedDeploymentGroup(
  deps: Deps,
  options: { hosts?: number; deploymentConfigName?: string; autoRollback?: AutoRollbackConfiguration; online?: boolean } = {},
): SeededGroup {
  const applicationId = randomUUID();
  const applicationName = `app-${applicationId.slice(0, 8)}`;
  deps.db.insert(applications).values({ id: applicationId, name: applicationName }).run();
  const deploymentGroupId = randomUUID();
  deps.db
    .insert(deploymentGroups)
    .values({
      id: deploymentGroupId,
      applicationId,
      name: "prod",
      deploymentConfigName: options.deploymentConfigName ?? "CodeDeployDefault.OneAtATime",
      tagSet: [[{ key: "env", value: "prod", type: "KEY_AND_VALUE" }]],
      autoRollback: options.autoRollback ?? { enabled: false, events: [] },
    })
    .run();
  const hostIds = Array.from(
    { length: options.hosts ?? 3 },
    (_, i) => insertTestHost(deps, `web-${i + 1}-${applicationId.slice(0, 4)}`, [{ key: "env", value: "prod" }], { online: options.online ?? true }).hostId,
  );
  const revisionIds = [insertTestRevision(deps, applicationId).revisionId, insertTestRevision(deps, applicationId).revisionId];
  return { applicationId, applicationName, deploymentGroupName: "prod", deploymentGroupId, hostIds, revisionIds };
}

/** Writes a deployment of `g`'s first revision to its first host straight into the database, as history; returns its id. */
export function insertHistoricDeployment(db: DbWriter, g: SeededGroup, status: DeploymentStatus, createdAt: number): string {
  const id = newDeploymentId();
  insertDeployment(
    db,
    {
      id,
      applicationId: g.applicationId,
      deploymentGroupId: g.deploymentGroupId,
      revisionId: g.revisionIds[0],
      status,
      creator: "user",
      createdBy: null,
      description: null,
      deploymentConfigName: "CodeDeployDefault.OneAtATime",
      minimumHealthyHosts: { type: "HOST_COUNT", value: 0 },
      fileExistsBehavior: "DISALLOW",
      ignoreApplicationStopFailures: false,
      autoRollback: { enabled: false, events: [] },
      startAt: null,
      createdAt,
    },
    [{ hostId: g.hostIds[0], hostName: "web-1" }],
  );
  return id;
}

export type AgentOutcome = "Succeeded" | "Failed" | "hold";

/**
 * Plays the agents behind the orchestrator's AgentGateway port: accepts every command of a connected host
 * and reports the outcome `outcome` picks; "hold" leaves the command running until finish() is called.
 */
export class ScriptedAgents implements AgentGateway {
  readonly connected = new Set<string>();
  readonly runs: { hostId: string; spec: CommandSpec }[] = [];
  readonly cancels: { hostId: string; cancel: CommandCancel }[] = [];
  outcome: (hostId: string, spec: CommandSpec) => AgentOutcome = () => "Succeeded";
  orchestrator: Orchestrator | null = null;
  now: () => number = () => Date.now();

  async sendCommand(hostId: string, spec: CommandSpec) {
    if (!this.connected.has(hostId)) return null;
    this.runs.push({ hostId, spec });
    const outcome = this.outcome(hostId, spec);
    if (outcome !== "hold") setImmediate(() => void this.finish(hostId, spec.commandId, outcome));
    return { commandId: spec.commandId, accepted: true };
  }

  async cancelCommand(hostId: string, cancel: CommandCancel) {
    if (!this.connected.has(hostId)) return false;
    this.cancels.push({ hostId, cancel });
    setImmediate(() => void this.finish(hostId, cancel.commandId, "Failed", "Cancelled"));
    return true;
  }

  isConnected(hostId: string) {
    return this.connected.has(hostId);
  }

  finish(hostId: string, commandId: string, status: "Succeeded" | "Failed", errorCode: "ScriptFailed" | "Cancelled" = "ScriptFailed") {
    return this.orchestrator!.recordEventFinished(hostId, this.result(commandId, status, errorCode));
  }

  result(commandId: string, status: "Succeeded" | "Failed", errorCode: "ScriptFailed" | "Cancelled" = "ScriptFailed"): EventFinished {
    const at = this.now();
    return {
      commandId,
      status,
      startedAt: at,
      finishedAt: at,
      diagnostics: {
        errorCode: status === "Succeeded" ? "Success" : errorCode,
        scriptName: status === "Failed" ? "scripts/hook.sh" : null,
        message: status,
        logTail: "",
      },
      scriptSource: null,
      lastLogSeq: 0,
    };
  }

  /** Lifecycle events run on a host, in order. */
  eventsOn(hostId: string): string[] {
    return this.runs.filter((r) => r.hostId === hostId).map((r) => r.spec.lifecycleEvent);
  }
}

/** Records every live update. */
export class RecordingPublisher implements LivePublisher {
  readonly published: { room: string; event: keyof ServerToBrowserEvents; payload: unknown }[] = [];
  publish<E extends keyof ServerToBrowserEvents>(room: string, event: E, ...args: Parameters<ServerToBrowserEvents[E]>): void {
    this.published.push({ room, event, payload: args[0] });
  }
}

/**
 * A real orchestrator over the test database talking to `gateway`, wired into deps.services the way main.ts
 * wires it (with the deployment commands over it). Notifications and metrics go to whatever deps.services
 * holds when they happen, so a test may swap those in later.
 */
export function wireTestOrchestrator(deps: Deps, gateway: AgentGateway, live: LivePublisher): Orchestrator & { errors: unknown[] } {
  const errors: unknown[] = [];
  const store = createDeploymentStore(deps.db);
  const notifier = { notify: (event: Parameters<Deps["services"]["notifier"]["notify"]>[0]) => deps.services.notifier.notify(event) };
  const orchestrator = createOrchestrator({
    store,
    gateway,
    live,
    now: () => deps.now(),
    limits: { agentGraceMs: deps.env.LANDLINE_AGENT_GRACE_SECONDS * 1000, eventPickupMs: deps.env.LANDLINE_EVENT_PICKUP_SECONDS * 1000 },
    notifier,
    metrics: {
      deploymentFinished: (status, seconds) => deps.services.metrics.deploymentFinished(status, seconds),
      eventFinished: (event, status, seconds) => deps.services.metrics.eventFinished(event, status, seconds),
    },
    onError: (err) => {
      errors.push(err);
    },
  });
  deps.services.orchestrator = orchestrator;
  deps.services.deployments = createDeploymentCommands({ store, orchestrator, notifier, now: () => deps.now() });
  deps.services.live = live;
  return Object.assign(orchestrator, { errors });
}

/** A real orchestrator over the test database whose agents are `agents`, registered as deps.services.orchestrator. */
export function startTestOrchestrator(deps: Deps, agents: ScriptedAgents, live = new RecordingPublisher()): Orchestrator & { errors: unknown[] } {
  const orchestrator = wireTestOrchestrator(deps, agents, live);
  agents.orchestrator = orchestrator;
  agents.now = () => deps.now();
  return orchestrator;
}

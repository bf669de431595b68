import type { CommandAccepted, CommandCancel, CommandSpec } from "../contracts/agent-protocol";
import type { DeploymentCreator, DeploymentStatus, FinishedDeploymentStatus, LifecycleEventName, LifecycleEventStatus } from "../contracts/deployment";
import type { ServerToBrowserEvents } from "../contracts/live-updates";
import type { AutoRollbackConfiguration, FileExistsBehavior, MinimumHealthyHosts } from "../contracts/resources";
import type { TriggerEventType } from "../contracts/webhooks";
import type { EngineLimits, EngineState } from "../engine/deployment-state";
import type { QueuedDeployment } from "../engine/group-queue";
import type { RollbackCandidate, RollbackFacts } from "../engine/rollback";
import type { TargetHealthClass } from "../engine/target-order";

/** Sends live updates to browsers subscribed to a room. Implemented over Socket.IO in sockets/browser-namespace.ts. */
export interface LivePublisher {
  publish<E extends keyof ServerToBrowserEvents>(room: string, event: E, ...args: Parameters<ServerToBrowserEvents[E]>): void;
}

/** A deployment event webhooks may subscribe to. */
export type DeploymentNotification = {
  type: TriggerEventType;
  deploymentId: string;
  /** Deployment target (host within the deployment); required for Instance* events. */
  targetId?: string;
};

/** Records webhook deliveries for deployment events. Implemented in notifications/notifier.ts. */
export interface DeploymentNotifier {
  /** Records one delivery per subscribed webhook; never throws, never waits on the network. */
  notify(event: DeploymentNotification): void;
}

/** What the orchestrator counts. Implemented with prom-client in metrics/metrics.ts. */
export interface DeploymentMetrics {
  /** A deployment ended; seconds from start to end. */
  deploymentFinished(status: string, seconds: number): void;
  /** A lifecycle event that ran on a host ended. */
  eventFinished(event: string, status: string, seconds: number): void;
}

/** Who made a change, as the audit log records it; principal null means the system. */
export type AuditActor = {
  principal: { userId: string; email: string; via: "session" | "token" } | null;
  ip: string | null;
  /** Overrides the name derived from the principal (e.g. "admin-cli", or the email a failed sign-in tried). */
  actor?: string;
};

/** One audit log row's content. */
export type AuditEntry = {
  /** Verb in past tense or resource.verb, e.g. "applications.create". */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
};

/** A deployment row as it is first written; targets and lifecycle events are added from the selected hosts. */
export type NewDeployment = {
  id: string;
  applicationId: string;
  deploymentGroupId: string;
  revisionId: string;
  status: DeploymentStatus;
  creator: DeploymentCreator;
  createdBy: string | null;
  description: string | null;
  deploymentConfigName: string;
  minimumHealthyHosts: MinimumHealthyHosts;
  fileExistsBehavior: FileExistsBehavior;
  ignoreApplicationStopFailures: boolean;
  autoRollback: AutoRollbackConfiguration;
  startAt: number | null;
  createdAt: number;
  rollbackTriggeringDeploymentId?: string | null;
};

/** A host a new deployment targets. */
export type TargetHost = { hostId: string; hostName: string };

/** What a new deployment is made from; the store throws NOT_FOUND domain errors for names that do not resolve. */
export type DeploymentSource = {
  applicationId: string;
  deploymentGroupId: string;
  revisionId: string;
  deploymentConfigName: string;
  minimumHealthyHosts: MinimumHealthyHosts;
  /** The group's defaults, used where the request does not say. */
  fileExistsBehavior: FileExistsBehavior;
  autoRollback: AutoRollbackConfiguration;
  /** The registered hosts the group's tags select now. */
  targets: TargetHost[];
};

/** The fields of a deployment the deployment commands check. */
export type DeploymentRecord = {
  id: string;
  status: DeploymentStatus;
  deploymentGroupId: string;
  startAt: number | null;
  rollbackDeploymentId: string | null;
};

/** Talks to connected agents. Implemented over Socket.IO in sockets/agent-gateway.ts. */
export interface AgentGateway {
  /** Sends command:run; resolves with the agent's answer, or null when the host is offline or did not answer. */
  sendCommand(hostId: string, spec: CommandSpec): Promise<CommandAccepted | null>;
  /** Sends command:cancel; resolves true when the agent acknowledged it. */
  cancelCommand(hostId: string, cancel: CommandCancel): Promise<boolean>;
  /** True while the host has a connected agent. */
  isConnected(hostId: string): boolean;
}

/** Which deployment, target and host a command id belongs to. */
export type CommandOwner = {
  commandId: string;
  deploymentId: string;
  deploymentStatus: DeploymentStatus;
  stopRequested: boolean;
  targetId: string;
  hostId: string;
  /** Highest log seq stored for the host. */
  hostLogSeq: number;
  eventName: LifecycleEventName;
  eventStatus: LifecycleEventStatus;
};

/** What rows a save changed, for live updates and notifications. */
export type SavedChanges = { deploymentChanged: boolean; changedTargetIds: string[] };

/** Deployment state in SQLite. Implemented in storage/deployment-store.ts. */
export interface DeploymentStore {
  /** Runs fn in one transaction: everything it writes is stored, or nothing when it throws. */
  transaction<T>(fn: () => T): T;
  /** Writes one audit log row (inside the transaction of the change it records). */
  recordAudit(who: AuditActor, entry: AuditEntry, at: number): void;
  /** A fresh CodeDeploy-style deployment id. */
  newDeploymentId(): string;
  findDeployment(deploymentId: string): DeploymentRecord | null;
  resolveDeploymentSource(input: { applicationName: string; deploymentGroupName: string; revisionId: string; deploymentConfigName?: string }): DeploymentSource;
  /** Inserts a deployment with one Pending target per host and the lifecycle events of each target. */
  insertDeployment(deployment: NewDeployment, targets: readonly TargetHost[]): void;
  /** Moves a Scheduled deployment's start; no-op once it has left Scheduled. */
  moveSchedule(deploymentId: string, startAt: number): void;
  load(deploymentId: string, limits: EngineLimits): EngineState | null;
  /** The agent connection state of the deployment's hosts (the part of a deployment's state others change). */
  loadHostStatus(deploymentId: string): EngineState["hosts"];
  /** Writes the rows that differ between two snapshots of the same deployment. */
  save(before: EngineState, after: EngineState): SavedChanges;
  deploymentGroupOf(deploymentId: string): string | null;
  /** Group bookkeeping when a deployment finishes (last attempted, last successful); returns the deployment it rolls back, if any. */
  recordCompletion(deploymentId: string, status: FinishedDeploymentStatus): { rollbackTriggeringDeploymentId: string | null };
  /** Marks the group's last attempted deployment when one starts. */
  recordStart(deploymentId: string): void;
  /** What a rollback of this deployment can go back to; null when the deployment or its group is gone. */
  loadRollbackFacts(deploymentId: string): Omit<RollbackFacts, "reason" | "rollbackDeploymentId"> | null;
  /** Inserts the rollback deployment of a failed or stopped one: its settings and group, the source's revision, the hosts the group selects now. */
  insertRollback(
    deploymentId: string,
    rollback: { id: string; source: RollbackCandidate; description: string; createdBy: string | null; createdAt: number },
  ): void;
  /** Sets a deployment's rollback message, and its rollback deployment when one was created. */
  setRollbackInfo(deploymentId: string, info: { rollbackDeploymentId?: string; message: string }): void;
  /** Everything but the command id and event that goes into a command:run for this deployment. */
  commandContext(deploymentId: string): Omit<CommandSpec, "commandId" | "lifecycleEvent"> | null;
  /** Deployments of a group that have not finished. */
  listGroupQueue(deploymentGroupId: string): QueuedDeployment[];
  markQueued(deploymentIds: readonly string[]): void;
  /** Reference 2.2 health class of each target's host. */
  loadTargetHealth(deploymentId: string): Record<string, TargetHealthClass>;
  findCommandOwner(commandId: string): CommandOwner | null;
  /** Dispatched, unfinished commands of a host in running deployments. */
  listOpenCommands(hostId: string): CommandOwner[];
  /** Dispatched commands not yet accepted, with their host, for re-sending. */
  listUnacceptedCommands(): CommandOwner[];
  /** Running deployments whose deadlines need checking: a stop, an offline host or an unaccepted command. */
  listDeploymentsNeedingTick(): string[];
  /** Groups with a deployment that is due to start and no deployment running. */
  listGroupsWithDueDeployments(now: number): string[];
  /** Records why scheduled deployments start late: they were due while the server was down. */
  noteMissedSchedules(bootAt: number, note: (startAt: number) => string): void;
  /** No agent is connected to a freshly started server; hosts marked online are offline since `now`. */
  markAllHostsOffline(now: number): void;
}

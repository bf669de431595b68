import type { CommandAccepted, CommandCancel, CommandSpec } from "../contracts/agent-protocol";
import type { DeploymentStatus, LifecycleEventName, LifecycleEventStatus } from "../contracts/deployment";
import type { EngineLimits, EngineState, RollbackReason } from "../engine/deployment-state";
import type { QueuedDeployment } from "../engine/group-queue";
import type { TargetHealthClass } from "../engine/target-order";

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
  /** Runs fn in one SQLite transaction. */
  transaction<T>(fn: () => T): T;
  load(deploymentId: string, limits: EngineLimits): EngineState | null;
  /** The agent connection state of the deployment's hosts (the part of a deployment's state others change). */
  loadHostStatus(deploymentId: string): EngineState["hosts"];
  /** Writes the rows that differ between two snapshots of the same deployment. */
  save(before: EngineState, after: EngineState): SavedChanges;
  deploymentGroupOf(deploymentId: string): string | null;
  /** Group bookkeeping when a deployment finishes: last attempted, last successful, rollback message. */
  recordCompletion(deploymentId: string, status: "Succeeded" | "Failed" | "Stopped"): void;
  /** Marks the group's last attempted deployment when one starts. */
  recordStart(deploymentId: string): void;
  /** Creates the rollback deployment of a failed or stopped one; null (with a message stored) when there is nothing to roll back to. */
  createRollback(deploymentId: string, reason: RollbackReason | "manual", now: number, createdBy: string | null): string | null;
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

import { isFinishedDeploymentStatus, type CreateDeploymentInput, type StopDeploymentInput } from "../contracts/deployment";
import { conflict, DomainError } from "../domain-errors";
import { isMinimumHealthyHostsInvalid } from "../engine/minimum-healthy-hosts";
import { createRollback } from "./create-rollback";
import type { Orchestrator } from "./orchestrator";
import type { AuditActor, DeploymentNotifier, DeploymentRecord, DeploymentStore } from "./ports";

/** A signed-in user (or token) asking for a deployment change. */
export type DeploymentActor = AuditActor & { principal: NonNullable<AuditActor["principal"]> };

export type DeploymentCommandPorts = {
  store: DeploymentStore;
  orchestrator: Orchestrator;
  notifier: DeploymentNotifier;
  now: () => number;
};

/** The deployment use cases behind deployments.*: each writes its change and its audit row in one transaction. */
export interface DeploymentCommands {
  create(who: DeploymentActor, input: CreateDeploymentInput): Promise<{ deploymentId: string }>;
  stop(who: DeploymentActor, input: StopDeploymentInput): Promise<{ status: "Pending" | "Succeeded"; statusMessage: string }>;
  rollback(who: DeploymentActor, deploymentId: string): { deploymentId: string };
  updateSchedule(who: DeploymentActor, deploymentId: string, startAt: number): { deploymentId: string; startAt: number };
  cancelScheduled(who: DeploymentActor, deploymentId: string): Promise<{ deploymentId: string }>;
}

export function createDeploymentCommands({ store, orchestrator, notifier, now }: DeploymentCommandPorts): DeploymentCommands {
  function requireDeployment(deploymentId: string): DeploymentRecord {
    const row = store.findDeployment(deploymentId);
    if (!row)
      throw new DomainError("NOT_FOUND", `Deployment ${deploymentId} does not exist`, { field: "deploymentId", exception: "DeploymentDoesNotExistException" });
    return row;
  }

  return {
    /**
     * Creates a deployment of a revision to the hosts the group's tags select now. It starts when the group is
     * free (or at startAt); with no host, or a minimum that can never be met, it fails at once.
     */
    async create(who, input) {
      const at = now();
      const created = store.transaction(() => {
        const source = store.resolveDeploymentSource(input);
        const id = store.newDeploymentId();
        store.insertDeployment(
          {
            id,
            applicationId: source.applicationId,
            deploymentGroupId: source.deploymentGroupId,
            revisionId: source.revisionId,
            status: input.startAt !== undefined && input.startAt > at ? "Scheduled" : "Created",
            creator: "user",
            createdBy: who.principal.userId,
            description: input.description ?? null,
            deploymentConfigName: source.deploymentConfigName,
            minimumHealthyHosts: source.minimumHealthyHosts,
            fileExistsBehavior: input.fileExistsBehavior ?? source.fileExistsBehavior,
            ignoreApplicationStopFailures: input.ignoreApplicationStopFailures ?? false,
            autoRollback: input.autoRollback ?? source.autoRollback,
            startAt: input.startAt ?? null,
            createdAt: at,
          },
          source.targets,
        );
        const targets = source.targets.length;
        store.recordAudit(
          who,
          {
            action: "deployments.create",
            resourceType: "deployment",
            resourceId: id,
            details: {
              applicationName: input.applicationName,
              deploymentGroupName: input.deploymentGroupName,
              revisionId: input.revisionId,
              targets,
              startAt: input.startAt ?? null,
            },
          },
          at,
        );
        return { id, groupId: source.deploymentGroupId, failsAtOnce: targets === 0 || isMinimumHealthyHostsInvalid(source.minimumHealthyHosts, targets) };
      });
      if (created.failsAtOnce) await orchestrator.submit(created.id, { type: "start", now: at, health: {} });
      else orchestrator.pokeGroup(created.groupId);
      return { deploymentId: created.id };
    },

    /** StopDeployment: running commands are cancelled, the rest skipped; Pending while agents confirm. */
    async stop(who, input) {
      const row = requireDeployment(input.deploymentId);
      if (isFinishedDeploymentStatus(row.status)) {
        throw conflict(`Deployment ${row.id} has already completed (${row.status})`, { exception: "DeploymentAlreadyCompletedException" });
      }
      await orchestrator.submit(
        row.id,
        { type: "stop", now: now(), autoRollback: input.autoRollbackEnabled ?? null, message: `Stopped by ${who.principal.email}` },
        {
          who,
          entry: {
            action: "deployments.stop",
            resourceType: "deployment",
            resourceId: row.id,
            details: { autoRollbackEnabled: input.autoRollbackEnabled ?? null },
          },
        },
      );
      return requireDeployment(row.id).status === "Stopped"
        ? { status: "Succeeded", statusMessage: "The deployment is stopped" }
        : { status: "Pending", statusMessage: "Waiting for agents to confirm the cancellation of running lifecycle events" };
    },

    /** Redeploys the group's last successful revision as a new deployment linked to this one. */
    rollback(who, deploymentId) {
      const row = requireDeployment(deploymentId);
      if (!isFinishedDeploymentStatus(row.status)) {
        throw conflict(`Deployment ${row.id} is still ${row.status}; stop it with autoRollbackEnabled to roll back`);
      }
      if (row.rollbackDeploymentId) throw conflict(`Deployment ${row.id} was already rolled back by ${row.rollbackDeploymentId}`);
      const at = now();
      const rollbackId = store.transaction(() => {
        const id = createRollback(store, row.id, "manual", at, who.principal.userId);
        if (id)
          store.recordAudit(who, { action: "deployments.rollback", resourceType: "deployment", resourceId: row.id, details: { rollbackDeploymentId: id } }, at);
        return id;
      });
      if (!rollbackId) throw conflict("No previous successful revision to roll back to");
      notifier.notify({ type: "DeploymentRollback", deploymentId: rollbackId });
      orchestrator.pokeGroup(row.deploymentGroupId);
      return { deploymentId: rollbackId };
    },

    /** Moves the start of a scheduled deployment; a time in the past starts it now. */
    updateSchedule(who, deploymentId, startAt) {
      const row = requireDeployment(deploymentId);
      if (row.status !== "Scheduled") throw conflict(`Deployment ${row.id} is ${row.status}, not Scheduled; only a scheduled deployment can be moved`);
      store.transaction(() => {
        store.moveSchedule(row.id, startAt);
        store.recordAudit(
          who,
          { action: "deployments.updateSchedule", resourceType: "deployment", resourceId: row.id, details: { from: row.startAt, to: startAt } },
          now(),
        );
      });
      orchestrator.pokeGroup(row.deploymentGroupId);
      return { deploymentId: row.id, startAt };
    },

    /** Cancels a scheduled deployment before it starts: it ends Stopped without touching any host. */
    async cancelScheduled(who, deploymentId) {
      const row = requireDeployment(deploymentId);
      if (row.status !== "Scheduled") throw conflict(`Deployment ${row.id} is ${row.status}, not Scheduled; use deployments.stop`);
      await orchestrator.submit(
        row.id,
        { type: "stop", now: now(), autoRollback: false, message: `Cancelled before its scheduled start by ${who.principal.email}` },
        { who, entry: { action: "deployments.cancelScheduled", resourceType: "deployment", resourceId: row.id } },
      );
      return { deploymentId: row.id };
    },
  };
}

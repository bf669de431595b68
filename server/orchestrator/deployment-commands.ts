import { and, eq } from "drizzle-orm";
import { recordAudit, type AuditActor } from "../auth/audit";
import type { Principal } from "../auth/principal";
import { requireApplication } from "../catalog/applications";
import { requireDeploymentConfig } from "../catalog/deployment-configs";
import { selectHostsForTagSet } from "../storage/host-selection";
import { finishedDeploymentStatuses, type CreateDeploymentInput, type StopDeploymentInput } from "../contracts/deployment";
import type { Deps } from "../deps";
import { conflict, DomainError } from "../domain-errors";
import { isMinimumHealthyHostsInvalid } from "../engine/minimum-healthy-hosts";
import { insertDeployment, newDeploymentId } from "../storage/deployment-insert";
import { createDeploymentStore } from "../storage/deployment-store";
import { deploymentGroups, deployments, revisions } from "../storage/schema";
import type { Orchestrator } from "./orchestrator";

export type DeploymentActor = AuditActor & { principal: Principal };

function requireOrchestrator(deps: Deps): Orchestrator {
  const orchestrator = deps.services.orchestrator;
  if (!orchestrator) throw new Error("The deployment orchestrator is not running");
  return orchestrator;
}

function requireDeployment(deps: Deps, deploymentId: string) {
  const row = deps.db.select().from(deployments).where(eq(deployments.id, deploymentId)).get();
  if (!row) throw new DomainError("NOT_FOUND", `Deployment ${deploymentId} does not exist`, { field: "deploymentId", exception: "DeploymentDoesNotExistException" });
  return row;
}

/**
 * Creates a deployment of a revision to the hosts the group's tags select now. It starts when the group is
 * free (or at startAt); with no host, or a minimum that can never be met, it fails at once.
 */
export async function createDeployment(deps: Deps, who: DeploymentActor, input: CreateDeploymentInput): Promise<{ deploymentId: string }> {
  const orchestrator = requireOrchestrator(deps);
  const now = deps.now();
  const created = deps.db.transaction((tx) => {
    const application = requireApplication(tx, input.applicationName);
    const group = tx
      .select()
      .from(deploymentGroups)
      .where(and(eq(deploymentGroups.applicationId, application.id), eq(deploymentGroups.name, input.deploymentGroupName)))
      .get();
    if (!group) {
      throw new DomainError("NOT_FOUND", `Deployment group ${input.deploymentGroupName} does not exist in application ${input.applicationName}`, {
        field: "deploymentGroupName",
        exception: "DeploymentGroupDoesNotExistException",
      });
    }
    const revision = tx
      .select({ id: revisions.id })
      .from(revisions)
      .where(and(eq(revisions.id, input.revisionId), eq(revisions.applicationId, application.id)))
      .get();
    if (!revision) {
      throw new DomainError("NOT_FOUND", `Revision ${input.revisionId} does not exist in application ${input.applicationName}`, {
        field: "revisionId",
        exception: "RevisionDoesNotExistException",
      });
    }
    const config = requireDeploymentConfig(tx, input.deploymentConfigName ?? group.deploymentConfigName);
    const minimumHealthyHosts = { type: config.minimumHealthyHostsType, value: config.minimumHealthyHostsValue };
    const targets = selectHostsForTagSet(tx, group.tagSet);
    const id = newDeploymentId();
    insertDeployment(
      tx,
      {
        id,
        applicationId: application.id,
        deploymentGroupId: group.id,
        revisionId: revision.id,
        status: input.startAt !== undefined && input.startAt > now ? "Scheduled" : "Created",
        creator: "user",
        createdBy: who.principal.userId,
        description: input.description ?? null,
        deploymentConfigName: config.name,
        minimumHealthyHosts,
        fileExistsBehavior: input.fileExistsBehavior ?? group.fileExistsBehavior,
        ignoreApplicationStopFailures: input.ignoreApplicationStopFailures ?? false,
        autoRollback: input.autoRollback ?? group.autoRollback,
        startAt: input.startAt ?? null,
        createdAt: now,
      },
      targets,
    );
    return { id, groupId: group.id, failsAtOnce: targets.length === 0 || isMinimumHealthyHostsInvalid(minimumHealthyHosts, targets.length), targets: targets.length };
  });
  recordAudit(
    deps.db,
    who,
    {
      action: "deployments.create",
      resourceType: "deployment",
      resourceId: created.id,
      details: { applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName, revisionId: input.revisionId, targets: created.targets, startAt: input.startAt ?? null },
    },
    now,
  );
  if (created.failsAtOnce) await orchestrator.submit(created.id, { type: "start", now, health: {} });
  else orchestrator.pokeGroup(created.groupId);
  return { deploymentId: created.id };
}

/** StopDeployment: running commands are cancelled, the rest skipped; Pending while agents confirm. */
export async function stopDeployment(deps: Deps, who: DeploymentActor, input: StopDeploymentInput): Promise<{ status: "Pending" | "Succeeded"; statusMessage: string }> {
  const orchestrator = requireOrchestrator(deps);
  const row = requireDeployment(deps, input.deploymentId);
  if (finishedDeploymentStatuses.includes(row.status)) {
    throw conflict(`Deployment ${row.id} has already completed (${row.status})`, { exception: "DeploymentAlreadyCompletedException" });
  }
  await orchestrator.submit(row.id, { type: "stop", now: deps.now(), autoRollback: input.autoRollbackEnabled ?? null, message: `Stopped by ${who.principal.email}` });
  recordAudit(deps.db, who, { action: "deployments.stop", resourceType: "deployment", resourceId: row.id, details: { autoRollbackEnabled: input.autoRollbackEnabled ?? null } }, deps.now());
  const after = requireDeployment(deps, row.id);
  return after.status === "Stopped"
    ? { status: "Succeeded", statusMessage: "The deployment is stopped" }
    : { status: "Pending", statusMessage: "Waiting for agents to confirm the cancellation of running lifecycle events" };
}

/** Redeploys the group's last successful revision as a new deployment linked to this one. */
export function rollbackDeployment(deps: Deps, who: DeploymentActor, deploymentId: string): { deploymentId: string } {
  const orchestrator = requireOrchestrator(deps);
  const row = requireDeployment(deps, deploymentId);
  if (!finishedDeploymentStatuses.includes(row.status)) {
    throw conflict(`Deployment ${row.id} is still ${row.status}; stop it with autoRollbackEnabled to roll back`);
  }
  if (row.rollbackDeploymentId) throw conflict(`Deployment ${row.id} was already rolled back by ${row.rollbackDeploymentId}`);
  const store = createDeploymentStore(deps.db);
  const now = deps.now();
  const rollbackId = store.transaction(() => store.createRollback(row.id, "manual", now, who.principal.userId));
  if (!rollbackId) throw conflict("No previous successful revision to roll back to");
  recordAudit(deps.db, who, { action: "deployments.rollback", resourceType: "deployment", resourceId: row.id, details: { rollbackDeploymentId: rollbackId } }, now);
  deps.services.notifier?.notify({ type: "DeploymentRollback", deploymentId: rollbackId });
  orchestrator.pokeGroup(row.deploymentGroupId);
  return { deploymentId: rollbackId };
}

/** Moves the start of a scheduled deployment; a time in the past starts it now. */
export function updateSchedule(deps: Deps, who: DeploymentActor, deploymentId: string, startAt: number): { deploymentId: string; startAt: number } {
  const orchestrator = requireOrchestrator(deps);
  const row = requireDeployment(deps, deploymentId);
  if (row.status !== "Scheduled") throw conflict(`Deployment ${row.id} is ${row.status}, not Scheduled; only a scheduled deployment can be moved`);
  deps.db.update(deployments).set({ startAt }).where(and(eq(deployments.id, row.id), eq(deployments.status, "Scheduled"))).run();
  recordAudit(deps.db, who, { action: "deployments.updateSchedule", resourceType: "deployment", resourceId: row.id, details: { from: row.startAt, to: startAt } }, deps.now());
  orchestrator.pokeGroup(row.deploymentGroupId);
  return { deploymentId: row.id, startAt };
}

/** Cancels a scheduled deployment before it starts: it ends Stopped without touching any host. */
export async function cancelScheduled(deps: Deps, who: DeploymentActor, deploymentId: string): Promise<{ deploymentId: string }> {
  const orchestrator = requireOrchestrator(deps);
  const row = requireDeployment(deps, deploymentId);
  if (row.status !== "Scheduled") throw conflict(`Deployment ${row.id} is ${row.status}, not Scheduled; use deployments.stop`);
  await orchestrator.submit(row.id, { type: "stop", now: deps.now(), autoRollback: false, message: `Cancelled before its scheduled start by ${who.principal.email}` });
  recordAudit(deps.db, who, { action: "deployments.cancelScheduled", resourceType: "deployment", resourceId: row.id }, deps.now());
  return { deploymentId: row.id };
}

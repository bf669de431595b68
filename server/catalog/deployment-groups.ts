import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import {
  DEFAULT_DEPLOYMENT_CONFIG_NAME,
  type ApplicationRef,
  type CreateDeploymentGroupInput,
  type DeploymentGroupInfo,
  type DeploymentGroupRef,
  type UpdateDeploymentGroupInput,
} from "../contracts/catalog";
import { finishedDeploymentStatuses, type DeploymentStatus } from "../contracts/deployment";
import { matchesTagSet } from "../engine/tag-filter";
import { conflict, DomainError } from "../domain-errors";
import type { Db, DbWriter } from "../storage/database";
import { deploymentGroups, deployments } from "../storage/schema";
import { requireApplication, requireDeploymentConfig } from "../storage/catalog-rows";
import { deleteDeploymentHistory, findHoldingDeploymentIds, findLatestGroupDeployment } from "./deployment-history";
import { listRegisteredHosts, type SelectedHost } from "../storage/host-selection";

type DeploymentGroupRow = typeof deploymentGroups.$inferSelect;

/** Attempted: it started, or it finished without starting (no hosts, say). */
const attemptedStatuses: readonly DeploymentStatus[] = ["InProgress", ...finishedDeploymentStatuses];

function describeDeploymentGroup(db: DbWriter, applicationName: string, row: DeploymentGroupRow, registeredHosts: SelectedHost[]): DeploymentGroupInfo {
  return {
    deploymentGroupId: row.id,
    deploymentGroupName: row.name,
    applicationName,
    deploymentConfigName: row.deploymentConfigName,
    onPremisesTagSet: row.tagSet,
    autoRollbackConfiguration: row.autoRollback,
    fileExistsBehavior: row.fileExistsBehavior,
    lastSuccessfulDeployment: findLatestGroupDeployment(db, row.id, ["Succeeded"]),
    lastAttemptedDeployment: findLatestGroupDeployment(db, row.id, attemptedStatuses),
    matchingHostCount: row.tagSet.length === 0 ? 0 : registeredHosts.filter((h) => matchesTagSet(row.tagSet, h.tags)).length,
    createTime: row.createdAt,
  };
}

function findGroup(db: DbWriter, applicationId: string, deploymentGroupName: string): DeploymentGroupRow | undefined {
  return db
    .select()
    .from(deploymentGroups)
    .where(and(eq(deploymentGroups.applicationId, applicationId), eq(deploymentGroups.name, deploymentGroupName)))
    .get();
}

function requireGroup(db: DbWriter, application: { id: string; name: string }, deploymentGroupName: string, field: string): DeploymentGroupRow {
  const row = findGroup(db, application.id, deploymentGroupName);
  if (!row) {
    throw new DomainError("NOT_FOUND", `Deployment group ${deploymentGroupName} does not exist in application ${application.name}`, {
      field,
      exception: "DeploymentGroupDoesNotExistException",
    });
  }
  return row;
}

function assertGroupNameFree(db: DbWriter, application: { id: string; name: string }, deploymentGroupName: string, field: string): void {
  if (findGroup(db, application.id, deploymentGroupName)) {
    throw conflict(`Deployment group ${deploymentGroupName} already exists in application ${application.name}`, {
      field,
      exception: "DeploymentGroupAlreadyExistsException",
    });
  }
}

export function listDeploymentGroups(db: Db, input: ApplicationRef): DeploymentGroupInfo[] {
  const application = requireApplication(db, input.applicationName);
  const registeredHosts = listRegisteredHosts(db);
  return db
    .select()
    .from(deploymentGroups)
    .where(eq(deploymentGroups.applicationId, application.id))
    .orderBy(deploymentGroups.name)
    .all()
    .map((row) => describeDeploymentGroup(db, application.name, row, registeredHosts));
}

export function getDeploymentGroup(db: Db, input: DeploymentGroupRef): DeploymentGroupInfo {
  const application = requireApplication(db, input.applicationName);
  const row = requireGroup(db, application, input.deploymentGroupName, "deploymentGroupName");
  return describeDeploymentGroup(db, application.name, row, listRegisteredHosts(db));
}

export function createDeploymentGroup(db: Db, input: CreateDeploymentGroupInput, now: number): DeploymentGroupInfo {
  return db.transaction((tx) => {
    const application = requireApplication(tx, input.applicationName);
    assertGroupNameFree(tx, application, input.deploymentGroupName, "deploymentGroupName");
    const config = requireDeploymentConfig(tx, input.deploymentConfigName ?? DEFAULT_DEPLOYMENT_CONFIG_NAME);
    const row: DeploymentGroupRow = {
      id: randomUUID(),
      applicationId: application.id,
      name: input.deploymentGroupName,
      deploymentConfigName: config.name,
      tagSet: input.onPremisesTagSet,
      autoRollback: input.autoRollbackConfiguration ?? { enabled: false, events: [] },
      fileExistsBehavior: input.fileExistsBehavior ?? "DISALLOW",
      lastSuccessfulDeploymentId: null,
      lastAttemptedDeploymentId: null,
      createdAt: now,
      updatedAt: now,
    };
    tx.insert(deploymentGroups).values(row).run();
    return describeDeploymentGroup(tx, application.name, row, listRegisteredHosts(tx));
  });
}

/** Changes only the fields given; a rename keeps the group id, so history and agents' directories stay attached. */
export function updateDeploymentGroup(db: Db, input: UpdateDeploymentGroupInput, now: number): DeploymentGroupInfo {
  return db.transaction((tx) => {
    const application = requireApplication(tx, input.applicationName);
    const current = requireGroup(tx, application, input.currentDeploymentGroupName, "currentDeploymentGroupName");
    if (input.newDeploymentGroupName !== undefined && input.newDeploymentGroupName !== current.name) {
      assertGroupNameFree(tx, application, input.newDeploymentGroupName, "newDeploymentGroupName");
    }
    if (input.deploymentConfigName !== undefined) requireDeploymentConfig(tx, input.deploymentConfigName);
    const next: DeploymentGroupRow = {
      ...current,
      name: input.newDeploymentGroupName ?? current.name,
      deploymentConfigName: input.deploymentConfigName ?? current.deploymentConfigName,
      tagSet: input.onPremisesTagSet ?? current.tagSet,
      autoRollback: input.autoRollbackConfiguration ?? current.autoRollback,
      fileExistsBehavior: input.fileExistsBehavior ?? current.fileExistsBehavior,
      updatedAt: now,
    };
    tx.update(deploymentGroups)
      .set({
        name: next.name,
        deploymentConfigName: next.deploymentConfigName,
        tagSet: next.tagSet,
        autoRollback: next.autoRollback,
        fileExistsBehavior: next.fileExistsBehavior,
        updatedAt: now,
      })
      .where(eq(deploymentGroups.id, current.id))
      .run();
    return describeDeploymentGroup(tx, application.name, next, listRegisteredHosts(tx));
  });
}

/** Deletes a group with its deployment history, all or nothing; refused while one of its deployments is scheduled or running. */
export function deleteDeploymentGroup(db: Db, input: DeploymentGroupRef): { deploymentGroupId: string; deletedDeployments: number } {
  return db.transaction((tx) => {
    const application = requireApplication(tx, input.applicationName);
    const row = requireGroup(tx, application, input.deploymentGroupName, "deploymentGroupName");
    const holding = findHoldingDeploymentIds(tx, eq(deployments.deploymentGroupId, row.id));
    if (holding.length > 0) {
      throw conflict(`Deployment group ${row.name} has ${holding.length} deployment${holding.length === 1 ? "" : "s"} in progress; stop them first`, {
        field: "deploymentGroupName",
        deploymentIds: holding,
      });
    }
    const deletedDeployments = deleteDeploymentHistory(tx, eq(deployments.deploymentGroupId, row.id));
    tx.delete(deploymentGroups).where(eq(deploymentGroups.id, row.id)).run();
    return { deploymentGroupId: row.id, deletedDeployments };
  });
}

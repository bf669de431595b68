import { randomUUID } from "node:crypto";
import { count, desc, eq } from "drizzle-orm";
import type { ApplicationInfo, ApplicationRef, CreateApplicationInput, UpdateApplicationInput } from "../contracts/catalog";
import { conflict } from "../domain-errors";
import type { Db, DbWriter } from "../storage/database";
import { applications, deploymentGroups, deployments, revisions } from "../storage/schema";
import { requireApplication, type ApplicationRow } from "../storage/catalog-rows";
import { deleteDeploymentHistory, findHoldingDeploymentIds } from "./deployment-history";

function assertNameFree(db: DbWriter, applicationName: string, field: string): void {
  const taken = db.select({ id: applications.id }).from(applications).where(eq(applications.name, applicationName)).get();
  if (taken) throw conflict(`Application ${applicationName} already exists`, { field, exception: "ApplicationAlreadyExistsException" });
}

function describeApplication(db: DbWriter, row: ApplicationRow): ApplicationInfo {
  const groupCount = db.select({ n: count() }).from(deploymentGroups).where(eq(deploymentGroups.applicationId, row.id)).get();
  const revisionCount = db.select({ n: count() }).from(revisions).where(eq(revisions.applicationId, row.id)).get();
  const latest = db
    .select({
      deploymentId: deployments.id,
      status: deployments.status,
      createTime: deployments.createdAt,
      endTime: deployments.completedAt,
      revisionId: deployments.revisionId,
      deploymentGroupName: deploymentGroups.name,
    })
    .from(deployments)
    .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
    .where(eq(deployments.applicationId, row.id))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(1)
    .get();
  return {
    applicationId: row.id,
    applicationName: row.name,
    computePlatform: "Server",
    createTime: row.createdAt,
    deploymentGroupCount: groupCount?.n ?? 0,
    revisionCount: revisionCount?.n ?? 0,
    latestDeployment: latest ?? null,
  };
}

export function listApplications(db: Db): ApplicationInfo[] {
  return db
    .select()
    .from(applications)
    .orderBy(applications.name)
    .all()
    .map((row) => describeApplication(db, row));
}

export function getApplication(db: Db, input: ApplicationRef): ApplicationInfo {
  return describeApplication(db, requireApplication(db, input.applicationName));
}

export function createApplication(db: Db, input: CreateApplicationInput, now: number): ApplicationInfo {
  return db.transaction((tx) => {
    assertNameFree(tx, input.applicationName, "applicationName");
    const row = { id: randomUUID(), name: input.applicationName, computePlatform: "Server" as const, createdAt: now, updatedAt: now };
    tx.insert(applications).values(row).run();
    return describeApplication(tx, row);
  });
}

/** Renames an application; groups, revisions and deployments follow because they refer to its id. */
export function updateApplication(db: Db, input: UpdateApplicationInput, now: number): ApplicationInfo {
  return db.transaction((tx) => {
    const row = requireApplication(tx, input.applicationName);
    if (input.newApplicationName !== row.name) {
      assertNameFree(tx, input.newApplicationName, "newApplicationName");
      tx.update(applications).set({ name: input.newApplicationName, updatedAt: now }).where(eq(applications.id, row.id)).run();
    }
    return describeApplication(tx, { ...row, name: input.newApplicationName, updatedAt: now });
  });
}

/**
 * Deletes an application with its deployment groups, revision rows and deployment history, all or nothing.
 * Refused while any of its deployments is scheduled or running.
 */
export function deleteApplication(db: Db, input: ApplicationRef): { applicationId: string; deletedDeployments: number; bundleSha256s: string[] } {
  return db.transaction((tx) => {
    const row = requireApplication(tx, input.applicationName);
    const holding = findHoldingDeploymentIds(tx, eq(deployments.applicationId, row.id));
    if (holding.length > 0) {
      throw conflict(`Application ${row.name} has ${holding.length} deployment${holding.length === 1 ? "" : "s"} in progress; stop them first`, {
        field: "applicationName",
        deploymentIds: holding,
      });
    }
    const deletedDeployments = deleteDeploymentHistory(tx, eq(deployments.applicationId, row.id));
    // The caller removes the files of these that no other application's revision shares.
    const bundleSha256s = tx
      .select({ sha256: revisions.sha256 })
      .from(revisions)
      .where(eq(revisions.applicationId, row.id))
      .all()
      .map((r) => r.sha256);
    // Deployment groups and revision rows go by foreign-key cascade.
    tx.delete(applications).where(eq(applications.id, row.id)).run();
    return { applicationId: row.id, deletedDeployments, bundleSha256s };
  });
}

import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { DeploymentRef } from "../contracts/catalog";
import { activeDeploymentStatuses, type DeploymentStatus } from "../contracts/deployment";
import type { DbWriter } from "../storage/database";
import { deployments, logLines } from "../storage/schema";

/** Deployments in these states still need their application and group; Scheduled ones will start on their own. */
export const deploymentHoldingStatuses: readonly DeploymentStatus[] = ["Scheduled", ...activeDeploymentStatuses];

const refColumns = {
  deploymentId: deployments.id,
  status: deployments.status,
  createTime: deployments.createdAt,
  endTime: deployments.completedAt,
  revisionId: deployments.revisionId,
};

/** Ids of the deployments matching `where` that are still scheduled or running. */
export function findHoldingDeploymentIds(db: DbWriter, where: SQL): string[] {
  return db
    .select({ id: deployments.id })
    .from(deployments)
    .where(and(where, inArray(deployments.status, [...deploymentHoldingStatuses])))
    .orderBy(deployments.createdAt)
    .all()
    .map((r) => r.id);
}

/** The newest deployment of a group in one of `statuses`, or null. */
export function findLatestGroupDeployment(db: DbWriter, deploymentGroupId: string, statuses: readonly DeploymentStatus[]): DeploymentRef | null {
  return (
    db
      .select(refColumns)
      .from(deployments)
      .where(and(eq(deployments.deploymentGroupId, deploymentGroupId), inArray(deployments.status, [...statuses])))
      .orderBy(desc(deployments.createdAt), desc(deployments.id))
      .limit(1)
      .get() ?? null
  );
}

/**
 * Deletes the deployments matching `where` with their targets, lifecycle events (both by foreign-key cascade)
 * and log lines. Bundle files are content-addressed and may be shared, so they stay.
 */
export function deleteDeploymentHistory(db: DbWriter, where: SQL): number {
  const ids = db.select({ id: deployments.id }).from(deployments).where(where);
  db.delete(logLines).where(inArray(logLines.deploymentId, ids)).run();
  return db.delete(deployments).where(where).run().changes;
}

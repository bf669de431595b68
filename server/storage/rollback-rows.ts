import { and, desc, eq, lt, ne } from "drizzle-orm";
import type { RollbackCandidate } from "../engine/rollback";
import type { DeploymentStore } from "../orchestrator/ports";
import type { Db } from "./database";
import { insertDeployment } from "./deployment-insert";
import { selectHostsForTagSet } from "./host-selection";
import { deploymentGroups, deployments } from "./schema";

/** The rows a rollback reads and writes; which revision it redeploys is the engine's decision (engine/rollback.ts). */
export function createRollbackRows(db: Db): Pick<DeploymentStore, "loadRollbackFacts" | "insertRollback" | "setRollbackInfo"> {
  return {
    loadRollbackFacts(deploymentId) {
      const d = db.select().from(deployments).where(eq(deployments.id, deploymentId)).get();
      if (!d) return null;
      const group = db.select().from(deploymentGroups).where(eq(deploymentGroups.id, d.deploymentGroupId)).get();
      if (!group) return null;
      const candidate = { id: deployments.id, revisionId: deployments.revisionId, fileExistsBehavior: deployments.fileExistsBehavior };
      const lastSuccessful: RollbackCandidate | null = group.lastSuccessfulDeploymentId
        ? (db.select(candidate).from(deployments).where(eq(deployments.id, group.lastSuccessfulDeploymentId)).get() ?? null)
        : null;
      const newestEarlierSuccess: RollbackCandidate | null =
        db
          .select(candidate)
          .from(deployments)
          .where(
            and(
              eq(deployments.deploymentGroupId, d.deploymentGroupId),
              eq(deployments.status, "Succeeded"),
              ne(deployments.id, d.id),
              lt(deployments.createdAt, d.createdAt),
            ),
          )
          .orderBy(desc(deployments.createdAt))
          .limit(1)
          .get() ?? null;
      return { deploymentId: d.id, lastSuccessfulDeploymentId: group.lastSuccessfulDeploymentId, lastSuccessful, newestEarlierSuccess };
    },

    insertRollback(deploymentId, rollback) {
      const d = db.select().from(deployments).where(eq(deployments.id, deploymentId)).get();
      const group = d && db.select({ tagSet: deploymentGroups.tagSet }).from(deploymentGroups).where(eq(deploymentGroups.id, d.deploymentGroupId)).get();
      if (!d || !group) throw new Error(`Deployment ${deploymentId} or its group disappeared during its rollback`);
      insertDeployment(
        db,
        {
          id: rollback.id,
          applicationId: d.applicationId,
          deploymentGroupId: d.deploymentGroupId,
          revisionId: rollback.source.revisionId,
          status: "Created",
          creator: "codeDeployRollback",
          createdBy: rollback.createdBy,
          description: rollback.description,
          deploymentConfigName: d.deploymentConfigName,
          minimumHealthyHosts: { type: d.minimumHealthyHostsType, value: d.minimumHealthyHostsValue },
          fileExistsBehavior: rollback.source.fileExistsBehavior,
          ignoreApplicationStopFailures: d.ignoreApplicationStopFailures,
          autoRollback: { enabled: false, events: [] },
          startAt: null,
          createdAt: rollback.createdAt,
          rollbackTriggeringDeploymentId: d.id,
        },
        selectHostsForTagSet(db, group.tagSet),
      );
    },

    setRollbackInfo(deploymentId, info) {
      db.update(deployments)
        .set(info.rollbackDeploymentId ? { rollbackDeploymentId: info.rollbackDeploymentId, rollbackMessage: info.message } : { rollbackMessage: info.message })
        .where(eq(deployments.id, deploymentId))
        .run();
    },
  };
}

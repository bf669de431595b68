import type { FinishedDeploymentStatus } from "../contracts/deployment";
import type { FileExistsBehavior } from "../contracts/resources";
import type { RollbackReason } from "./deployment-state";

/** A succeeded deployment of the group whose revision a rollback could redeploy. */
export type RollbackCandidate = { id: string; revisionId: string; fileExistsBehavior: FileExistsBehavior };

export type RollbackFacts = {
  /** The failed or stopped deployment being rolled back. */
  deploymentId: string;
  reason: RollbackReason | "manual";
  /** The id the rollback deployment gets when there is one (ids are made outside the engine). */
  rollbackDeploymentId: string;
  /** The group's last successful deployment id as the group records it; null when none ever succeeded. */
  lastSuccessfulDeploymentId: string | null;
  /** That deployment, when it still exists. */
  lastSuccessful: RollbackCandidate | null;
  /** The group's newest Succeeded deployment created before this one. */
  newestEarlierSuccess: RollbackCandidate | null;
};

export type RollbackDecision =
  | { rollback: false; message: string }
  | {
      rollback: true;
      source: RollbackCandidate;
      /** The rollback deployment's description. */
      description: string;
      /** The rolled-back deployment's rollback message. */
      message: string;
    };

/**
 * Which revision a rollback redeploys: the group's last successful deployment, or, when that is the
 * deployment being rolled back, the newest one that succeeded before it (reference §6).
 */
export function decideRollback(facts: RollbackFacts): RollbackDecision {
  const source =
    facts.lastSuccessfulDeploymentId !== null && facts.lastSuccessfulDeploymentId !== facts.deploymentId ? facts.lastSuccessful : facts.newestEarlierSuccess;
  if (!source) return { rollback: false, message: "No previous successful revision to roll back to" };
  const why = facts.reason === "manual" ? "on request" : facts.reason === "DEPLOYMENT_FAILURE" ? "after a failure" : "after a stop";
  return {
    rollback: true,
    source,
    description: `Rollback of ${facts.deploymentId} ${why}`,
    message: `Rolling back to revision ${source.revisionId} of deployment ${source.id} in ${facts.rollbackDeploymentId}`,
  };
}

/** The rolled-back deployment's message once its rollback deployment has ended. */
export function describeRollbackOutcome(rollbackDeploymentId: string, status: FinishedDeploymentStatus): string {
  const outcome = status === "Succeeded" ? "succeeded" : status === "Stopped" ? "was stopped" : "failed";
  return `Rollback deployment ${rollbackDeploymentId} ${outcome}`;
}

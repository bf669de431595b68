import type { RollbackReason } from "../engine/deployment-state";
import { decideRollback } from "../engine/rollback";
import type { DeploymentStore } from "./ports";

/**
 * Creates the rollback deployment of a failed or stopped one, inside the caller's transaction; null, with the
 * reason stored as the deployment's rollback message, when there is nothing to roll back to.
 */
export function createRollback(
  store: DeploymentStore,
  deploymentId: string,
  reason: RollbackReason | "manual",
  now: number,
  createdBy: string | null,
): string | null {
  const facts = store.loadRollbackFacts(deploymentId);
  if (!facts) return null;
  const rollbackDeploymentId = store.newDeploymentId();
  const decision = decideRollback({ ...facts, reason, rollbackDeploymentId });
  if (!decision.rollback) {
    store.setRollbackInfo(deploymentId, { message: decision.message });
    return null;
  }
  store.insertRollback(deploymentId, { id: rollbackDeploymentId, source: decision.source, description: decision.description, createdBy, createdAt: now });
  store.setRollbackInfo(deploymentId, { rollbackDeploymentId, message: decision.message });
  return rollbackDeploymentId;
}

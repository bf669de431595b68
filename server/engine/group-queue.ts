import type { DeploymentCreator, DeploymentStatus } from "../contracts/deployment";

export type QueuedDeployment = {
  id: string;
  status: DeploymentStatus;
  creator: DeploymentCreator;
  createdAt: number;
  startAt: number | null;
};

export type GroupPlan = {
  /** The deployment to start now, if the group is free. */
  startId: string | null;
  /** Deployments that are due but must wait for the group. */
  queueIds: string[];
};

function isDue(d: QueuedDeployment, now: number): boolean {
  if (d.status === "Created" || d.status === "Queued") return true;
  return d.status === "Scheduled" && d.startAt !== null && d.startAt <= now;
}

/**
 * One active deployment per deployment group. Rollbacks go first (they restore service), then the
 * deployment that became due first.
 */
export function planGroupStarts(deployments: readonly QueuedDeployment[], now: number): GroupPlan {
  const due = deployments
    .filter((d) => isDue(d, now))
    .sort(
      (a, b) =>
        Number(b.creator === "codeDeployRollback") - Number(a.creator === "codeDeployRollback") ||
        (a.startAt ?? a.createdAt) - (b.startAt ?? b.createdAt) ||
        a.createdAt - b.createdAt ||
        (a.id < b.id ? -1 : 1),
    );
  const busy = deployments.some((d) => d.status === "InProgress");
  const startId = busy ? null : (due[0]?.id ?? null);
  return { startId, queueIds: due.filter((d) => d.id !== startId && d.status !== "Queued").map((d) => d.id) };
}

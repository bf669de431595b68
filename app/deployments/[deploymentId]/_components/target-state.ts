import type { DeploymentStatus, DeploymentTargetInfo } from "@/server/contracts/deployment";

export type TargetState = {
  /** The status word the badge and icon show: the target's own, or Stopped for a host a stop interrupted. */
  shown: string;
  /** One line for the host list. */
  detail: string;
  /** Why the host did not run or finish, when that needs saying. */
  reason: string | null;
};

type Target = Pick<DeploymentTargetInfo, "status" | "currentEvent" | "failedEvent" | "failedErrorCode" | "online">;

/**
 * What to say about one host of a deployment. A stop fails the running event with Cancelled and skips the hosts
 * that had not started; neither is the host's fault, so both are told apart from real failures.
 */
export function describeTargetState(t: Target, deploymentStatus: DeploymentStatus): TargetState {
  if (t.status === "Failed" && t.failedErrorCode === "Cancelled") {
    return {
      shown: "Stopped",
      detail: `Stopped in ${t.failedEvent ?? "its lifecycle"}`,
      reason: `Stopped: the deployment was stopped while ${t.failedEvent ?? "an event"} was running on this host.`,
    };
  }
  if (t.status === "Skipped") {
    const reason =
      deploymentStatus === "Stopped"
        ? "Skipped: the deployment was stopped before this host's batch."
        : deploymentStatus === "Failed"
          ? "Skipped: the deployment failed before this host's batch."
          : "Skipped: this host's lifecycle events did not run.";
    return {
      shown: "Skipped",
      detail:
        deploymentStatus === "Stopped" ? "Skipped · stopped before its batch" : deploymentStatus === "Failed" ? "Skipped · deployment failed first" : "Skipped",
      reason,
    };
  }
  if (t.status === "Failed" || t.status === "Unknown") {
    return {
      shown: t.status,
      detail: t.failedEvent ? `${t.status === "Unknown" ? "Unknown" : "Failed"} · failed in ${t.failedEvent}` : t.status,
      reason: null,
    };
  }
  if (t.status === "InProgress") return { shown: t.status, detail: t.currentEvent ? `In progress · ${t.currentEvent}` : "In progress", reason: null };
  if (t.status === "Pending") {
    // A pending host waits for its batch; one whose agent is away would also wait for the agent once its turn comes.
    return t.online
      ? { shown: t.status, detail: "Pending · waiting for its batch", reason: null }
      : {
          shown: t.status,
          detail: "Pending · waiting for its agent (offline)",
          reason: "Pending: this host's agent is offline; when its batch starts, the host fails unless the agent connects within the agent grace period.",
        };
  }
  return { shown: t.status, detail: t.status, reason: null };
}

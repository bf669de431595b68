import type { TargetStatus } from "../contracts/deployment";

/** Scheduling classes of reference 2.2, in the order hosts are deployed to. */
export const targetHealthClasses = ["Unhealthy", "UnknownRevision", "OldRevision", "CurrentRevision"] as const;
export type TargetHealthClass = (typeof targetHealthClasses)[number];

/** The host's last finished target in the same deployment group, if any. */
export type PreviousTargetResult = {
  status: TargetStatus;
  /** Revision that deployment installed. */
  revisionId: string | null;
};

/**
 * Instance health: healthy when its last deployment in the group succeeded, unhealthy when it failed or
 * never received a revision. Revision health compares with the group's last successful revision.
 */
export function classifyTargetHealth(previous: PreviousTargetResult | null, currentRevisionId: string | null): TargetHealthClass {
  if (!previous || previous.status !== "Succeeded") return "Unhealthy";
  if (previous.revisionId === null) return "UnknownRevision";
  return previous.revisionId === currentRevisionId ? "CurrentRevision" : "OldRevision";
}

/** Orders targets Unhealthy, Unknown revision, Old, Current; ties by host name so the order is stable. */
export function orderTargets<T extends { hostName: string; health: TargetHealthClass }>(targets: readonly T[]): T[] {
  return [...targets].sort(
    (a, b) => targetHealthClasses.indexOf(a.health) - targetHealthClasses.indexOf(b.health) || (a.hostName < b.hostName ? -1 : a.hostName > b.hostName ? 1 : 0),
  );
}

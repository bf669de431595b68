import type { DeploymentOverview, DeploymentStatus, Diagnostics, LifecycleEventStatus, TargetStatus } from "./deployment";

/** Socket.IO namespace browsers use for live updates; authenticated by the session cookie. */
export const BROWSER_NAMESPACE = "/live";

/** Rooms a browser may join. */
export const liveRooms = {
  /** Every deployment and host status change (overview, lists). */
  fleet: "fleet",
  deployment: (deploymentId: string) => `deployment:${deploymentId}`,
  /** Log lines of one target (host within a deployment). */
  targetLogs: (targetId: string) => `logs:${targetId}`,
} as const;

export type LiveLogLine = {
  /** Server sequence (log row id), usable as a cursor for deployments.logs. */
  seq: number;
  targetId: string;
  eventName: string;
  at: number;
  stream: "stdout" | "stderr" | "system";
  text: string;
};

export interface ServerToBrowserEvents {
  "deployment:updated": (u: { deploymentId: string; status: DeploymentStatus; overview: DeploymentOverview; completedAt: number | null }) => void;
  "target:updated": (u: {
    deploymentId: string;
    targetId: string;
    hostName: string;
    status: TargetStatus;
    events: { name: string; status: LifecycleEventStatus; startedAt: number | null; completedAt: number | null; diagnostics: Diagnostics | null }[];
  }) => void;
  "log:lines": (u: { deploymentId: string; targetId: string; lines: LiveLogLine[] }) => void;
  "host:updated": (u: { hostId: string; name: string; online: boolean; lastSeenAt: number | null }) => void;
}

export interface BrowserToServerEvents {
  /** Join a room; ack says whether it was allowed. */
  "room:join": (room: string, ack: (reply: { ok: boolean; error?: string }) => void) => void;
  "room:leave": (room: string) => void;
}

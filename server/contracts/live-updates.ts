import { z } from "zod";
import { deploymentStatuses, diagnosticsSchema, lifecycleEventStatuses, logStreams, targetStatuses } from "./deployment";

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

export const liveLogLineSchema = z.object({
  /** Server sequence (log row id), usable as a cursor for deployments.logs. */
  seq: z.number().int(),
  /** Target (host within the deployment) that wrote it. */
  targetId: z.string(),
  /** Lifecycle event that wrote it. */
  eventName: z.string(),
  /** Epoch ms when the agent read the line. */
  at: z.number(),
  /** stdout or stderr of a hook, or system for the agent's own lines. */
  stream: z.enum(logStreams),
  /** The line, without its newline. */
  text: z.string(),
});
export type LiveLogLine = z.infer<typeof liveLogLineSchema>;

/** The payload of each server -> browser event; browsers parse every payload with its schema on arrival. */
export const liveUpdateSchemas = {
  "deployment:updated": z.object({
    /** The deployment that changed. */
    deploymentId: z.string(),
    /** Its status now. */
    status: z.enum(deploymentStatuses),
    /** CodeDeploy's deploymentOverview counters. */
    overview: z.object({ Pending: z.number(), InProgress: z.number(), Succeeded: z.number(), Failed: z.number(), Skipped: z.number() }),
    /** When it finished; null while it runs. */
    completedAt: z.number().nullable(),
  }),
  "target:updated": z.object({
    /** The deployment the target belongs to. */
    deploymentId: z.string(),
    /** The target (host within the deployment) that changed. */
    targetId: z.string(),
    /** The target's host. */
    hostName: z.string(),
    /** The target's status now. */
    status: z.enum(targetStatuses),
    /** Its lifecycle events in order. */
    events: z.array(
      z.object({
        name: z.string(),
        status: z.enum(lifecycleEventStatuses),
        startedAt: z.number().nullable(),
        completedAt: z.number().nullable(),
        diagnostics: diagnosticsSchema.nullable(),
      }),
    ),
  }),
  "log:lines": z.object({
    /** The deployment the lines belong to. */
    deploymentId: z.string(),
    /** The target that wrote them. */
    targetId: z.string(),
    /** New lines, in seq order. */
    lines: z.array(liveLogLineSchema),
  }),
  "host:updated": z.object({
    /** The host that changed. */
    hostId: z.string(),
    /** Its name. */
    name: z.string(),
    /** True while its agent is connected. */
    online: z.boolean(),
    /** When its agent was last heard from. */
    lastSeenAt: z.number().nullable(),
  }),
} as const;

/** Each live event's payload, as its schema parses it. */
export type LiveUpdates = { [E in keyof typeof liveUpdateSchemas]: z.infer<(typeof liveUpdateSchemas)[E]> };

export type ServerToBrowserEvents = { [E in keyof LiveUpdates]: (update: LiveUpdates[E]) => void };

export interface BrowserToServerEvents {
  /** Join a room; ack says whether it was allowed. */
  "room:join": (room: string, ack: (reply: { ok: boolean; error?: string }) => void) => void;
  "room:leave": (room: string) => void;
}

/** A live event's payload checked against its schema; null when it does not match (a newer or broken server). */
export function parseLiveUpdate<E extends keyof LiveUpdates>(event: E, payload: unknown): LiveUpdates[E] | null {
  const parsed = liveUpdateSchemas[event].safeParse(payload);
  return parsed.success ? (parsed.data as LiveUpdates[E]) : null;
}

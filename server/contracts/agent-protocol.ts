import { z } from "zod";
import { bundleTypes, fileExistsBehaviors, hostApprovals, hostNameSchema, hostTagsSchema } from "./resources";
import { diagnosticsSchema, inPlaceLifecycleEvents } from "./deployment";

/**
 * The agent <-> server protocol, spoken over Socket.IO namespace AGENT_NAMESPACE.
 * The server sends imperatives (command:run, command:cancel); the agent reports facts
 * (agent:hello, command:accepted, event:finished, log:appended). Every payload is parsed
 * with its schema on arrival, on both ends. Delivery is at least once; handling is idempotent
 * by commandId (commands) and by seq (log lines).
 */
export const AGENT_PROTOCOL_VERSION = 1;
export const AGENT_NAMESPACE = "/agent";

/** HTTP endpoint (POST, JSON) that exchanges an enrollment token for a host credential. */
export const ENROLL_PATH = "/api/agent/enroll";
/** HTTP endpoint (GET, Range supported) that serves a revision bundle by sha256 to agents. */
export const bundleDownloadPath = (sha256: string) => `/api/agent/bundles/${sha256}`;

export const hostFactsSchema = z.object({
  /** OS host name. */
  hostname: z.string().max(255),
  /** os.platform(), e.g. linux. */
  platform: z.string().max(32),
  /** os.release(). */
  osRelease: z.string().max(128),
  /** os.arch(). */
  arch: z.string().max(32),
  /** Agent version string. */
  agentVersion: z.string().max(64),
  /** Node.js version running the agent. */
  nodeVersion: z.string().max(32),
  /** Free bytes on the file system holding the agent root. */
  freeDiskBytes: z.number().nonnegative(),
  /** Agent root directory. */
  rootDir: z.string().max(4096),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;

export const enrollRequestSchema = z.object({
  /** Enrollment token from the UI, the admin command or enrollmentTokens.create. */
  token: z.string().min(10).max(200),
  /** Host name to register; defaults to the OS host name on the agent side. */
  name: hostNameSchema,
  /** Initial tags. */
  tags: hostTagsSchema.default([]),
  /** Facts at enrollment. */
  facts: hostFactsSchema,
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  /** Host id. */
  hostId: z.string(),
  /** Host name as registered. */
  hostName: z.string(),
  /** Secret credential "hostId.secret"; store with mode 0600 and send as handshake auth. */
  credential: z.string(),
  /** "pending": the host connects but receives no deployment until an admin approves it. */
  approval: z.enum(hostApprovals).optional(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

/** Socket.IO handshake `auth` payload. */
export const agentHandshakeSchema = z.object({
  credential: z.string().min(10).max(300),
  protocolVersion: z.number().int(),
});
export type AgentHandshake = z.infer<typeof agentHandshakeSchema>;

/** Events the server asks an agent to execute; one command runs one lifecycle event on one host. */
export const agentLifecycleEvents = inPlaceLifecycleEvents;

export const commandSpecSchema = z.object({
  /** Unique command id; the agent runs a given id at most once. */
  commandId: z.string().min(1).max(64),
  /** Lifecycle event to run. */
  lifecycleEvent: z.enum(agentLifecycleEvents),
  deploymentId: z.string(),
  applicationName: z.string(),
  deploymentGroupName: z.string(),
  /** Deployment group id: the agent's on-disk directory and cleanup key. */
  deploymentGroupId: z.string(),
  /** Revision being deployed. */
  revision: z.object({
    revisionId: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bundleType: z.enum(bundleTypes),
    size: z.number().int().nonnegative(),
  }),
  /** DISALLOW | OVERWRITE | RETAIN; the appspec's file_exists_behavior wins over this. */
  fileExistsBehavior: z.enum(fileExistsBehaviors),
  /** Seconds; when a hook has no timeout of its own. */
  defaultHookTimeoutSeconds: z.number().int().positive().default(3600),
});
export type CommandSpec = z.infer<typeof commandSpecSchema>;

export const commandCancelSchema = z.object({
  commandId: z.string(),
  /** Why, shown in the event's diagnostics. */
  reason: z.string().max(500),
});
export type CommandCancel = z.infer<typeof commandCancelSchema>;

/** Where a hook script came from: the current revision or the last one installed on the host. */
export const scriptSourceSchema = z.object({
  deploymentId: z.string(),
  revisionId: z.string(),
  sha256: z.string(),
});
export type ScriptSource = z.infer<typeof scriptSourceSchema>;

export const eventFinishedSchema = z.object({
  commandId: z.string(),
  /** Succeeded or Failed; Skipped when the event had nothing to do (no scripts, first install). */
  status: z.enum(["Succeeded", "Failed", "Skipped"]),
  /** Epoch ms. */
  startedAt: z.number(),
  /** Epoch ms. */
  finishedAt: z.number(),
  diagnostics: diagnosticsSchema,
  /** Whose scripts ran; null when no scripts ran. */
  scriptSource: scriptSourceSchema.nullable(),
  /** Seq of the last log line this command wrote, so the server can tell when its log is complete. */
  lastLogSeq: z.number().int().nonnegative(),
});
export type EventFinished = z.infer<typeof eventFinishedSchema>;

export const logStreams = ["stdout", "stderr", "system"] as const;
export const logLineSchema = z.object({
  /** Per-host monotonic sequence number, starting at 1, never reused. */
  seq: z.number().int().positive(),
  commandId: z.string(),
  /** Epoch ms when the line was read. */
  at: z.number(),
  stream: z.enum(logStreams),
  /** Line text without the trailing newline; at most 16 KB (longer lines are split). */
  text: z.string().max(16384),
});
export type LogLine = z.infer<typeof logLineSchema>;

export const logAppendedSchema = z.object({
  lines: z.array(logLineSchema).min(1).max(5000),
});
export type LogAppended = z.infer<typeof logAppendedSchema>;
export const logAckSchema = z.object({
  /** Highest seq the server has stored for this host; the agent may forget lines up to it. */
  ackedSeq: z.number().int().nonnegative(),
});
export type LogAck = z.infer<typeof logAckSchema>;

/** What an agent knows of a command it received, reported on every (re)connect. */
export const commandStateReportSchema = z.object({
  commandId: z.string(),
  state: z.enum(["running", "finished"]),
  /** Present when finished and not yet acknowledged by the server. */
  result: eventFinishedSchema.optional(),
});

export const agentHelloSchema = z.object({
  protocolVersion: z.number().int(),
  facts: hostFactsSchema,
  /** Commands received but not acknowledged as finished. */
  commands: z.array(commandStateReportSchema).max(100),
  /** Highest log seq the agent has written. */
  lastLogSeq: z.number().int().nonnegative(),
});
export type AgentHello = z.infer<typeof agentHelloSchema>;

export const agentHelloAckSchema = z.object({
  ok: z.literal(true),
  hostId: z.string(),
  hostName: z.string(),
  /** Highest log seq stored for this host; the agent resends lines after it. */
  ackedLogSeq: z.number().int().nonnegative(),
});
export type AgentHelloAck = z.infer<typeof agentHelloAckSchema>;

export const commandAcceptedSchema = z.object({
  commandId: z.string(),
  /** False when the agent refuses (busy with another deployment); reason says why. */
  accepted: z.boolean(),
  reason: z.string().optional(),
});
export type CommandAccepted = z.infer<typeof commandAcceptedSchema>;

export const ackOkSchema = z.object({ ok: z.boolean(), error: z.string().optional() });

/** Events the server emits to an agent. Payloads are acknowledged with the matching ack type. */
export interface ServerToAgentEvents {
  /** Run one lifecycle event. Ack: CommandAccepted. Re-sent until acknowledged. */
  "command:run": (spec: CommandSpec, ack: (reply: CommandAccepted) => void) => void;
  /** Cancel a running command: kill its process groups. Ack: { ok }. */
  "command:cancel": (cancel: CommandCancel, ack: (reply: { ok: boolean }) => void) => void;
}

/** Events an agent emits to the server. */
export interface AgentToServerEvents {
  /** First message after every connect. */
  "agent:hello": (hello: AgentHello, ack: (reply: AgentHelloAck | { ok: false; error: string }) => void) => void;
  /** A lifecycle event finished; re-sent until acknowledged. */
  "event:finished": (result: EventFinished, ack: (reply: { ok: boolean; error?: string }) => void) => void;
  /** A batch of log lines; ack carries the highest stored seq. */
  "log:appended": (batch: LogAppended, ack: (reply: LogAck | { ok: false; error: string }) => void) => void;
}

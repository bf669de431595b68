import { z } from "zod";
import {
  applicationNameSchema,
  autoRollbackConfigurationSchema,
  deploymentConfigNameSchema,
  deploymentGroupNameSchema,
  fileExistsBehaviors,
  type AutoRollbackConfiguration,
  type FileExistsBehavior,
} from "./resources";

/** Deployment status; Scheduled is Landline's: created with a future startAt. */
export const deploymentStatuses = ["Scheduled", "Created", "Queued", "InProgress", "Succeeded", "Failed", "Stopped"] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];
/** The statuses a deployment ends in; it never changes again. */
export const finishedDeploymentStatuses = ["Succeeded", "Failed", "Stopped"] as const;
/** How a deployment ended. */
export type FinishedDeploymentStatus = (typeof finishedDeploymentStatuses)[number];
/** True once a deployment has ended. */
export const isFinishedDeploymentStatus = (status: DeploymentStatus): status is FinishedDeploymentStatus =>
  (finishedDeploymentStatuses as readonly DeploymentStatus[]).includes(status);
export const activeDeploymentStatuses: readonly DeploymentStatus[] = ["Created", "Queued", "InProgress"];

/** Status of one host within a deployment. */
export const targetStatuses = ["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Unknown"] as const;
export type TargetStatus = (typeof targetStatuses)[number];

/** Status of one lifecycle event on one host. */
export const lifecycleEventStatuses = ["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Unknown"] as const;
export type LifecycleEventStatus = (typeof lifecycleEventStatuses)[number];

/** In-place lifecycle order without a load balancer (CodeDeploy reference 3.1). */
export const inPlaceLifecycleEvents = [
  "ApplicationStop",
  "DownloadBundle",
  "BeforeInstall",
  "Install",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
] as const;
export type LifecycleEventName = (typeof inPlaceLifecycleEvents)[number];

/** Events that carry appspec scripts (all scriptable events CodeDeploy knows for EC2/on-prem). */
export const scriptableLifecycleEvents = [
  "BeforeBlockTraffic",
  "AfterBlockTraffic",
  "ApplicationStop",
  "BeforeInstall",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
  "BeforeAllowTraffic",
  "AfterAllowTraffic",
] as const;
export type ScriptableLifecycleEvent = (typeof scriptableLifecycleEvents)[number];

/** Reserved events that can never carry scripts. */
export const reservedLifecycleEvents = ["DownloadBundle", "Install", "BlockTraffic", "AllowTraffic"] as const;

/** Lifecycle diagnostics error codes (CodeDeploy LifecycleErrorCode plus the agent's unnamed 6 and 7). */
export const lifecycleErrorCodes = [
  "Success",
  "ScriptMissing",
  "ScriptNotExecutable",
  "ScriptTimedOut",
  "ScriptFailed",
  "UnknownError",
  "OutputsLeftOpen",
  "FailedAfterRestart",
  "AgentLost",
  "Cancelled",
] as const;
export type LifecycleErrorCode = (typeof lifecycleErrorCodes)[number];

/** Characters of a lifecycle event's newest output shown with its diagnostics. */
export const LOG_TAIL_CHARS = 4096;

export const diagnosticsSchema = z.object({
  /** What went wrong, or Success. */
  errorCode: z.enum(lifecycleErrorCodes),
  /** The hook script that failed, when a script failed. */
  scriptName: z.string().max(1024).nullable(),
  /** A human-readable explanation. */
  message: z.string().max(8192),
  /** The last 4 KB of output. Stored once, in the log: the server keeps it empty and derives it when read. */
  logTail: z.string().max(LOG_TAIL_CHARS),
});
export type Diagnostics = z.infer<typeof diagnosticsSchema>;

/** Deployment-level error codes (CodeDeploy ErrorInformation.code subset). */
export const deploymentErrorCodes = [
  "NO_INSTANCES",
  "HEALTH_CONSTRAINTS",
  "HEALTH_CONSTRAINTS_INVALID",
  "MANUAL_STOP",
  "AGENT_ISSUE",
  "TIMEOUT",
  "REVISION_MISSING",
  "INTERNAL_ERROR",
] as const;
export type DeploymentErrorCode = (typeof deploymentErrorCodes)[number];

export const deploymentCreators = ["user", "codeDeployRollback", "scheduler"] as const;
export type DeploymentCreator = (typeof deploymentCreators)[number];

/** Deployment ids look like CodeDeploy's: d- followed by 9 upper-case alphanumerics. */
export const deploymentIdSchema = z.string().regex(/^d-[A-Z0-9]{9}$/, "not a deployment id (d-XXXXXXXXX)");

export const createDeploymentInputSchema = z.object({
  /** Application to deploy. */
  applicationName: applicationNameSchema,
  /** Deployment group whose hosts receive the revision. */
  deploymentGroupName: deploymentGroupNameSchema,
  /** Revision to deploy. */
  revisionId: z.string().min(1),
  /** Free text shown with the deployment. */
  description: z.string().max(1000).optional(),
  /** Overrides the group's deployment config. */
  deploymentConfigName: deploymentConfigNameSchema.optional(),
  /** What Install does with files already on the host; the appspec's setting wins. */
  fileExistsBehavior: z.enum(fileExistsBehaviors).optional(),
  /** Continue when ApplicationStop, BeforeBlockTraffic or AfterBlockTraffic fails. */
  ignoreApplicationStopFailures: z.boolean().optional(),
  /** Overrides the group's automatic rollback settings. */
  autoRollback: autoRollbackConfigurationSchema.optional(),
  /** Epoch milliseconds; a future time makes the deployment Scheduled. */
  startAt: z.number().int().positive().optional(),
});
export type CreateDeploymentInput = z.infer<typeof createDeploymentInputSchema>;

/** CodeDeploy's deploymentOverview counters. */
export type DeploymentOverview = {
  Pending: number;
  InProgress: number;
  Succeeded: number;
  Failed: number;
  Skipped: number;
};

/** CodeDeploy's errorInformation. */
export type ErrorInformation = {
  /** Why the deployment failed or stopped. */
  code: DeploymentErrorCode;
  /** A human-readable explanation. */
  message: string;
};

/** CodeDeploy's rollbackInfo, linking a deployment and its rollback both ways. */
export type RollbackInfo = {
  /** The rollback deployment this deployment triggered. */
  rollbackDeploymentId: string | null;
  /** The deployment whose failure or stop created this rollback deployment. */
  rollbackTriggeringDeploymentId: string | null;
  /** What happened to the rollback, e.g. "No previous successful revision to roll back to". */
  rollbackMessage: string | null;
};

export const stopDeploymentInputSchema = z.object({
  /** A deployment that has not finished. */
  deploymentId: deploymentIdSchema,
  /** True rolls back the hosts already updated; false never does; absent follows the group's DEPLOYMENT_STOP_ON_REQUEST. */
  autoRollbackEnabled: z.boolean().optional(),
});
export type StopDeploymentInput = z.infer<typeof stopDeploymentInputSchema>;

export const updateScheduleInputSchema = z.object({
  /** A deployment in status Scheduled. */
  deploymentId: deploymentIdSchema,
  /** Epoch milliseconds; a time in the past starts the deployment now. */
  startAt: z.number().int().positive(),
});

export const listDeploymentsInputSchema = z.object({
  /** Only this application's deployments. */
  applicationName: applicationNameSchema.optional(),
  /** Only deployments to groups of this name. */
  deploymentGroupName: deploymentGroupNameSchema.optional(),
  /** One status or several. */
  status: z.union([z.enum(deploymentStatuses), z.array(z.enum(deploymentStatuses)).min(1)]).optional(),
  /** Page size. */
  limit: z.number().int().min(1).max(200).default(50),
  /** nextCursor of the previous page. */
  cursor: z.string().max(200).nullish(),
});
export type ListDeploymentsInput = z.infer<typeof listDeploymentsInputSchema>;

export const deploymentLogsInputSchema = z.object({
  /** Deployment whose log to read. */
  deploymentId: deploymentIdSchema,
  /** Only this target's (host's) lines. */
  targetId: z.string().min(1).max(64).optional(),
  /** Only this lifecycle event's lines. */
  eventName: z.enum(inPlaceLifecycleEvents).optional(),
  /** Return lines with a seq above this one (the previous page's nextSeq). */
  afterSeq: z.number().int().nonnegative().default(0),
  /** Page size, at most 5000 lines. */
  limit: z.number().int().min(1).max(5000).default(1000),
  /**
   * Only lines written before each event's verdict: leaves out lines a host sent after the server had already
   * decided its event (an agent back after AgentLost), so the tail read this way explains the verdict.
   */
  untilVerdict: z.boolean().default(false),
});
export type DeploymentLogsInput = z.infer<typeof deploymentLogsInputSchema>;

/** One stored log line of a deployment. */
/** Where a log line came from: a hook's stdout or stderr, or the agent's own system lines. */
export const logStreams = ["stdout", "stderr", "system"] as const;
export type LogStream = (typeof logStreams)[number];

export type DeploymentLogLine = {
  /** Server sequence, increasing across the whole deployment; use as afterSeq. */
  seq: number;
  /** Target (host within the deployment) that wrote it. */
  targetId: string;
  /** Name of that host. */
  hostName: string;
  /** Lifecycle event that wrote it. */
  eventName: string;
  /** Epoch ms when the agent read the line. */
  at: number;
  /** stdout or stderr of a hook, or system for the agent's own lines. */
  stream: LogStream;
  /** The line, without its newline. */
  text: string;
};

/** deployments.get: one deployment as CodeDeploy's DeploymentInfo describes it. Times are epoch ms. */
/** The server cannot write to its data directory (a full disk, a quota, an I/O failure). */
export type StorageProblem = {
  /** SQLITE_FULL, ENOSPC, SQLITE_IOERR_..., EIO and the like. */
  code: string;
  /** What is wrong and what to do, for people. */
  message: string;
  /** Epoch ms of the first failure in this stretch. */
  since: number;
};

/** deployments.get: a deployment, and while it runs, why it may not move. */
export type DeploymentDetail = DeploymentInfo & {
  /** Set while the deployment is unfinished and the server cannot store data (its log lines and results wait). */
  storageProblem: StorageProblem | null;
};

export type DeploymentInfo = {
  /** d- and 9 upper-case alphanumerics. */
  deploymentId: string;
  /** Application deployed. */
  applicationName: string;
  /** Group whose hosts receive the revision. */
  deploymentGroupName: string;
  /** Config whose minimum healthy hosts govern the deployment. */
  deploymentConfigName: string;
  /** Where the deployment is in its life. */
  status: DeploymentStatus;
  /** user, or codeDeployRollback for a rollback deployment. */
  creator: DeploymentCreator;
  /** Email of the user who created it; null for system-created deployments. */
  createdBy: string | null;
  /** Free text given at creation. */
  description: string | null;
  /** The revision deployed. */
  revision: { revisionId: string; sha256: string; description: string | null };
  /** Set when the deployment failed or stopped. */
  errorInformation: ErrorInformation | null;
  /** Set when a rollback was triggered or attempted, or when this deployment is a rollback. */
  rollbackInfo: RollbackInfo | null;
  /** Targets by status; Unknown targets count as Failed. */
  deploymentOverview: DeploymentOverview;
  /** When it was created. */
  createTime: number;
  /** When it started running, or failed at start. */
  startTime: number | null;
  /** When it finished. */
  completeTime: number | null;
  /** Requested start of a scheduled deployment. */
  startAt: number | null;
  /** Why the start differs from startAt, e.g. the server was down at that time. */
  startNote: string | null;
  /** What Install does with files already on a host (the appspec's setting wins). */
  fileExistsBehavior: FileExistsBehavior;
  /** Whether a failed ApplicationStop lets a host continue. */
  ignoreApplicationStopFailures: boolean;
  /** Automatic rollback in effect (the deployment's own, else the group's at creation). */
  autoRollback: AutoRollbackConfiguration;
  /** When a stop was requested; the deployment may still be finishing. */
  stopRequestedAt: number | null;
};

/** deployments.list row. */
export type DeploymentSummary = Pick<
  DeploymentInfo,
  | "deploymentId"
  | "applicationName"
  | "deploymentGroupName"
  | "status"
  | "creator"
  | "createTime"
  | "startTime"
  | "completeTime"
  | "startAt"
  | "deploymentOverview"
  | "errorInformation"
> & {
  /** The revision deployed. */
  revisionId: string;
  /** Free text given at creation. */
  description: string | null;
};

/** deployments.listTargets row: one host within a deployment. */
export type DeploymentTargetInfo = {
  /** This host's target id within the deployment; log and live-room key. */
  targetId: string;
  /** The host. */
  hostId: string;
  /** Host name at creation. */
  hostName: string;
  /** Scheduling order. */
  position: number;
  /** Pending, InProgress, Succeeded, Failed, Skipped or Unknown (outcome not known, e.g. agent offline at a stop). */
  status: TargetStatus;
  /** The event running now, if any. */
  currentEvent: LifecycleEventName | null;
  /** The event that failed the target, if any. */
  failedEvent: LifecycleEventName | null;
  /** Why that event failed (Cancelled when the deployment was stopped), if any. */
  failedErrorCode: LifecycleErrorCode | null;
  /** Whether the host's agent is connected now. */
  online: boolean;
  /** When the host's first event was sent. */
  startTime: number | null;
  /** When the target finished. */
  endTime: number | null;
  /** Last change of the target or one of its events. */
  lastUpdatedAt: number;
};

/** One lifecycle event of a target. */
export type LifecycleEventInfo = {
  /** The event. */
  lifecycleEventName: LifecycleEventName;
  /** Pending, InProgress, Succeeded, Failed, Skipped or Unknown. */
  status: LifecycleEventStatus;
  /** When the agent started it. */
  startTime: number | null;
  /** When it ended. */
  endTime: number | null;
  /** Milliseconds between start and end, when both are known. */
  duration: number | null;
  /** Error code, failing script, message and log tail; null until it ends. */
  diagnostics: Diagnostics | null;
  /** Which deployment's and revision's scripts ran (ApplicationStop runs the previous revision's). */
  scriptDeploymentId: string | null;
  scriptRevisionId: string | null;
};

/** deployments.getTarget. */
export type DeploymentTargetDetail = DeploymentTargetInfo & {
  /** The deployment the target belongs to. */
  deploymentId: string;
  /** In lifecycle order. */
  lifecycleEvents: LifecycleEventInfo[];
};

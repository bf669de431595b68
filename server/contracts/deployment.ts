import { z } from "zod";
import {
  applicationNameSchema,
  autoRollbackConfigurationSchema,
  deploymentConfigNameSchema,
  deploymentGroupNameSchema,
  fileExistsBehaviors,
} from "./resources";

/** Deployment status; Scheduled is Landline's: created with a future startAt. */
export const deploymentStatuses = ["Scheduled", "Created", "Queued", "InProgress", "Succeeded", "Failed", "Stopped"] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];
export const finishedDeploymentStatuses: readonly DeploymentStatus[] = ["Succeeded", "Failed", "Stopped"];
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

export const diagnosticsSchema = z.object({
  /** What went wrong, or Success. */
  errorCode: z.enum(lifecycleErrorCodes),
  /** The hook script that failed, when a script failed. */
  scriptName: z.string().max(1024).nullable(),
  /** A human-readable explanation. */
  message: z.string().max(8192),
  /** The last 4 KB of output. */
  logTail: z.string().max(4096),
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

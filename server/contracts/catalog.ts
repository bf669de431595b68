import { z } from "zod";
import type { HostFacts } from "./agent-protocol";
import type { DeploymentStatus, TargetStatus } from "./deployment";
import {
  applicationNameSchema,
  autoRollbackConfigurationSchema,
  customDeploymentConfigNameSchema,
  deploymentConfigNameSchema,
  deploymentGroupNameSchema,
  fileExistsBehaviors,
  hostNameSchema,
  hostStatuses,
  hostTagsSchema,
  minimumHealthyHostsSchema,
  tagSetSchema,
  type AutoRollbackConfiguration,
  type FileExistsBehavior,
  type HostApproval,
  type HostStatus,
  type HostTag,
  type MinimumHealthyHosts,
  type TagSet,
} from "./resources";

/** Input and output shapes for what teams define: applications, deployment configs, deployment groups, hosts. */

/** The config a deployment group gets when none is named (CodeDeploy's default). */
export const DEFAULT_DEPLOYMENT_CONFIG_NAME = "CodeDeployDefault.OneAtATime";

export const applicationRefSchema = z.object({
  /** Application name. */
  applicationName: applicationNameSchema,
});
export type ApplicationRef = z.infer<typeof applicationRefSchema>;

export const createApplicationInputSchema = applicationRefSchema;
export type CreateApplicationInput = z.infer<typeof createApplicationInputSchema>;

export const updateApplicationInputSchema = z.object({
  /** Current application name. */
  applicationName: applicationNameSchema,
  /** New application name. */
  newApplicationName: applicationNameSchema,
});
export type UpdateApplicationInput = z.infer<typeof updateApplicationInputSchema>;

export const deploymentConfigRefSchema = z.object({
  /** Deployment config name, predefined or custom. */
  deploymentConfigName: deploymentConfigNameSchema,
});
export type DeploymentConfigRef = z.infer<typeof deploymentConfigRefSchema>;

export const createDeploymentConfigInputSchema = z.object({
  /** Custom config name; the CodeDeployDefault. prefix is reserved. */
  deploymentConfigName: customDeploymentConfigNameSchema,
  /** How many hosts must stay healthy while a deployment runs. */
  minimumHealthyHosts: minimumHealthyHostsSchema,
});
export type CreateDeploymentConfigInput = z.infer<typeof createDeploymentConfigInputSchema>;

export const deploymentGroupRefSchema = z.object({
  /** Application the group belongs to. */
  applicationName: applicationNameSchema,
  /** Deployment group name, unique within the application. */
  deploymentGroupName: deploymentGroupNameSchema,
});
export type DeploymentGroupRef = z.infer<typeof deploymentGroupRefSchema>;

export const createDeploymentGroupInputSchema = deploymentGroupRefSchema.extend({
  /** Deployment config used by default; CodeDeployDefault.OneAtATime when absent. */
  deploymentConfigName: deploymentConfigNameSchema.optional(),
  /** Which registered hosts the group targets: OR within a tag group, AND across groups. */
  onPremisesTagSet: tagSetSchema,
  /** Automatic rollback settings; off when absent. */
  autoRollbackConfiguration: autoRollbackConfigurationSchema.optional(),
  /** What Install does with files already on a host; DISALLOW when absent. */
  fileExistsBehavior: z.enum(fileExistsBehaviors).optional(),
});
export type CreateDeploymentGroupInput = z.infer<typeof createDeploymentGroupInputSchema>;

export const updateDeploymentGroupInputSchema = z.object({
  /** Application the group belongs to. */
  applicationName: applicationNameSchema,
  /** The group's current name. */
  currentDeploymentGroupName: deploymentGroupNameSchema,
  /** Renames the group. */
  newDeploymentGroupName: deploymentGroupNameSchema.optional(),
  /** Replaces the deployment config. */
  deploymentConfigName: deploymentConfigNameSchema.optional(),
  /** Replaces the tag set. */
  onPremisesTagSet: tagSetSchema.optional(),
  /** Replaces the automatic rollback settings. */
  autoRollbackConfiguration: autoRollbackConfigurationSchema.optional(),
  /** Replaces the default file-exists behaviour. */
  fileExistsBehavior: z.enum(fileExistsBehaviors).optional(),
});
export type UpdateDeploymentGroupInput = z.infer<typeof updateDeploymentGroupInputSchema>;

export const previewHostsInputSchema = z.object({
  /** Tag set to evaluate against the registered hosts now. */
  onPremisesTagSet: tagSetSchema,
});
export type PreviewHostsInput = z.infer<typeof previewHostsInputSchema>;

export const hostRefSchema = z.object({
  /** Host name as registered. */
  hostName: hostNameSchema,
});
export type HostRef = z.infer<typeof hostRefSchema>;

export const listHostsInputSchema = z.object({
  /** Only hosts in this status. */
  status: z.enum(hostStatuses).optional(),
  /** Only hosts carrying this tag key (with this value, when given). */
  tag: z
    .object({
      /** Tag key. */
      key: z.string().min(1).max(128),
      /** Tag value; any value when absent. */
      value: z.string().max(256).optional(),
    })
    .optional(),
  /** Case-insensitive substring of the host name. */
  search: z.string().max(100).optional(),
});
export type ListHostsInput = z.infer<typeof listHostsInputSchema>;

export const updateHostTagsInputSchema = z.object({
  /** Host name as registered. */
  hostName: hostNameSchema,
  /** The host's complete new tag list; keys must be unique. */
  tags: hostTagsSchema.superRefine((tags, ctx) => {
    const seen = new Set<string>();
    tags.forEach((tag, i) => {
      if (seen.has(tag.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: `tag key ${tag.key} appears more than once` });
      seen.add(tag.key);
    });
  }),
});
export type UpdateHostTagsInput = z.infer<typeof updateHostTagsInputSchema>;

/** A deployment as shown beside the resource it ran against. */
export type DeploymentRef = {
  /** Deployment id (d-XXXXXXXXX). */
  deploymentId: string;
  /** Deployment status. */
  status: DeploymentStatus;
  /** Epoch ms the deployment was created. */
  createTime: number;
  /** Epoch ms the deployment finished; null while it runs. */
  endTime: number | null;
  /** Revision deployed. */
  revisionId: string;
};

export type ApplicationInfo = {
  /** Server-generated id. */
  applicationId: string;
  /** Unique application name. */
  applicationName: string;
  /** Always Server: Landline deploys to hosts. */
  computePlatform: "Server";
  /** Epoch ms. */
  createTime: number;
  /** Number of deployment groups. */
  deploymentGroupCount: number;
  /** Number of registered revisions. */
  revisionCount: number;
  /** Most recently created deployment of any group, or null. */
  latestDeployment: (DeploymentRef & { deploymentGroupName: string }) | null;
};

export type DeploymentConfigInfo = {
  /** Id; predefined configs use their name. */
  deploymentConfigId: string;
  /** Config name. */
  deploymentConfigName: string;
  /** Minimum healthy hosts; OneAtATime reports MOST_CONCURRENCY 1. */
  minimumHealthyHosts: MinimumHealthyHosts;
  /** Always Server. */
  computePlatform: "Server";
  /** Epoch ms; 0 for predefined configs. */
  createTime: number;
  /** True for the CodeDeployDefault.* configs, which cannot be changed or deleted. */
  predefined: boolean;
};

export type DeploymentGroupInfo = {
  /** Server-generated id; agents use it as the on-disk directory name. */
  deploymentGroupId: string;
  /** Group name, unique within the application. */
  deploymentGroupName: string;
  /** Application the group belongs to. */
  applicationName: string;
  /** Default deployment config. */
  deploymentConfigName: string;
  /** Host selection: OR within a tag group, AND across groups. */
  onPremisesTagSet: TagSet;
  /** Automatic rollback settings. */
  autoRollbackConfiguration: AutoRollbackConfiguration;
  /** Default file-exists behaviour for deployments. */
  fileExistsBehavior: FileExistsBehavior;
  /** Most recent Succeeded deployment, or null. */
  lastSuccessfulDeployment: DeploymentRef | null;
  /** Most recent deployment that started (or finished without starting), or null. */
  lastAttemptedDeployment: DeploymentRef | null;
  /** Registered hosts the tag set matches now. */
  matchingHostCount: number;
  /** Epoch ms. */
  createTime: number;
};

export type HostInfo = {
  /** Server-generated id. */
  hostId: string;
  /** Unique host name. */
  hostName: string;
  /** Tags deployment groups select on. */
  tags: HostTag[];
  /** Online/Offline from the agent connection; Deregistered once removed. */
  status: HostStatus;
  /** What the agent reported about the machine, or null before it first connected. */
  facts: HostFacts | null;
  /** Agent version from the facts, or null. */
  agentVersion: string | null;
  /** Epoch ms the host enrolled. */
  enrolledAt: number;
  /** Epoch ms the agent was last heard from, or null. */
  lastSeenAt: number | null;
  /** Epoch ms the host was deregistered, or null. */
  deregisteredAt: number | null;
  /** "pending" hosts wait for an admin's approval and are never deployed to; "rejected" ones were refused. */
  approval: HostApproval;
  /** The target this host is working on or waiting for in an active deployment, or null. */
  currentDeployment: { deploymentId: string; targetId: string; status: TargetStatus } | null;
  /**
   * Set while the host's agent connections keep replacing each other (several times within minutes): two
   * agents are probably running with this host's credential. Null otherwise.
   */
  connectionChurn: { replacements: number; lastReplacedAt: number } | null;
};

/** One deployment that targeted a host, newest first in a host's history. */
export type HostDeployment = {
  /** The deployment's id. */
  deploymentId: string;
  /** This host's target within it, for linking to its log. */
  targetId: string;
  /** Application deployed. */
  applicationName: string;
  /** Group the deployment went to. */
  deploymentGroupName: string;
  /** Revision deployed. */
  revisionId: string;
  /** How the deployment as a whole went. */
  deploymentStatus: DeploymentStatus;
  /** How it went on this host. */
  targetStatus: TargetStatus;
  /** Epoch ms the deployment was created. */
  createTime: number;
  /** Epoch ms this host's part finished, or null. */
  endTime: number | null;
};

/** The revision a deployment last installed successfully on a host, for one deployment group. */
export type InstalledRevision = {
  /** Application of the group. */
  applicationName: string;
  /** Deployment group the revision was deployed through. */
  deploymentGroupName: string;
  /** Revision the host runs. */
  revisionId: string;
  /** Deployment that installed it. */
  deploymentId: string;
  /** Epoch ms that host's part of the deployment finished. */
  installedAt: number | null;
};

/** What a host runs and what was deployed to it. */
export type HostDeployments = {
  /** One entry per deployment group that ever installed a revision on the host, most recent first. */
  installed: InstalledRevision[];
  /** The newest deployments that targeted the host. */
  history: HostDeployment[];
};

/** A host of a deployment group: matched by its tags now or targeted by one of its deployments. */
export type GroupHost = {
  /** Host name. */
  hostName: string;
  /** Online, Offline or Deregistered. */
  status: HostStatus;
  /** Whether the group's tag filter selects the host now. */
  matchesNow: boolean;
  /** The revision this group last installed on the host, or null. */
  installed: { revisionId: string; deploymentId: string; installedAt: number | null } | null;
  /** The group's newest deployment that targeted the host and how it went there, or null. */
  lastTarget: { deploymentId: string; targetId: string; status: TargetStatus } | null;
};

/** One cell of the overview's applications x deployment groups matrix. */
export type FleetMatrixCell = {
  /** Application. */
  applicationName: string;
  /** Deployment group of that application. */
  deploymentGroupName: string;
  /** Revision of the group's last successful deployment, or null. */
  revisionId: string | null;
  /** The group's newest deployment (any state), or null when it never deployed. */
  latest: { deploymentId: string; status: DeploymentStatus; revisionId: string } | null;
};

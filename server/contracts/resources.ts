import { z } from "zod";

/** Roles in increasing order of power. */
export const roles = ["viewer", "deployer", "admin"] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/** True when `role` is at least `required`. */
export function hasRole(role: Role, required: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(required);
}

/** CodeDeploy resource names: 1..100 of [A-Za-z0-9._+=,@-]. */
export const resourceNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9._+=,@-]+$/, "may contain only letters, digits and . _ + = , @ -");

export const applicationNameSchema = resourceNameSchema.describe("Application name");
export const deploymentGroupNameSchema = resourceNameSchema.describe("Deployment group name");

export const predefinedDeploymentConfigNames = ["CodeDeployDefault.OneAtATime", "CodeDeployDefault.HalfAtATime", "CodeDeployDefault.AllAtOnce"] as const;

export const deploymentConfigNameSchema = resourceNameSchema.describe("Deployment config name");

/** A custom config may not use the reserved CodeDeployDefault. prefix. */
export const customDeploymentConfigNameSchema = deploymentConfigNameSchema.refine(
  (n) => !n.startsWith("CodeDeployDefault."),
  "names starting with CodeDeployDefault. are reserved for predefined configs",
);

export const minimumHealthyHostsTypes = ["HOST_COUNT", "FLEET_PERCENT"] as const;
/** MOST_CONCURRENCY is what CodeDeploy reports for OneAtATime; users cannot set it. */
export const reportedMinimumHealthyHostsTypes = [...minimumHealthyHostsTypes, "MOST_CONCURRENCY"] as const;
export type MinimumHealthyHostsType = (typeof reportedMinimumHealthyHostsTypes)[number];

export const minimumHealthyHostsSchema = z
  .object({
    /** HOST_COUNT: an absolute number of hosts; FLEET_PERCENT: a percentage of the targets, rounded up. */
    type: z.enum(minimumHealthyHostsTypes),
    /** HOST_COUNT: integer >= 0; FLEET_PERCENT: 0..99. */
    value: z.number().int("must be a whole number").min(0, "must be at least 0"),
  })
  .superRefine((m, ctx) => {
    if (m.type === "FLEET_PERCENT" && m.value > 99) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "FLEET_PERCENT must be between 0 and 99" });
    }
  });
export type MinimumHealthyHosts = { type: MinimumHealthyHostsType; value: number };

export const tagFilterTypes = ["KEY_ONLY", "VALUE_ONLY", "KEY_AND_VALUE"] as const;
export type TagFilterType = (typeof tagFilterTypes)[number];

export const tagFilterSchema = z
  .object({
    /** Tag key (max 128 characters); required unless type is VALUE_ONLY. */
    key: z.string().max(128, "tag key must be at most 128 characters").optional(),
    /** Tag value (max 256 characters); required unless type is KEY_ONLY. */
    value: z.string().max(256, "tag value must be at most 256 characters").optional(),
    /** How the filter matches a host's tags. */
    type: z.enum(tagFilterTypes),
  })
  .superRefine((f, ctx) => {
    if (f.type !== "VALUE_ONLY" && !f.key) ctx.addIssue({ code: "custom", path: ["key"], message: `key is required for ${f.type}` });
    if (f.type !== "KEY_ONLY" && f.value === undefined) ctx.addIssue({ code: "custom", path: ["value"], message: `value is required for ${f.type}` });
  });
export type TagFilter = z.infer<typeof tagFilterSchema>;

/** Up to three tag groups: OR within a group, AND across groups. At most 10 filters per group. */
export const tagSetSchema = z
  .array(z.array(tagFilterSchema).min(1, "a tag group needs at least one filter").max(10, "a tag group holds at most 10 filters"))
  .max(3, "at most 3 tag groups");
export type TagSet = z.infer<typeof tagSetSchema>;

export const hostTagSchema = z.object({
  /** Tag key. */
  key: z.string().min(1).max(128),
  /** Tag value (may be empty). */
  value: z.string().max(256),
});
export type HostTag = z.infer<typeof hostTagSchema>;
export const hostTagsSchema = z.array(hostTagSchema).max(50);

export const autoRollbackEvents = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"] as const;
export const autoRollbackConfigurationSchema = z.object({
  /** Whether automatic rollback is on. */
  enabled: z.boolean(),
  /** Which outcomes trigger a rollback. */
  events: z.array(z.enum(autoRollbackEvents)).default([]),
});
export type AutoRollbackConfiguration = z.infer<typeof autoRollbackConfigurationSchema>;

export const fileExistsBehaviors = ["DISALLOW", "OVERWRITE", "RETAIN"] as const;
export type FileExistsBehavior = (typeof fileExistsBehaviors)[number];

export const bundleTypes = ["zip", "tar", "tgz"] as const;
export type BundleType = (typeof bundleTypes)[number];

/** Host host names as agents report them. */
export const hostNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, "host names may contain only letters, digits and . _ -");

/** Whether a host may receive deployments: pending hosts wait for an admin; rejected hosts are deregistered. */
export const hostApprovals = ["approved", "pending", "rejected"] as const;
export type HostApproval = (typeof hostApprovals)[number];

export const hostStatuses = ["Online", "Offline", "Deregistered"] as const;
export type HostStatus = (typeof hostStatuses)[number];

import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Diagnostics } from "../contracts/deployment";
import { deploymentCreators, deploymentErrorCodes, deploymentStatuses, lifecycleEventStatuses, logStreams, targetStatuses } from "../contracts/deployment";
import type { AutoRollbackConfiguration, HostTag, TagSet } from "../contracts/resources";
import { bundleTypes, fileExistsBehaviors, hostApprovals, minimumHealthyHostsTypes, roles } from "../contracts/resources";
import type { AppSpec } from "../contracts/appspec";
import type { HostFacts } from "../contracts/agent-protocol";
import type { TriggerEventType } from "../contracts/webhooks";
import { triggerEventTypes, webhookDeliveryStatuses, webhookFormats } from "../contracts/webhooks";

// All times are epoch milliseconds.
const now = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name"),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: roles }).notNull(),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** sha256 of the cookie secret; the secret itself is never stored. */
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull().default(now),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** sha256 of the secret. */
    tokenHash: text("token_hash").notNull().unique(),
    /** First characters of the token, shown so users can tell tokens apart. */
    prefix: text("prefix").notNull(),
    /** Role the token acts with; never above its user's. */
    role: text("role", { enum: roles }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull().default(now),
    userId: text("user_id"),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    ip: text("ip"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  // Newest first is (at, id): each index ends in `at` (and the implicit rowid, which is id) so every filter
  // the audit page offers reads its page straight from one index, time range included.
  (t) => [
    index("audit_at_idx").on(t.at),
    index("audit_actor_idx").on(t.actor, t.at),
    index("audit_user_idx").on(t.userId, t.at),
    index("audit_action_idx").on(t.action, t.at),
    index("audit_resource_type_idx").on(t.resourceType, t.at),
    index("audit_resource_idx").on(t.resourceType, t.resourceId, t.at),
  ],
);

export const applications = sqliteTable("applications", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  computePlatform: text("compute_platform", { enum: ["Server"] })
    .notNull()
    .default("Server"),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

export const deploymentConfigs = sqliteTable("deployment_configs", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  minimumHealthyHostsType: text("min_healthy_type", { enum: [...minimumHealthyHostsTypes, "MOST_CONCURRENCY"] }).notNull(),
  minimumHealthyHostsValue: integer("min_healthy_value").notNull(),
  predefined: integer("predefined", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
});

export const deploymentGroups = sqliteTable(
  "deployment_groups",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id")
      .notNull()
      .references(() => applications.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    deploymentConfigName: text("deployment_config_name").notNull().default("CodeDeployDefault.OneAtATime"),
    tagSet: text("tag_set", { mode: "json" }).$type<TagSet>().notNull(),
    autoRollback: text("auto_rollback", { mode: "json" }).$type<AutoRollbackConfiguration>().notNull(),
    /** Default file-exists behaviour for deployments to this group. */
    fileExistsBehavior: text("file_exists_behavior", { enum: fileExistsBehaviors }).notNull().default("DISALLOW"),
    lastSuccessfulDeploymentId: text("last_successful_deployment_id"),
    lastAttemptedDeploymentId: text("last_attempted_deployment_id"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("deployment_groups_app_name_idx").on(t.applicationId, t.name), index("deployment_groups_name_idx").on(t.name)],
);

export const revisions = sqliteTable(
  "revisions",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id")
      .notNull()
      .references(() => applications.id, { onDelete: "cascade" }),
    sha256: text("sha256").notNull(),
    bundleType: text("bundle_type", { enum: bundleTypes }).notNull(),
    size: integer("size").notNull(),
    description: text("description"),
    /** The validated appspec, as parsed at upload. */
    appSpec: text("app_spec", { mode: "json" }).$type<AppSpec>().notNull(),
    /** Directory inside the archive that is the bundle root: "" or, by the leading-directory rule, e.g. "myapp/". */
    bundleRoot: text("bundle_root").notNull().default(""),
    /** Path of the appspec within the archive, e.g. appspec.yml or myapp/appspec.yml. */
    appSpecPath: text("app_spec_path").notNull().default("appspec.yml"),
    uploadedBy: text("uploaded_by"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("revisions_app_sha_idx").on(t.applicationId, t.sha256), index("revisions_sha_idx").on(t.sha256)],
);

export const hosts = sqliteTable("hosts", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  tags: text("tags", { mode: "json" }).$type<HostTag[]>().notNull(),
  /** sha256 of the host credential secret. */
  credentialHash: text("credential_hash").notNull(),
  facts: text("facts", { mode: "json" }).$type<HostFacts>(),
  online: integer("online", { mode: "boolean" }).notNull().default(false),
  enrolledAt: integer("enrolled_at").notNull().default(now),
  lastSeenAt: integer("last_seen_at"),
  deregisteredAt: integer("deregistered_at"),
  /** Highest agent log seq stored for this host. */
  lastLogSeq: integer("last_log_seq").notNull().default(0),
  /** Times in a row a new agent connection replaced a live one, each within minutes of the last (engine/connection-churn.ts). */
  connectionReplacements: integer("connection_replacements").notNull().default(0),
  /** Epoch ms of the last replacement, or null. */
  connectionReplacedAt: integer("connection_replaced_at"),
  enrollmentTokenId: text("enrollment_token_id"),
  /** Only approved hosts are selected as deployment targets or counted as matching. */
  approval: text("approval", { enum: hostApprovals }).notNull().default("approved"),
});

export const enrollmentTokens = sqliteTable("enrollment_tokens", {
  id: text("id").primaryKey(),
  name: text("name"),
  tokenHash: text("token_hash").notNull().unique(),
  prefix: text("prefix").notNull(),
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull().default(now),
  expiresAt: integer("expires_at"),
  /** null means unlimited. */
  maxUses: integer("max_uses"),
  uses: integer("uses").notNull().default(0),
  /** Tags given to hosts that enroll with this token; an agent cannot change them. */
  tags: text("tags", { mode: "json" }).$type<HostTag[]>(),
  /** Whether an enrolling agent may add tags with keys of its own. */
  allowHostTags: integer("allow_host_tags", { mode: "boolean" }).notNull().default(true),
  /** Hosts enrolled with this token wait for an admin's approval before any deployment. */
  requireApproval: integer("require_approval", { mode: "boolean" }).notNull().default(false),
  revokedAt: integer("revoked_at"),
});

export const deployments = sqliteTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id")
      .notNull()
      .references(() => applications.id),
    deploymentGroupId: text("deployment_group_id")
      .notNull()
      .references(() => deploymentGroups.id),
    revisionId: text("revision_id")
      .notNull()
      .references(() => revisions.id),
    status: text("status", { enum: deploymentStatuses }).notNull(),
    creator: text("creator", { enum: deploymentCreators }).notNull().default("user"),
    createdBy: text("created_by"),
    description: text("description"),
    deploymentConfigName: text("deployment_config_name").notNull(),
    /** The config's minimum healthy hosts, copied at creation so the rules cannot change mid-deployment. */
    minimumHealthyHostsType: text("min_healthy_type", { enum: [...minimumHealthyHostsTypes, "MOST_CONCURRENCY"] })
      .notNull()
      .default("MOST_CONCURRENCY"),
    minimumHealthyHostsValue: integer("min_healthy_value").notNull().default(1),
    fileExistsBehavior: text("file_exists_behavior", { enum: fileExistsBehaviors }).notNull(),
    ignoreApplicationStopFailures: integer("ignore_app_stop_failures", { mode: "boolean" }).notNull().default(false),
    autoRollback: text("auto_rollback", { mode: "json" }).$type<AutoRollbackConfiguration>().notNull(),
    startAt: integer("start_at"),
    /** Set when a scheduled start was missed while the server was down. */
    startNote: text("start_note"),
    createdAt: integer("created_at").notNull().default(now),
    startedAt: integer("started_at"),
    completedAt: integer("completed_at"),
    errorCode: text("error_code", { enum: deploymentErrorCodes }),
    errorMessage: text("error_message"),
    stopRequestedAt: integer("stop_requested_at"),
    /** Rollback requested with the stop (overrides the group setting). */
    stopAutoRollback: integer("stop_auto_rollback", { mode: "boolean" }),
    rollbackDeploymentId: text("rollback_deployment_id"),
    rollbackTriggeringDeploymentId: text("rollback_triggering_deployment_id"),
    rollbackMessage: text("rollback_message"),
  },
  // The list's order is (created_at, id), newest first; each filter has an index that ends in that order.
  (t) => [
    index("deployments_created_idx").on(t.createdAt, t.id),
    index("deployments_group_idx").on(t.deploymentGroupId, t.createdAt, t.id),
    index("deployments_app_idx").on(t.applicationId, t.createdAt, t.id),
    index("deployments_status_idx").on(t.status, t.createdAt, t.id),
    index("deployments_group_status_idx").on(t.deploymentGroupId, t.status, t.createdAt, t.id),
    index("deployments_app_status_idx").on(t.applicationId, t.status, t.createdAt, t.id),
  ],
);

export const deploymentTargets = sqliteTable(
  "deployment_targets",
  {
    id: text("id").primaryKey(),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    hostId: text("host_id")
      .notNull()
      .references(() => hosts.id),
    hostName: text("host_name").notNull(),
    /** Scheduling order within the deployment. */
    position: integer("position").notNull(),
    status: text("status", { enum: targetStatuses }).notNull().default("Pending"),
    startedAt: integer("started_at"),
    completedAt: integer("completed_at"),
    lastUpdatedAt: integer("last_updated_at").notNull().default(now),
  },
  (t) => [index("targets_deployment_idx").on(t.deploymentId, t.position), index("targets_host_idx").on(t.hostId, t.status)],
);

/**
 * How each host's newest finished target in a group ended, kept as deployments finish, so starting a
 * deployment reads one row per host instead of the group's whole history.
 */
export const hostGroupResults = sqliteTable(
  "host_group_results",
  {
    deploymentGroupId: text("deployment_group_id")
      .notNull()
      .references(() => deploymentGroups.id, { onDelete: "cascade" }),
    hostId: text("host_id")
      .notNull()
      .references(() => hosts.id, { onDelete: "cascade" }),
    deploymentId: text("deployment_id").notNull(),
    revisionId: text("revision_id").notNull(),
    status: text("status", { enum: targetStatuses }).notNull(),
    /** The target's completion time, 0 when it never recorded one. */
    completedAt: integer("completed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deploymentGroupId, t.hostId] })],
);

export const lifecycleEvents = sqliteTable(
  "lifecycle_events",
  {
    id: text("id").primaryKey(),
    targetId: text("target_id")
      .notNull()
      .references(() => deploymentTargets.id, { onDelete: "cascade" }),
    deploymentId: text("deployment_id").notNull(),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    status: text("status", { enum: lifecycleEventStatuses }).notNull().default("Pending"),
    /** Command id sent to the agent for this event; null until dispatched. */
    commandId: text("command_id").unique(),
    dispatchedAt: integer("dispatched_at"),
    acceptedAt: integer("accepted_at"),
    startedAt: integer("started_at"),
    completedAt: integer("completed_at"),
    diagnostics: text("diagnostics", { mode: "json" }).$type<Diagnostics>(),
    /** Which deployment's scripts ran (ApplicationStop runs the last installed revision's). */
    scriptDeploymentId: text("script_deployment_id"),
    scriptRevisionId: text("script_revision_id"),
    /** Highest host log seq for this command, reported with the result. */
    lastLogSeq: integer("last_log_seq"),
  },
  (t) => [index("events_target_idx").on(t.targetId, t.position), index("events_deployment_idx").on(t.deploymentId)],
);

export const logLines = sqliteTable(
  "log_lines",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deploymentId: text("deployment_id").notNull(),
    targetId: text("target_id").notNull(),
    eventName: text("event_name").notNull(),
    hostId: text("host_id").notNull(),
    /** The agent's per-host seq. */
    hostSeq: integer("host_seq").notNull(),
    at: integer("at").notNull(),
    stream: text("stream", { enum: logStreams }).notNull(),
    text: text("text").notNull(),
  },
  (t) => [index("log_target_idx").on(t.targetId, t.id), index("log_deployment_idx").on(t.deploymentId, t.id)],
);

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
});

export const webhookTargets = sqliteTable(
  "webhook_targets",
  {
    id: text("id").primaryKey(),
    deploymentGroupId: text("deployment_group_id")
      .notNull()
      .references(() => deploymentGroups.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    url: text("url").notNull(),
    /** HMAC signing key; kept in clear because every delivery is signed with it. Never returned after creation. */
    secret: text("secret").notNull(),
    events: text("events", { mode: "json" }).$type<TriggerEventType[]>().notNull(),
    format: text("format", { enum: webhookFormats }).notNull().default("json"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("webhook_targets_group_name_idx").on(t.deploymentGroupId, t.name)],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhookTargets.id, { onDelete: "cascade" }),
    eventType: text("event_type", { enum: triggerEventTypes }).notNull(),
    deploymentId: text("deployment_id").notNull(),
    /** Deployment target, for instance events. */
    targetId: text("target_id"),
    /** The exact body sent on every attempt (rendered when the event happened). */
    body: text("body").notNull(),
    status: text("status", { enum: webhookDeliveryStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    responseCode: integer("response_code"),
    lastError: text("last_error"),
    /** When the delivery loop may try next; null once finished. */
    nextAttemptAt: integer("next_attempt_at"),
    createdAt: integer("created_at").notNull().default(now),
    lastAttemptAt: integer("last_attempt_at"),
    completedAt: integer("completed_at"),
  },
  (t) => [index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt), index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt)],
);

/** Delivery insertion order (SQLite's rowid): pages and the delivery queue order by it. A PostgreSQL adapter gives the table an identity column. */
export const webhookDeliverySeq = sql<number>`webhook_deliveries.rowid`;

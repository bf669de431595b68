import { asc, eq, sql } from "drizzle-orm";
import type { DeploymentOverview, DeploymentStatus, LifecycleEventStatus, TargetStatus } from "../contracts/deployment";
import type { TriggerEventType, WebhookFormat } from "../contracts/webhooks";
import type { Db } from "../storage/database";
import { applications, deploymentGroups, deploymentTargets, deployments, lifecycleEvents } from "../storage/schema";

/** The JSON body of a "json" webhook: CodeDeploy's trigger message keys, times as epoch ms. */
export type NotificationPayload = {
  /** Always "landline" (CodeDeploy's AWS region). */
  region: string;
  /** Always "landline" (CodeDeploy's AWS account id). */
  accountId: string;
  /** The webhook's name (CodeDeploy's trigger name). */
  eventTriggerName: string;
  eventType: TriggerEventType;
  /** Epoch ms when the event happened. */
  occurredAt: number;
  applicationName: string;
  deploymentGroupName: string;
  deploymentId: string;
  status: DeploymentStatus;
  createTime: number;
  completeTime: number | null;
  deploymentOverview: DeploymentOverview;
  errorInformation: { ErrorCode: string; ErrorMessage: string } | null;
  revisionId: string;
  description: string | null;
  creator: string;
  rollbackInfo: { rollbackDeploymentId: string | null; rollbackTriggeringDeploymentId: string | null; rollbackMessage: string | null } | null;
  deploymentUrl: string;
  /** Instance events only: the host id. */
  instanceId?: string;
  hostName?: string;
  targetId?: string;
  instanceStatus?: TargetStatus;
  lastUpdatedAt?: number;
  lifecycleEvents?: {
    LifecycleEvent: string;
    LifecycleEventStatus: LifecycleEventStatus;
    StartTime: number | null;
    EndTime: number | null;
    ErrorCode: string | null;
    ScriptName: string | null;
    Message: string | null;
  }[];
};

/** Everything a notification needs about a deployment (and target), read once per event. */
export type NotificationFacts = Omit<NotificationPayload, "eventTriggerName"> & { deploymentGroupId: string };

function overviewOf(db: Db, deploymentId: string): DeploymentOverview {
  const rows = db
    .select({ status: deploymentTargets.status, n: sql<number>`count(*)` })
    .from(deploymentTargets)
    .where(eq(deploymentTargets.deploymentId, deploymentId))
    .groupBy(deploymentTargets.status)
    .all();
  const overview: DeploymentOverview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0 };
  // As in the engine's computeOverview: CodeDeploy has no Unknown counter, so Unknown counts as Failed.
  for (const r of rows) overview[r.status === "Unknown" ? "Failed" : r.status] += r.n;
  return overview;
}

/** Reads the facts of a deployment (and one target for instance events); null when the deployment is gone. */
export function readNotificationFacts(
  db: Db,
  publicUrl: string,
  event: { type: TriggerEventType; deploymentId: string; targetId?: string },
  occurredAt: number,
): NotificationFacts | null {
  const d = db
    .select({
      deployment: deployments,
      applicationName: applications.name,
      deploymentGroupName: deploymentGroups.name,
    })
    .from(deployments)
    .innerJoin(applications, eq(applications.id, deployments.applicationId))
    .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
    .where(eq(deployments.id, event.deploymentId))
    .get();
  if (!d) return null;
  const dep = d.deployment;
  const facts: NotificationFacts = {
    region: "landline",
    accountId: "landline",
    eventType: event.type,
    occurredAt,
    applicationName: d.applicationName,
    deploymentGroupName: d.deploymentGroupName,
    deploymentGroupId: dep.deploymentGroupId,
    deploymentId: dep.id,
    status: dep.status,
    createTime: dep.createdAt,
    completeTime: dep.completedAt,
    deploymentOverview: overviewOf(db, dep.id),
    errorInformation: dep.errorCode ? { ErrorCode: dep.errorCode, ErrorMessage: dep.errorMessage ?? "" } : null,
    revisionId: dep.revisionId,
    description: dep.description,
    creator: dep.creator,
    rollbackInfo:
      dep.rollbackDeploymentId || dep.rollbackTriggeringDeploymentId
        ? {
            rollbackDeploymentId: dep.rollbackDeploymentId,
            rollbackTriggeringDeploymentId: dep.rollbackTriggeringDeploymentId,
            rollbackMessage: dep.rollbackMessage,
          }
        : null,
    deploymentUrl: `${publicUrl}/deployments/${dep.id}`,
  };
  if (event.targetId) {
    const target = db.select().from(deploymentTargets).where(eq(deploymentTargets.id, event.targetId)).get();
    if (target) {
      const events = db.select().from(lifecycleEvents).where(eq(lifecycleEvents.targetId, target.id)).orderBy(asc(lifecycleEvents.position)).all();
      Object.assign(facts, {
        instanceId: target.hostId,
        hostName: target.hostName,
        targetId: target.id,
        instanceStatus: target.status,
        lastUpdatedAt: target.lastUpdatedAt,
        lifecycleEvents: events.map((e) => ({
          LifecycleEvent: e.name,
          LifecycleEventStatus: e.status,
          StartTime: e.startedAt,
          EndTime: e.completedAt,
          ErrorCode: e.diagnostics && e.diagnostics.errorCode !== "Success" ? e.diagnostics.errorCode : null,
          ScriptName: e.diagnostics?.scriptName ?? null,
          Message: e.diagnostics && e.diagnostics.errorCode !== "Success" ? e.diagnostics.message : null,
        })),
      });
    }
  }
  return facts;
}

const headlines: Record<TriggerEventType, string> = {
  DeploymentStart: "started",
  DeploymentSuccess: "succeeded",
  DeploymentFailure: "failed",
  DeploymentStop: "was stopped",
  DeploymentRollback: "is being rolled back",
  InstanceStart: "started on",
  InstanceSuccess: "succeeded on",
  InstanceFailure: "failed on",
};

/** Slack mrkdwn needs &, < and > escaped in anything user-supplied. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function renderSlack(p: NotificationPayload): { text: string; blocks: unknown[] } {
  const where = `${p.applicationName} / ${p.deploymentGroupName}`;
  const isInstance = p.hostName !== undefined;
  const headline = `Deployment ${p.deploymentId} (${where}) ${headlines[p.eventType]}${isInstance ? ` host ${p.hostName}` : ""}`;
  const o = p.deploymentOverview;
  const lines = [
    `*<${p.deploymentUrl}|Deployment ${p.deploymentId}>* ${escapeSlack(where)} ${headlines[p.eventType]}${isInstance ? ` host *${escapeSlack(p.hostName!)}*` : ""}`,
    `Status: *${p.status}*${isInstance ? ` (host: *${p.instanceStatus}*)` : ""}  Hosts: ${o.Succeeded} succeeded, ${o.Failed} failed, ${o.InProgress} in progress, ${o.Pending} pending, ${o.Skipped} skipped`,
  ];
  if (p.errorInformation) lines.push(`Error: ${p.errorInformation.ErrorCode}: ${escapeSlack(p.errorInformation.ErrorMessage)}`);
  const failedEvent = p.lifecycleEvents?.find((e) => e.LifecycleEventStatus === "Failed");
  if (failedEvent) {
    lines.push(
      `${failedEvent.LifecycleEvent} failed${failedEvent.ErrorCode ? ` (${failedEvent.ErrorCode})` : ""}${failedEvent.Message ? `: ${escapeSlack(failedEvent.Message.slice(0, 500))}` : ""}`,
    );
  }
  if (p.rollbackInfo?.rollbackDeploymentId) lines.push(`Rollback deployment: ${p.rollbackInfo.rollbackDeploymentId}`);
  return {
    text: headline,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: lines.join("\n") } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `Revision ${p.revisionId}${p.description ? ` - ${escapeSlack(p.description.slice(0, 200))}` : ""}` }],
      },
    ],
  };
}

/** The request body for one webhook: the CodeDeploy-style JSON, or a Slack {text, blocks} message. */
export function renderNotificationBody(facts: NotificationFacts, webhook: { name: string; format: WebhookFormat }): string {
  const { deploymentGroupId: _omit, ...rest } = facts;
  const payload: NotificationPayload = { ...rest, eventTriggerName: webhook.name };
  return JSON.stringify(webhook.format === "slack" ? renderSlack(payload) : payload);
}

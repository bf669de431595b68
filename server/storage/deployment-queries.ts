import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type {
  DeploymentInfo,
  DeploymentLogLine,
  DeploymentLogsInput,
  DeploymentOverview,
  DeploymentSummary,
  DeploymentTargetDetail,
  DeploymentTargetInfo,
  LifecycleErrorCode,
  LifecycleEventName,
  ListDeploymentsInput,
} from "../contracts/deployment";
import { finishedDeploymentStatuses } from "../contracts/deployment";
import { DomainError } from "../domain-errors";
import { computeOverview } from "../engine/deployment-state";
import type { Db } from "./database";
import { applications, deploymentGroups, deploymentTargets, deployments, hosts, lifecycleEvents, logLines, revisions, users } from "./schema";

const notFoundDeployment = (id: string) =>
  new DomainError("NOT_FOUND", `Deployment ${id} does not exist`, { field: "deploymentId", exception: "DeploymentDoesNotExistException" });

function overviewsOf(db: Db, deploymentIds: string[]): Map<string, DeploymentOverview> {
  const out = new Map<string, DeploymentOverview>();
  if (deploymentIds.length === 0) return out;
  const rows = db
    .select({ deploymentId: deploymentTargets.deploymentId, status: deploymentTargets.status, n: sql<number>`count(*)` })
    .from(deploymentTargets)
    .where(inArray(deploymentTargets.deploymentId, deploymentIds))
    .groupBy(deploymentTargets.deploymentId, deploymentTargets.status)
    .all();
  for (const id of deploymentIds) out.set(id, computeOverview([]));
  for (const r of rows) out.get(r.deploymentId)![r.status === "Unknown" ? "Failed" : r.status] += r.n;
  return out;
}

const summaryColumns = {
  deploymentId: deployments.id,
  applicationName: applications.name,
  deploymentGroupName: deploymentGroups.name,
  status: deployments.status,
  creator: deployments.creator,
  createTime: deployments.createdAt,
  startTime: deployments.startedAt,
  completeTime: deployments.completedAt,
  startAt: deployments.startAt,
  revisionId: deployments.revisionId,
  description: deployments.description,
  errorCode: deployments.errorCode,
  errorMessage: deployments.errorMessage,
};

export function getDeployment(db: Db, deploymentId: string): DeploymentInfo {
  const row = db
    .select({
      ...summaryColumns,
      deploymentConfigName: deployments.deploymentConfigName,
      createdBy: users.email,
      sha256: revisions.sha256,
      revisionDescription: revisions.description,
      rollbackDeploymentId: deployments.rollbackDeploymentId,
      rollbackTriggeringDeploymentId: deployments.rollbackTriggeringDeploymentId,
      rollbackMessage: deployments.rollbackMessage,
      startNote: deployments.startNote,
      fileExistsBehavior: deployments.fileExistsBehavior,
      ignoreApplicationStopFailures: deployments.ignoreApplicationStopFailures,
      autoRollback: deployments.autoRollback,
      stopRequestedAt: deployments.stopRequestedAt,
    })
    .from(deployments)
    .innerJoin(applications, eq(applications.id, deployments.applicationId))
    .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
    .innerJoin(revisions, eq(revisions.id, deployments.revisionId))
    .leftJoin(users, eq(users.id, deployments.createdBy))
    .where(eq(deployments.id, deploymentId))
    .get();
  if (!row) throw notFoundDeployment(deploymentId);
  const { errorCode, errorMessage, sha256, revisionDescription, rollbackDeploymentId, rollbackTriggeringDeploymentId, rollbackMessage, revisionId, ...rest } = row;
  return {
    ...rest,
    revision: { revisionId, sha256, description: revisionDescription },
    errorInformation: errorCode ? { code: errorCode, message: errorMessage ?? "" } : null,
    rollbackInfo:
      rollbackDeploymentId || rollbackTriggeringDeploymentId || rollbackMessage ? { rollbackDeploymentId, rollbackTriggeringDeploymentId, rollbackMessage } : null,
    deploymentOverview: overviewsOf(db, [deploymentId]).get(deploymentId)!,
  };
}

/** Newest first. The cursor is "<createTime>:<deploymentId>" of the last row of the previous page. */
export function listDeployments(db: Db, input: ListDeploymentsInput): { items: DeploymentSummary[]; nextCursor: string | null } {
  const conditions: (SQL | undefined)[] = [];
  if (input.applicationName) conditions.push(eq(applications.name, input.applicationName));
  if (input.deploymentGroupName) conditions.push(eq(deploymentGroups.name, input.deploymentGroupName));
  if (input.status) conditions.push(inArray(deployments.status, Array.isArray(input.status) ? input.status : [input.status]));
  if (input.cursor) {
    const m = /^(\d+):(.+)$/.exec(input.cursor);
    if (!m) throw new DomainError("INVALID", "cursor is not one this API returned", { field: "cursor" });
    const at = Number(m[1]);
    conditions.push(or(lt(deployments.createdAt, at), and(eq(deployments.createdAt, at), lt(deployments.id, m[2]))));
  }
  const rows = db
    .select(summaryColumns)
    .from(deployments)
    .innerJoin(applications, eq(applications.id, deployments.applicationId))
    .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
    .where(and(...conditions))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(input.limit + 1)
    .all();
  const page = rows.slice(0, input.limit);
  const overviews = overviewsOf(
    db,
    page.map((r) => r.deploymentId),
  );
  const items = page.map(({ errorCode, errorMessage, ...r }) => ({
    ...r,
    errorInformation: errorCode ? { code: errorCode, message: errorMessage ?? "" } : null,
    deploymentOverview: overviews.get(r.deploymentId)!,
  }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > input.limit && last ? `${last.createTime}:${last.deploymentId}` : null };
}

function requireDeploymentExists(db: Db, deploymentId: string): { status: string } {
  const row = db.select({ status: deployments.status }).from(deployments).where(eq(deployments.id, deploymentId)).get();
  if (!row) throw notFoundDeployment(deploymentId);
  return row;
}

function describeTargets(db: Db, where: SQL): (DeploymentTargetInfo & { deploymentId: string })[] {
  const targets = db
    .select({
      targetId: deploymentTargets.id,
      deploymentId: deploymentTargets.deploymentId,
      hostId: deploymentTargets.hostId,
      hostName: deploymentTargets.hostName,
      position: deploymentTargets.position,
      status: deploymentTargets.status,
      online: hosts.online,
      startTime: deploymentTargets.startedAt,
      endTime: deploymentTargets.completedAt,
      lastUpdatedAt: deploymentTargets.lastUpdatedAt,
    })
    .from(deploymentTargets)
    .innerJoin(hosts, eq(hosts.id, deploymentTargets.hostId))
    .where(where)
    .orderBy(asc(deploymentTargets.position))
    .all();
  if (targets.length === 0) return [];
  const notable = db
    .select({ targetId: lifecycleEvents.targetId, name: lifecycleEvents.name, status: lifecycleEvents.status, diagnostics: lifecycleEvents.diagnostics })
    .from(lifecycleEvents)
    .where(and(inArray(lifecycleEvents.targetId, targets.map((t) => t.targetId)), inArray(lifecycleEvents.status, ["InProgress", "Failed", "Unknown"])))
    .orderBy(asc(lifecycleEvents.position))
    .all();
  const current = new Map<string, LifecycleEventName>();
  const failed = new Map<string, { name: LifecycleEventName; errorCode: LifecycleErrorCode | null }>();
  for (const e of notable) {
    const name = e.name as LifecycleEventName;
    if (e.status === "InProgress") current.set(e.targetId, name);
    else failed.set(e.targetId, { name, errorCode: e.diagnostics?.errorCode ?? null });
  }
  return targets.map((t) => {
    const f = failed.get(t.targetId);
    return { ...t, currentEvent: current.get(t.targetId) ?? null, failedEvent: f?.name ?? null, failedErrorCode: f?.errorCode ?? null };
  });
}

/** Every target of a deployment in scheduling order (two queries, whatever the size). */
export function listDeploymentTargets(db: Db, deploymentId: string): DeploymentTargetInfo[] {
  requireDeploymentExists(db, deploymentId);
  return describeTargets(db, eq(deploymentTargets.deploymentId, deploymentId)).map(({ deploymentId: _d, ...t }) => t);
}

export function getDeploymentTarget(db: Db, targetId: string): DeploymentTargetDetail {
  const [target] = describeTargets(db, eq(deploymentTargets.id, targetId));
  if (!target) throw new DomainError("NOT_FOUND", `Deployment target ${targetId} does not exist`, { field: "targetId" });
  const events = db.select().from(lifecycleEvents).where(eq(lifecycleEvents.targetId, targetId)).orderBy(asc(lifecycleEvents.position)).all();
  return {
    ...target,
    lifecycleEvents: events.map((e) => ({
      lifecycleEventName: e.name as LifecycleEventName,
      status: e.status,
      startTime: e.startedAt,
      endTime: e.completedAt,
      duration: e.startedAt !== null && e.completedAt !== null ? Math.max(e.completedAt - e.startedAt, 0) : null,
      diagnostics: e.diagnostics ?? null,
      scriptDeploymentId: e.scriptDeploymentId,
      scriptRevisionId: e.scriptRevisionId,
    })),
  };
}

/**
 * Stored log lines after `afterSeq`, oldest first. `complete` is true once the deployment has finished and
 * every line its agents reported for it is stored and returned.
 */
export function readDeploymentLogs(db: Db, input: DeploymentLogsInput): { lines: DeploymentLogLine[]; nextSeq: number; complete: boolean } {
  const { status } = requireDeploymentExists(db, input.deploymentId);
  const conditions: SQL[] = [eq(logLines.deploymentId, input.deploymentId), gt(logLines.id, input.afterSeq)];
  if (input.targetId) conditions.push(eq(logLines.targetId, input.targetId));
  if (input.eventName) conditions.push(eq(logLines.eventName, input.eventName));
  if (input.untilVerdict) {
    conditions.push(
      sql`NOT EXISTS (SELECT 1 FROM ${lifecycleEvents} WHERE ${lifecycleEvents.targetId} = ${logLines.targetId} AND ${lifecycleEvents.name} = ${logLines.eventName}
        AND ${lifecycleEvents.status} NOT IN ('Pending', 'InProgress') AND ${lifecycleEvents.lastLogSeq} IS NOT NULL AND ${logLines.hostSeq} > ${lifecycleEvents.lastLogSeq})`,
    );
  }
  const rows = db
    .select({ seq: logLines.id, targetId: logLines.targetId, eventName: logLines.eventName, at: logLines.at, stream: logLines.stream, text: logLines.text })
    .from(logLines)
    .where(and(...conditions))
    .orderBy(asc(logLines.id))
    .limit(input.limit + 1)
    .all();
  const page = rows.slice(0, input.limit);
  const names = new Map(
    db
      .select({ id: deploymentTargets.id, hostName: deploymentTargets.hostName })
      .from(deploymentTargets)
      .where(eq(deploymentTargets.deploymentId, input.deploymentId))
      .all()
      .map((t) => [t.id, t.hostName]),
  );
  const lines = page.map((r) => ({ ...r, hostName: names.get(r.targetId) ?? "" }));
  const nextSeq = page.length > 0 ? page[page.length - 1].seq : input.afterSeq;
  let complete = rows.length <= input.limit && (finishedDeploymentStatuses as readonly string[]).includes(status);
  if (complete) {
    // Every finished command reported its last log seq; the host must have stored up to it.
    const missing = db
      .select({ n: sql<number>`count(*)` })
      .from(lifecycleEvents)
      .innerJoin(deploymentTargets, eq(deploymentTargets.id, lifecycleEvents.targetId))
      .innerJoin(hosts, eq(hosts.id, deploymentTargets.hostId))
      .where(
        and(
          eq(lifecycleEvents.deploymentId, input.deploymentId),
          input.targetId ? eq(lifecycleEvents.targetId, input.targetId) : undefined,
          input.eventName ? eq(lifecycleEvents.name, input.eventName) : undefined,
          gt(lifecycleEvents.lastLogSeq, hosts.lastLogSeq),
        ),
      )
      .get();
    complete = (missing?.n ?? 0) === 0;
  }
  return { lines, nextSeq, complete };
}

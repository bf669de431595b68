import { and, asc, desc, eq, gt, inArray, lte, sql, type SQL } from "drizzle-orm";
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
import { finishedDeploymentStatuses, LOG_TAIL_CHARS } from "../contracts/deployment";
import { DomainError } from "../domain-errors";
import { computeOverview } from "../engine/deployment-state";
import type { Db } from "./database";
import { applications, deploymentGroups, deploymentTargets, deployments, hosts, lifecycleEvents, logLines, revisions, users } from "./schema";

/** At most this many lines make a log tail, however short they are. */
const LOG_TAIL_LINES = 400;

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
  const { errorCode, errorMessage, sha256, revisionDescription, rollbackDeploymentId, rollbackTriggeringDeploymentId, rollbackMessage, revisionId, ...rest } =
    row;
  return {
    ...rest,
    revision: { revisionId, sha256, description: revisionDescription },
    errorInformation: errorCode ? { code: errorCode, message: errorMessage ?? "" } : null,
    rollbackInfo:
      rollbackDeploymentId || rollbackTriggeringDeploymentId || rollbackMessage
        ? { rollbackDeploymentId, rollbackTriggeringDeploymentId, rollbackMessage }
        : null,
    deploymentOverview: overviewsOf(db, [deploymentId]).get(deploymentId)!,
  };
}

type DeploymentFilter = { applicationId?: string; deploymentGroupId?: string; status?: DeploymentSummary["status"] };

/**
 * The filters as equality sets an index can serve: a group name names a group in each application and the
 * status may be a list, so one filter becomes several, each read in index order and merged.
 */
function expandFilters(db: Db, input: ListDeploymentsInput): DeploymentFilter[] {
  let applicationIds: (string | undefined)[] = [undefined];
  if (input.applicationName) {
    const app = db.select({ id: applications.id }).from(applications).where(eq(applications.name, input.applicationName)).get();
    if (!app) return [];
    applicationIds = [app.id];
  }
  let scopes: DeploymentFilter[] = applicationIds.map((applicationId) => (applicationId ? { applicationId } : {}));
  if (input.deploymentGroupName) {
    const groups = db
      .select({ id: deploymentGroups.id })
      .from(deploymentGroups)
      .where(and(eq(deploymentGroups.name, input.deploymentGroupName), applicationIds[0] ? eq(deploymentGroups.applicationId, applicationIds[0]) : undefined))
      .all();
    scopes = groups.map((g) => ({ deploymentGroupId: g.id }));
  }
  if (!input.status) return scopes;
  const statuses = [...new Set(Array.isArray(input.status) ? input.status : [input.status])];
  return scopes.flatMap((scope) => statuses.map((status) => ({ ...scope, status })));
}

/** Newest first, by (createTime, deploymentId). The cursor is "<createTime>:<deploymentId>" of the last row of the previous page. */
export function listDeployments(db: Db, input: ListDeploymentsInput): { items: DeploymentSummary[]; nextCursor: string | null } {
  let after: SQL | undefined;
  if (input.cursor) {
    const m = /^(\d+):(.+)$/.exec(input.cursor);
    if (!m) throw new DomainError("INVALID", "cursor is not one this API returned", { field: "cursor" });
    after = sql`(${deployments.createdAt}, ${deployments.id}) < (${Number(m[1])}, ${m[2]})`;
  }
  const pages = expandFilters(db, input).map((f) =>
    db
      .select(summaryColumns)
      .from(deployments)
      .innerJoin(applications, eq(applications.id, deployments.applicationId))
      .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
      .where(
        and(
          f.applicationId ? eq(deployments.applicationId, f.applicationId) : undefined,
          f.deploymentGroupId ? eq(deployments.deploymentGroupId, f.deploymentGroupId) : undefined,
          f.status ? eq(deployments.status, f.status) : undefined,
          after,
        ),
      )
      .orderBy(desc(deployments.createdAt), desc(deployments.id))
      .limit(input.limit + 1)
      .all(),
  );
  const rows =
    pages.length === 1
      ? pages[0]
      : pages.flat().sort((a, b) => b.createTime - a.createTime || (a.deploymentId < b.deploymentId ? 1 : a.deploymentId > b.deploymentId ? -1 : 0));
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
    .where(
      and(
        inArray(
          lifecycleEvents.targetId,
          targets.map((t) => t.targetId),
        ),
        inArray(lifecycleEvents.status, ["InProgress", "Failed", "Unknown"]),
      ),
    )
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

/** The newest LOG_TAIL_CHARS of an event's output, read backwards through log_target_idx. */
/** The tail shown with a verdict ends at the last line stored when the verdict was reached (`untilSeq`). */
function readLogTail(db: Db, targetId: string, eventName: string, untilSeq: number | null): string {
  const newest = db
    .select({ text: logLines.text })
    .from(logLines)
    .where(and(eq(logLines.targetId, targetId), eq(logLines.eventName, eventName), untilSeq === null ? undefined : lte(logLines.hostSeq, untilSeq)))
    .orderBy(desc(logLines.id))
    .limit(LOG_TAIL_LINES)
    .all();
  const lines: string[] = [];
  let size = 0;
  for (const { text } of newest) {
    if (size >= LOG_TAIL_CHARS) break;
    lines.push(text);
    size += text.length + 1;
  }
  return lines.reverse().join("\n").slice(-LOG_TAIL_CHARS);
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
      diagnostics:
        e.diagnostics && !e.diagnostics.logTail ? { ...e.diagnostics, logTail: readLogTail(db, targetId, e.name, e.lastLogSeq) } : (e.diagnostics ?? null),
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

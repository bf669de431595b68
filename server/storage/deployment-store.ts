import { and, asc, eq, inArray, lt } from "drizzle-orm";
import { DomainError } from "../domain-errors";
import type { EngineLimits, EngineState, EngineTarget } from "../engine/deployment-state";
import { classifyTargetHealth, type PreviousTargetResult, type TargetHealthClass } from "../engine/target-order";
import type { CommandOwner, DeploymentStore, SavedChanges } from "../orchestrator/ports";
import { recordAudit } from "./audit-rows";
import { selectHostsForTagSet } from "./host-selection";
import { requireApplication, requireDeploymentConfig } from "./catalog-rows";
import type { Db } from "./database";
import { insertDeployment, newDeploymentId } from "./deployment-insert";
import { createRollbackRows } from "./rollback-rows";
import { applications, deploymentGroups, deploymentTargets, deployments, hosts, lifecycleEvents, revisions } from "./schema";

type OwnerRow = Omit<CommandOwner, "commandId" | "stopRequested" | "eventName"> & {
  commandId: string | null;
  stopRequestedAt: number | null;
  eventName: string;
};

const deploymentFields = ["status", "startedAt", "completedAt", "errorCode", "errorMessage", "stopRequestedAt", "stopAutoRollback"] as const;
const targetFields = ["status", "position", "startedAt", "completedAt", "lastUpdatedAt"] as const;
const eventFields = [
  "status",
  "commandId",
  "dispatchedAt",
  "acceptedAt",
  "startedAt",
  "completedAt",
  "diagnostics",
  "scriptDeploymentId",
  "scriptRevisionId",
  "lastLogSeq",
] as const;

function changed<T extends object>(a: T, b: T, fields: readonly (keyof T)[]): Partial<T> | null {
  const out: Partial<T> = {};
  let any = false;
  for (const f of fields) {
    const same = f === "diagnostics" ? JSON.stringify(a[f]) === JSON.stringify(b[f]) : a[f] === b[f];
    if (!same) {
      out[f] = b[f];
      any = true;
    }
  }
  return any ? out : null;
}

/** SQLite's spelling of a nullable boolean column. */
const sqlBoolean = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

export function createDeploymentStore(db: Db): DeploymentStore {
  // The orchestrator's hot path (every agent report) uses statements prepared once, not the query builder.
  const sqlite = db.$client;
  const updateDeployment = sqlite.prepare(
    `UPDATE deployments SET status = ?, started_at = ?, completed_at = ?, error_code = ?, error_message = ?, stop_requested_at = ?, stop_auto_rollback = ? WHERE id = ?`,
  );
  const updateTarget = sqlite.prepare(
    `UPDATE deployment_targets SET status = ?, position = ?, started_at = ?, completed_at = ?, last_updated_at = ? WHERE id = ?`,
  );
  const updateEvent = sqlite.prepare(
    `UPDATE lifecycle_events SET status = ?, command_id = ?, dispatched_at = ?, accepted_at = ?, started_at = ?, completed_at = ?, diagnostics = ?,
       script_deployment_id = ?, script_revision_id = ?, last_log_seq = ? WHERE id = ?`,
  );
  const selectHostStatus = sqlite.prepare<[string], { id: string; online: number; lastSeenAt: number | null; lastLogSeq: number }>(
    `SELECT DISTINCT h.id, h.online, h.last_seen_at AS lastSeenAt, h.last_log_seq AS lastLogSeq FROM deployment_targets t JOIN hosts h ON h.id = t.host_id WHERE t.deployment_id = ?`,
  );
  const ownerSelect = `SELECT e.command_id AS commandId, d.id AS deploymentId, d.status AS deploymentStatus, d.stop_requested_at AS stopRequestedAt,
       t.id AS targetId, t.host_id AS hostId, h.last_log_seq AS hostLogSeq, e.name AS eventName, e.status AS eventStatus
     FROM lifecycle_events e JOIN deployment_targets t ON t.id = e.target_id JOIN deployments d ON d.id = e.deployment_id JOIN hosts h ON h.id = t.host_id`;
  const selectCommandOwner = sqlite.prepare<[string], OwnerRow>(`${ownerSelect} WHERE e.command_id = ?`);
  const selectOpenCommands = sqlite.prepare<[string], OwnerRow>(`${ownerSelect} WHERE d.status = 'InProgress' AND t.host_id = ? AND e.status = 'InProgress'`);
  const selectUnacceptedCommands = sqlite.prepare<[], OwnerRow>(
    `${ownerSelect} WHERE d.status = 'InProgress' AND e.status = 'InProgress' AND e.accepted_at IS NULL`,
  );
  // One primary-key lookup per host of the deployment; a target's host appears once per deployment.
  const selectHostResults = sqlite.prepare<
    [{ deploymentId: string; groupId: string }],
    { hostId: string; status: PreviousTargetResult["status"]; revisionId: string }
  >(
    `SELECT r.host_id AS hostId, r.status, r.revision_id AS revisionId FROM deployment_targets t
       JOIN host_group_results r ON r.deployment_group_id = @groupId AND r.host_id = t.host_id
     WHERE t.deployment_id = @deploymentId AND r.deployment_id <> @deploymentId`,
  );
  const upsertHostResults = sqlite.prepare<[string]>(
    `INSERT INTO host_group_results (deployment_group_id, host_id, deployment_id, revision_id, status, completed_at)
     SELECT d.deployment_group_id, t.host_id, d.id, d.revision_id, t.status, coalesce(t.completed_at, 0)
       FROM deployment_targets t JOIN deployments d ON d.id = t.deployment_id
     WHERE t.deployment_id = ? AND t.status IN ('Succeeded', 'Failed', 'Unknown')
     ON CONFLICT (deployment_group_id, host_id) DO UPDATE SET
       deployment_id = excluded.deployment_id, revision_id = excluded.revision_id, status = excluded.status, completed_at = excluded.completed_at
     WHERE excluded.completed_at >= host_group_results.completed_at`,
  );
  const selectGroupOf = sqlite.prepare<[string], { g: string }>(`SELECT deployment_group_id AS g FROM deployments WHERE id = ?`);
  const toOwner = ({ stopRequestedAt, commandId, eventName, ...rest }: OwnerRow): CommandOwner => ({
    ...rest,
    commandId: commandId!,
    stopRequested: stopRequestedAt !== null,
    eventName: eventName as CommandOwner["eventName"],
  });

  const store: DeploymentStore = {
    transaction: (fn) => db.transaction(() => fn()),

    recordAudit: (who, entry, at) => recordAudit(db, who, entry, at),

    newDeploymentId,

    findDeployment(deploymentId) {
      const row = db
        .select({
          id: deployments.id,
          status: deployments.status,
          deploymentGroupId: deployments.deploymentGroupId,
          startAt: deployments.startAt,
          rollbackDeploymentId: deployments.rollbackDeploymentId,
        })
        .from(deployments)
        .where(eq(deployments.id, deploymentId))
        .get();
      return row ?? null;
    },

    resolveDeploymentSource(input) {
      const application = requireApplication(db, input.applicationName);
      const group = db
        .select()
        .from(deploymentGroups)
        .where(and(eq(deploymentGroups.applicationId, application.id), eq(deploymentGroups.name, input.deploymentGroupName)))
        .get();
      if (!group) {
        throw new DomainError("NOT_FOUND", `Deployment group ${input.deploymentGroupName} does not exist in application ${input.applicationName}`, {
          field: "deploymentGroupName",
          exception: "DeploymentGroupDoesNotExistException",
        });
      }
      const revision = db
        .select({ id: revisions.id })
        .from(revisions)
        .where(and(eq(revisions.id, input.revisionId), eq(revisions.applicationId, application.id)))
        .get();
      if (!revision) {
        throw new DomainError("NOT_FOUND", `Revision ${input.revisionId} does not exist in application ${input.applicationName}`, {
          field: "revisionId",
          exception: "RevisionDoesNotExistException",
        });
      }
      const config = requireDeploymentConfig(db, input.deploymentConfigName ?? group.deploymentConfigName);
      return {
        applicationId: application.id,
        deploymentGroupId: group.id,
        revisionId: revision.id,
        deploymentConfigName: config.name,
        minimumHealthyHosts: { type: config.minimumHealthyHostsType, value: config.minimumHealthyHostsValue },
        fileExistsBehavior: group.fileExistsBehavior,
        autoRollback: group.autoRollback,
        targets: selectHostsForTagSet(db, group.tagSet).map(({ hostId, hostName }) => ({ hostId, hostName })),
      };
    },

    insertDeployment: (deployment, targets) => insertDeployment(db, deployment, targets),

    moveSchedule(deploymentId, startAt) {
      db.update(deployments)
        .set({ startAt })
        .where(and(eq(deployments.id, deploymentId), eq(deployments.status, "Scheduled")))
        .run();
    },

    load(deploymentId: string, limits: EngineLimits): EngineState | null {
      const d = db.select().from(deployments).where(eq(deployments.id, deploymentId)).get();
      if (!d) return null;
      const targetRows = db
        .select()
        .from(deploymentTargets)
        .where(eq(deploymentTargets.deploymentId, deploymentId))
        .orderBy(asc(deploymentTargets.position))
        .all();
      const eventRows = db.select().from(lifecycleEvents).where(eq(lifecycleEvents.deploymentId, deploymentId)).orderBy(asc(lifecycleEvents.position)).all();
      const byTarget = new Map<string, EngineTarget["events"]>();
      for (const e of eventRows) {
        const list = byTarget.get(e.targetId) ?? [];
        list.push({ ...e, name: e.name as EngineTarget["events"][number]["name"] });
        byTarget.set(e.targetId, list);
      }
      const hostIds = [...new Set(targetRows.map((t) => t.hostId))];
      const hostRows = hostIds.length
        ? db
            .select({ id: hosts.id, online: hosts.online, lastSeenAt: hosts.lastSeenAt, lastLogSeq: hosts.lastLogSeq })
            .from(hosts)
            .where(inArray(hosts.id, hostIds))
            .all()
        : [];
      return {
        deployment: {
          id: d.id,
          status: d.status,
          creator: d.creator,
          minimumHealthyHosts: { type: d.minimumHealthyHostsType, value: d.minimumHealthyHostsValue },
          ignoreApplicationStopFailures: d.ignoreApplicationStopFailures,
          autoRollback: d.autoRollback,
          startAt: d.startAt,
          startedAt: d.startedAt,
          completedAt: d.completedAt,
          errorCode: d.errorCode,
          errorMessage: d.errorMessage,
          stopRequestedAt: d.stopRequestedAt,
          stopAutoRollback: d.stopAutoRollback,
        },
        targets: targetRows.map((t) => ({
          id: t.id,
          hostId: t.hostId,
          hostName: t.hostName,
          position: t.position,
          status: t.status,
          startedAt: t.startedAt,
          completedAt: t.completedAt,
          lastUpdatedAt: t.lastUpdatedAt,
          events: byTarget.get(t.id) ?? [],
        })),
        hosts: Object.fromEntries(hostRows.map((h) => [h.id, { online: h.online, lastSeenAt: h.lastSeenAt, lastLogSeq: h.lastLogSeq }])),
        limits,
      };
    },

    save(before: EngineState, after: EngineState): SavedChanges {
      const d = after.deployment;
      const dChanged = changed(before.deployment, d, deploymentFields) !== null;
      if (dChanged)
        updateDeployment.run(d.status, d.startedAt, d.completedAt, d.errorCode, d.errorMessage, d.stopRequestedAt, sqlBoolean(d.stopAutoRollback), d.id);
      const previous = new Map(before.targets.map((t) => [t.id, t]));
      const changedTargetIds: string[] = [];
      for (const t of after.targets) {
        const old = previous.get(t.id);
        if (!old) continue;
        let targetChanged = false;
        if (changed(old, t, targetFields)) {
          updateTarget.run(t.status, t.position, t.startedAt, t.completedAt, t.lastUpdatedAt, t.id);
          targetChanged = true;
        }
        const oldEvents = new Map(old.events.map((e) => [e.id, e]));
        for (const e of t.events) {
          const oldEvent = oldEvents.get(e.id);
          if (!oldEvent || !changed(oldEvent, e, eventFields)) continue;
          // The tail is already stored as log lines; getDeploymentTarget reads it back from there.
          const diagnostics = e.diagnostics === null ? null : JSON.stringify({ ...e.diagnostics, logTail: "" });
          updateEvent.run(
            e.status,
            e.commandId,
            e.dispatchedAt,
            e.acceptedAt,
            e.startedAt,
            e.completedAt,
            diagnostics,
            e.scriptDeploymentId,
            e.scriptRevisionId,
            e.lastLogSeq,
            e.id,
          );
          targetChanged = true;
        }
        if (targetChanged) changedTargetIds.push(t.id);
      }
      return { deploymentChanged: dChanged, changedTargetIds };
    },

    loadHostStatus(deploymentId) {
      const hostsOf: EngineState["hosts"] = {};
      for (const h of selectHostStatus.all(deploymentId)) hostsOf[h.id] = { online: h.online === 1, lastSeenAt: h.lastSeenAt, lastLogSeq: h.lastLogSeq };
      return hostsOf;
    },

    deploymentGroupOf(deploymentId: string): string | null {
      return selectGroupOf.get(deploymentId)?.g ?? null;
    },

    recordStart(deploymentId: string): void {
      const groupId = store.deploymentGroupOf(deploymentId);
      if (groupId) db.update(deploymentGroups).set({ lastAttemptedDeploymentId: deploymentId }).where(eq(deploymentGroups.id, groupId)).run();
    },

    recordCompletion(deploymentId, status) {
      const d = db.select().from(deployments).where(eq(deployments.id, deploymentId)).get();
      if (!d) return { rollbackTriggeringDeploymentId: null };
      upsertHostResults.run(deploymentId);
      // A deployment cancelled before it started was never attempted.
      if (d.startedAt !== null) {
        db.update(deploymentGroups)
          .set(status === "Succeeded" ? { lastAttemptedDeploymentId: d.id, lastSuccessfulDeploymentId: d.id } : { lastAttemptedDeploymentId: d.id })
          .where(eq(deploymentGroups.id, d.deploymentGroupId))
          .run();
      }
      return { rollbackTriggeringDeploymentId: d.rollbackTriggeringDeploymentId };
    },

    ...createRollbackRows(db),

    commandContext(deploymentId) {
      const row = db
        .select({
          deploymentId: deployments.id,
          applicationName: applications.name,
          deploymentGroupName: deploymentGroups.name,
          deploymentGroupId: deploymentGroups.id,
          revisionId: revisions.id,
          sha256: revisions.sha256,
          bundleType: revisions.bundleType,
          size: revisions.size,
          fileExistsBehavior: deployments.fileExistsBehavior,
        })
        .from(deployments)
        .innerJoin(applications, eq(applications.id, deployments.applicationId))
        .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
        .innerJoin(revisions, eq(revisions.id, deployments.revisionId))
        .where(eq(deployments.id, deploymentId))
        .get();
      if (!row) return null;
      const { revisionId, sha256, bundleType, size, ...rest } = row;
      return { ...rest, revision: { revisionId, sha256, bundleType, size }, defaultHookTimeoutSeconds: 3600 };
    },

    listGroupQueue(deploymentGroupId) {
      return db
        .select({
          id: deployments.id,
          status: deployments.status,
          creator: deployments.creator,
          createdAt: deployments.createdAt,
          startAt: deployments.startAt,
        })
        .from(deployments)
        .where(and(eq(deployments.deploymentGroupId, deploymentGroupId), inArray(deployments.status, ["Scheduled", "Created", "Queued", "InProgress"])))
        .all();
    },

    markQueued(deploymentIds) {
      if (deploymentIds.length)
        db.update(deployments)
          .set({ status: "Queued" })
          .where(inArray(deployments.id, [...deploymentIds]))
          .run();
    },

    loadTargetHealth(deploymentId) {
      const d = db.select({ groupId: deployments.deploymentGroupId }).from(deployments).where(eq(deployments.id, deploymentId)).get();
      if (!d) return {};
      const currentRevisionId =
        db
          .select({ revisionId: deployments.revisionId })
          .from(deploymentGroups)
          .innerJoin(deployments, eq(deployments.id, deploymentGroups.lastSuccessfulDeploymentId))
          .where(eq(deploymentGroups.id, d.groupId))
          .get()?.revisionId ?? null;
      const targets = db
        .select({ id: deploymentTargets.id, hostId: deploymentTargets.hostId })
        .from(deploymentTargets)
        .where(eq(deploymentTargets.deploymentId, deploymentId))
        .all();
      const previous = new Map<string, PreviousTargetResult>();
      for (const r of selectHostResults.all({ deploymentId, groupId: d.groupId })) previous.set(r.hostId, { status: r.status, revisionId: r.revisionId });
      const health: Record<string, TargetHealthClass> = {};
      for (const t of targets) health[t.id] = classifyTargetHealth(previous.get(t.hostId) ?? null, currentRevisionId);
      return health;
    },

    findCommandOwner(commandId) {
      const row = selectCommandOwner.get(commandId);
      return row ? toOwner(row) : null;
    },

    listOpenCommands(hostId) {
      return selectOpenCommands.all(hostId).map(toOwner);
    },

    listUnacceptedCommands() {
      return selectUnacceptedCommands.all().map(toOwner);
    },

    listDeploymentsNeedingTick() {
      const rows = db.$client
        .prepare(
          `SELECT d.id FROM deployments d WHERE d.status = 'InProgress' AND d.stop_requested_at IS NOT NULL
           UNION
           SELECT DISTINCT d.id FROM deployments d
             JOIN lifecycle_events e ON e.deployment_id = d.id
             JOIN deployment_targets t ON t.id = e.target_id
             JOIN hosts h ON h.id = t.host_id
           WHERE d.status = 'InProgress' AND e.status = 'InProgress' AND (h.online = 0 OR e.accepted_at IS NULL)`,
        )
        .all() as { id: string }[];
      return rows.map((r) => r.id);
    },

    listGroupsWithDueDeployments(now) {
      const rows = db.$client
        .prepare(
          `SELECT DISTINCT deployment_group_id AS id FROM deployments
           WHERE (status IN ('Created', 'Queued') OR (status = 'Scheduled' AND start_at <= ?))
             AND deployment_group_id NOT IN (SELECT deployment_group_id FROM deployments WHERE status = 'InProgress')`,
        )
        .all(now) as { id: string }[];
      return rows.map((r) => r.id);
    },

    noteMissedSchedules(bootAt, note) {
      const missed = db
        .select({ id: deployments.id, startAt: deployments.startAt })
        .from(deployments)
        .where(and(eq(deployments.status, "Scheduled"), lt(deployments.startAt, bootAt - 1000)))
        .all();
      for (const m of missed)
        db.update(deployments)
          .set({ startNote: note(m.startAt!) })
          .where(eq(deployments.id, m.id))
          .run();
    },

    markAllHostsOffline(now) {
      db.update(hosts).set({ online: false, lastSeenAt: now }).where(eq(hosts.online, true)).run();
    },
  };
  return store;
}

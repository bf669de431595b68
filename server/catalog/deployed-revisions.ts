import { and, desc, eq, type SQL } from "drizzle-orm";
import type { DeploymentGroupRef, FleetMatrixCell, GroupHost, HostDeployment, HostDeployments, HostRef, InstalledRevision } from "../contracts/catalog";
import { deploymentStatuses } from "../contracts/deployment";
import type { HostStatus } from "../contracts/resources";
import { DomainError } from "../domain-errors";
import { matchesTagSet } from "../engine/tag-filter";
import type { Db } from "../storage/database";
import { applications, deploymentGroups, deploymentTargets, deployments, hosts } from "../storage/schema";
import { getDeploymentGroup } from "./deployment-groups";
import { findLatestGroupDeployment } from "./deployment-history";

/** A scheduled deployment has not run yet: it is not what a group runs. */
const startedStatuses = deploymentStatuses.filter((s) => s !== "Scheduled");

/** Deployments shown in a host's history. */
const HOST_HISTORY_LIMIT = 50;

const targetColumns = {
  deploymentId: deployments.id,
  targetId: deploymentTargets.id,
  hostId: deploymentTargets.hostId,
  deploymentGroupId: deployments.deploymentGroupId,
  applicationName: applications.name,
  deploymentGroupName: deploymentGroups.name,
  revisionId: deployments.revisionId,
  deploymentStatus: deployments.status,
  targetStatus: deploymentTargets.status,
  createTime: deployments.createdAt,
  endTime: deploymentTargets.completedAt,
};

function hostStatusOf(row: { online: boolean; deregisteredAt: number | null }): HostStatus {
  if (row.deregisteredAt !== null) return "Deregistered";
  return row.online ? "Online" : "Offline";
}

/** Per host and group, the newest target that succeeded: the revision that host runs for that group. */
function findInstalled(db: Db, where: SQL) {
  const rows = db
    .select(targetColumns)
    .from(deploymentTargets)
    .innerJoin(deployments, eq(deployments.id, deploymentTargets.deploymentId))
    .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
    .innerJoin(applications, eq(applications.id, deployments.applicationId))
    .where(and(where, eq(deploymentTargets.status, "Succeeded")))
    .orderBy(desc(deploymentTargets.completedAt), desc(deployments.createdAt))
    .all();
  const newest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const key = `${r.hostId}/${r.deploymentGroupId}`;
    if (!newest.has(key)) newest.set(key, r);
  }
  return [...newest.values()];
}

/** What a host runs per deployment group, and the deployments that targeted it, newest first. */
export function listHostDeployments(db: Db, input: HostRef): HostDeployments {
  const host = db.select({ id: hosts.id }).from(hosts).where(eq(hosts.name, input.hostName)).get();
  if (!host) throw new DomainError("NOT_FOUND", `Host ${input.hostName} does not exist`, { field: "hostName", exception: "InstanceNotRegisteredException" });
  const installed: InstalledRevision[] = findInstalled(db, eq(deploymentTargets.hostId, host.id)).map((r) => ({
    applicationName: r.applicationName,
    deploymentGroupName: r.deploymentGroupName,
    revisionId: r.revisionId,
    deploymentId: r.deploymentId,
    installedAt: r.endTime,
  }));
  const history: HostDeployment[] = db
    .select(targetColumns)
    .from(deploymentTargets)
    .innerJoin(deployments, eq(deployments.id, deploymentTargets.deploymentId))
    .innerJoin(deploymentGroups, eq(deploymentGroups.id, deployments.deploymentGroupId))
    .innerJoin(applications, eq(applications.id, deployments.applicationId))
    .where(eq(deploymentTargets.hostId, host.id))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(HOST_HISTORY_LIMIT)
    .all()
    .map(({ hostId: _h, deploymentGroupId: _g, ...rest }) => rest);
  return { installed, history };
}

/** The group's hosts (selected by its tags now, or targeted before) with the revision the group last installed on each. */
export function listGroupHosts(db: Db, input: DeploymentGroupRef): GroupHost[] {
  const group = getDeploymentGroup(db, input);
  const installed = new Map(findInstalled(db, eq(deployments.deploymentGroupId, group.deploymentGroupId)).map((r) => [r.hostId, r]));
  const lastTargets = new Map<string, NonNullable<GroupHost["lastTarget"]>>();
  const targets = db
    .select({ hostId: deploymentTargets.hostId, deploymentId: deployments.id, targetId: deploymentTargets.id, status: deploymentTargets.status })
    .from(deploymentTargets)
    .innerJoin(deployments, eq(deployments.id, deploymentTargets.deploymentId))
    .where(eq(deployments.deploymentGroupId, group.deploymentGroupId))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .all();
  for (const { hostId, ...t } of targets) if (!lastTargets.has(hostId)) lastTargets.set(hostId, t);
  const rows = db
    .select({ id: hosts.id, name: hosts.name, tags: hosts.tags, online: hosts.online, deregisteredAt: hosts.deregisteredAt })
    .from(hosts)
    .orderBy(hosts.name)
    .all();
  return rows.flatMap((h) => {
    const matchesNow = h.deregisteredAt === null && group.onPremisesTagSet.length > 0 && matchesTagSet(group.onPremisesTagSet, h.tags);
    const last = lastTargets.get(h.id) ?? null;
    if (!matchesNow && !last) return [];
    const i = installed.get(h.id);
    return [
      {
        hostName: h.name,
        status: hostStatusOf(h),
        matchesNow,
        installed: i ? { revisionId: i.revisionId, deploymentId: i.deploymentId, installedAt: i.endTime } : null,
        lastTarget: last,
      },
    ];
  });
}

/** Every application's deployment groups with the revision each last deployed successfully and its newest deployment. */
export function describeFleetMatrix(db: Db): FleetMatrixCell[] {
  const groups = db
    .select({ applicationName: applications.name, deploymentGroupName: deploymentGroups.name, deploymentGroupId: deploymentGroups.id })
    .from(deploymentGroups)
    .innerJoin(applications, eq(applications.id, deploymentGroups.applicationId))
    .orderBy(applications.name, deploymentGroups.name)
    .all();
  return groups.map((g) => {
    const latest = findLatestGroupDeployment(db, g.deploymentGroupId, startedStatuses);
    const succeeded = latest?.status === "Succeeded" ? latest : findLatestGroupDeployment(db, g.deploymentGroupId, ["Succeeded"]);
    return {
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: succeeded?.revisionId ?? null,
      latest: latest ? { deploymentId: latest.deploymentId, status: latest.status, revisionId: latest.revisionId } : null,
    };
  });
}

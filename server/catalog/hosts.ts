import { and, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { recordAudit, type AuditActor } from "../auth/audit";
import type { HostInfo, HostRef, ListHostsInput, UpdateHostTagsInput } from "../contracts/catalog";
import { activeDeploymentStatuses } from "../contracts/deployment";
import type { HostStatus, HostTag, TagSet } from "../contracts/resources";
import { conflict, DomainError } from "../domain-errors";
import { selectConnectionChurnWarning } from "../engine/connection-churn";
import { matchesTagSet } from "../engine/tag-filter";
import type { Db } from "../storage/database";
import { deploymentTargets, deployments, hosts } from "../storage/schema";
import type { DbWriter } from "./deployment-history";

type HostRow = typeof hosts.$inferSelect;

/** A registered host a tag set selected. */
export type SelectedHost = { hostId: string; hostName: string; tags: HostTag[]; online: boolean };

/** Every registered (not deregistered) and approved host, by name: the hosts a deployment may select. */
export function listRegisteredHosts(db: DbWriter): SelectedHost[] {
  return db
    .select({ hostId: hosts.id, hostName: hosts.name, tags: hosts.tags, online: hosts.online })
    .from(hosts)
    .where(and(isNull(hosts.deregisteredAt), eq(hosts.approval, "approved")))
    .orderBy(hosts.name)
    .all();
}

/**
 * The registered hosts a deployment group's tag set matches now, by name: OR within a tag group,
 * AND across groups, and an empty set matches nothing. Deregistered and unapproved hosts are never selected.
 */
export function selectHostsForTagSet(db: DbWriter, tagSet: TagSet): SelectedHost[] {
  if (tagSet.length === 0) return [];
  return listRegisteredHosts(db).filter((host) => matchesTagSet(tagSet, host.tags));
}

function statusOf(row: Pick<HostRow, "online" | "deregisteredAt">): HostStatus {
  if (row.deregisteredAt !== null) return "Deregistered";
  return row.online ? "Online" : "Offline";
}

function whereStatus(status: HostStatus): SQL | undefined {
  switch (status) {
    case "Online":
      return and(isNull(hosts.deregisteredAt), eq(hosts.online, true));
    case "Offline":
      return and(isNull(hosts.deregisteredAt), eq(hosts.online, false));
    case "Deregistered":
      return isNotNull(hosts.deregisteredAt);
  }
}

/** The target each host works on (InProgress) or waits for (Pending) in an active deployment; InProgress wins, then the older deployment. */
function findCurrentTargets(db: DbWriter, hostId: string | null): Map<string, HostInfo["currentDeployment"]> {
  const rows = db
    .select({ hostId: deploymentTargets.hostId, deploymentId: deployments.id, targetId: deploymentTargets.id, status: deploymentTargets.status })
    .from(deploymentTargets)
    .innerJoin(deployments, eq(deployments.id, deploymentTargets.deploymentId))
    .where(
      and(
        inArray(deploymentTargets.status, ["InProgress", "Pending"]),
        inArray(deployments.status, [...activeDeploymentStatuses]),
        hostId ? eq(deploymentTargets.hostId, hostId) : undefined,
      ),
    )
    .orderBy(sql`${deploymentTargets.status} = 'InProgress' desc`, deployments.createdAt, deployments.id)
    .all();
  const current = new Map<string, HostInfo["currentDeployment"]>();
  for (const { hostId, ...target } of rows) if (!current.has(hostId)) current.set(hostId, target);
  return current;
}

function describeHost(row: HostRow, currentDeployment: HostInfo["currentDeployment"], now: number): HostInfo {
  return {
    hostId: row.id,
    hostName: row.name,
    tags: row.tags,
    status: statusOf(row),
    facts: row.facts ?? null,
    agentVersion: row.facts?.agentVersion ?? null,
    enrolledAt: row.enrolledAt,
    lastSeenAt: row.lastSeenAt,
    deregisteredAt: row.deregisteredAt,
    approval: row.approval,
    currentDeployment,
    connectionChurn: selectConnectionChurnWarning({ replacements: row.connectionReplacements, lastReplacedAt: row.connectionReplacedAt }, now),
  };
}

function describeHosts(db: DbWriter, rows: HostRow[], now: number): HostInfo[] {
  if (rows.length === 0) return [];
  const current = findCurrentTargets(db, rows.length === 1 ? rows[0].id : null);
  return rows.map((row) => describeHost(row, current.get(row.id) ?? null, now));
}

function requireHost(db: DbWriter, hostName: string): HostRow {
  const row = db.select().from(hosts).where(eq(hosts.name, hostName)).get();
  if (!row) throw new DomainError("NOT_FOUND", `Host ${hostName} does not exist`, { field: "hostName", exception: "InstanceNotRegisteredException" });
  return row;
}

export function listHosts(db: Db, filter: ListHostsInput, now: number): HostInfo[] {
  const search = filter.search?.trim().toLowerCase();
  const rows = db
    .select()
    .from(hosts)
    .where(and(filter.status ? whereStatus(filter.status) : undefined, search ? sql`instr(lower(${hosts.name}), ${search}) > 0` : undefined))
    .orderBy(hosts.name)
    .all();
  const tag = filter.tag;
  const matching = tag ? rows.filter((r) => r.tags.some((t) => t.key === tag.key && (tag.value === undefined || t.value === tag.value))) : rows;
  return describeHosts(db, matching, now);
}

export function getHost(db: Db, input: HostRef, now: number): HostInfo {
  return describeHosts(db, [requireHost(db, input.hostName)], now)[0];
}

/** Hosts a tag set would target if a deployment were created now. */
export function previewHostsForTagSet(db: Db, tagSet: TagSet, now: number): HostInfo[] {
  const ids = selectHostsForTagSet(db, tagSet).map((h) => h.hostId);
  if (ids.length === 0) return [];
  const rows = db.select().from(hosts).where(inArray(hosts.id, ids)).orderBy(hosts.name).all();
  return describeHosts(db, rows, now);
}

/** Replaces a host's tags; deployments already created keep the hosts they selected. */
export function updateHostTags(db: Db, input: UpdateHostTagsInput, now: number): { host: HostInfo; previousTags: HostTag[] } {
  return db.transaction((tx) => {
    const row = requireHost(tx, input.hostName);
    if (row.deregisteredAt !== null) throw conflict(`Host ${row.name} is deregistered; its tags can no longer change`, { field: "hostName" });
    tx.update(hosts).set({ tags: input.tags }).where(eq(hosts.id, row.id)).run();
    return { host: describeHosts(tx, [{ ...row, tags: input.tags }], now)[0], previousTags: row.tags };
  });
}

/**
 * Marks a host deregistered: its credential stops working and no new deployment selects it.
 * Allowed even while it is a deployment target, so a compromised host can always be cut off.
 */
export function deregisterHost(db: Db, input: HostRef, now: number): HostInfo {
  return db.transaction((tx) => {
    const row = requireHost(tx, input.hostName);
    if (row.deregisteredAt !== null) throw conflict(`Host ${row.name} is already deregistered`, { field: "hostName" });
    tx.update(hosts).set({ deregisteredAt: now }).where(eq(hosts.id, row.id)).run();
    return describeHosts(tx, [{ ...row, deregisteredAt: now }], now)[0];
  });
}

/** Lets a host that waits for approval receive deployments from now on. */
export function approveHost(db: Db, who: AuditActor, input: HostRef, now: number): HostInfo {
  return db.transaction((tx) => {
    const row = requireHost(tx, input.hostName);
    if (row.approval !== "pending" || row.deregisteredAt !== null) throw conflict(`Host ${row.name} is not waiting for approval`, { field: "hostName" });
    tx.update(hosts).set({ approval: "approved" }).where(eq(hosts.id, row.id)).run();
    recordAudit(tx, who, { action: "hosts.approve", resourceType: "host", resourceId: row.id, details: { hostName: row.name, tags: row.tags } }, now);
    return describeHosts(tx, [{ ...row, approval: "approved" }], now)[0];
  });
}

/** Refuses a host that waits for approval: it is deregistered, so its credential stops working and its name is free. */
export function rejectHost(db: Db, who: AuditActor, input: HostRef, now: number): HostInfo {
  return db.transaction((tx) => {
    const row = requireHost(tx, input.hostName);
    if (row.approval !== "pending" || row.deregisteredAt !== null) throw conflict(`Host ${row.name} is not waiting for approval`, { field: "hostName" });
    tx.update(hosts).set({ approval: "rejected", deregisteredAt: now }).where(eq(hosts.id, row.id)).run();
    recordAudit(tx, who, { action: "hosts.reject", resourceType: "host", resourceId: row.id, details: { hostName: row.name, tags: row.tags } }, now);
    return describeHosts(tx, [{ ...row, approval: "rejected", deregisteredAt: now }], now)[0];
  });
}

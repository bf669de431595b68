import { and, eq, isNull } from "drizzle-orm";
import type { HostTag, TagSet } from "../contracts/resources";
import { matchesTagSet } from "../engine/tag-filter";
import type { DbWriter } from "./database";
import { hosts } from "./schema";

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

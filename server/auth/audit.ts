import { and, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import type { AuditLogEntry, AuditLogListInput } from "../contracts/accounts";
import type { Db } from "../storage/database";
import { auditLog } from "../storage/schema";
import { containsIgnoringCase } from "../storage/text-search";

/** Newest first; `nextCursor` is null on the last page. */
export function listAuditLog(db: Db, filter: AuditLogListInput): { items: AuditLogEntry[]; nextCursor: number | null } {
  const conditions: SQL[] = [];
  if (filter.actor) conditions.push(containsIgnoringCase(auditLog.actor, filter.actor));
  if (filter.userId) conditions.push(eq(auditLog.userId, filter.userId));
  if (filter.action) conditions.push(eq(auditLog.action, filter.action));
  if (filter.resourceType) conditions.push(eq(auditLog.resourceType, filter.resourceType));
  if (filter.resourceId) conditions.push(eq(auditLog.resourceId, filter.resourceId));
  if (filter.from !== undefined) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to !== undefined) conditions.push(lte(auditLog.at, filter.to));
  if (filter.cursor !== undefined) conditions.push(lt(auditLog.id, filter.cursor));
  const rows = db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit + 1)
    .all();
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: rows.length > filter.limit ? items[items.length - 1].id : null };
}

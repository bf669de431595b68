import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { AuditLogEntry, AuditLogListInput } from "../contracts/accounts";
import type { Db } from "./database";
import { auditLog } from "./schema";

/**
 * Actor names containing `part`, case-insensitively. Walks the distinct actors by seeking in
 * audit_actor_idx, so the cost follows how many people and systems act, not how many entries they wrote.
 */
function findActorsContaining(db: Db, part: string): string[] {
  const next = db.$client.prepare<[string], { actor: string }>(`SELECT actor FROM audit_log WHERE actor > ? ORDER BY actor LIMIT 1`);
  const needle = part.toLowerCase();
  const out: string[] = [];
  for (let row = next.get(""); row; row = next.get(row.actor)) if (row.actor.toLowerCase().includes(needle)) out.push(row.actor);
  return out;
}

/** Newest first, by (at, id); `nextCursor` (the last entry's id) is null on the last page. */
export function listAuditLog(db: Db, filter: AuditLogListInput): { items: AuditLogEntry[]; nextCursor: number | null } {
  const conditions: SQL[] = [];
  if (filter.userId) conditions.push(eq(auditLog.userId, filter.userId));
  if (filter.action) conditions.push(eq(auditLog.action, filter.action));
  if (filter.resourceType) conditions.push(eq(auditLog.resourceType, filter.resourceType));
  if (filter.resourceId) conditions.push(eq(auditLog.resourceId, filter.resourceId));
  if (filter.from !== undefined) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to !== undefined) conditions.push(lte(auditLog.at, filter.to));
  if (filter.cursor !== undefined) {
    const last = db.select({ at: auditLog.at }).from(auditLog).where(eq(auditLog.id, filter.cursor)).get();
    // An entry the cursor named that is gone still orders by its id: nothing older than it was written after it.
    conditions.push(last ? sql`(${auditLog.at}, ${auditLog.id}) < (${last.at}, ${filter.cursor})` : lt(auditLog.id, filter.cursor));
  }
  const actors = filter.actor ? findActorsContaining(db, filter.actor) : [undefined];
  const pages = actors.map((actor) =>
    db
      .select()
      .from(auditLog)
      .where(and(actor === undefined ? undefined : eq(auditLog.actor, actor), ...conditions))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(filter.limit + 1)
      .all(),
  );
  const rows = pages.length === 1 ? pages[0] : pages.flat().sort((a, b) => b.at - a.at || b.id - a.id);
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: rows.length > filter.limit ? items[items.length - 1].id : null };
}

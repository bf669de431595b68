import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { AuditLogEntry, AuditLogListInput } from "../contracts/accounts";
import type { Principal } from "./principal";
import type { Db } from "../storage/database";
import { auditLog } from "../storage/schema";

export type AuditEntry = {
  /** Verb in past tense or resource.verb, e.g. "applications.create". */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
};

/** Who did it; `actor` overrides the name derived from the principal (e.g. "admin-cli", or the email a failed sign-in tried). */
export type AuditActor = { principal: Principal | null; ip: string | null; actor?: string };

/** Records a change a user (or the system, when principal is null) made. Never pass secrets in details. */
export function recordAudit(db: Pick<Db, "insert">, who: AuditActor, entry: AuditEntry, at = Date.now()): void {
  db.insert(auditLog)
    .values({
      at,
      userId: who.principal?.userId ?? null,
      actor: who.actor ?? (who.principal ? `${who.principal.email}${who.principal.via === "token" ? " (token)" : ""}` : "system"),
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      ip: who.ip,
      details: entry.details ?? null,
    })
    .run();
}

/** Newest first; `nextCursor` is null on the last page. */
export function listAuditLog(db: Db, filter: AuditLogListInput): { items: AuditLogEntry[]; nextCursor: number | null } {
  const conditions: SQL[] = [];
  if (filter.actor) conditions.push(sql`instr(lower(${auditLog.actor}), ${filter.actor.toLowerCase()}) > 0`);
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

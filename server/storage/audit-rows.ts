import type { AuditActor, AuditEntry } from "../orchestrator/ports";
import type { Db, DbWriter } from "./database";
import { auditLog } from "./schema";

/** Records a change a user (or the system, when principal is null) made. Never pass secrets in details. */
export function recordAudit(db: DbWriter, who: AuditActor, entry: AuditEntry, at = Date.now()): void {
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

/**
 * Runs a change and writes the audit row describing its result in one transaction: both are stored, or
 * neither (a failed audit write undoes the change). `change` must be synchronous.
 */
export function recordAuditedChange<T>(db: Db, who: AuditActor, at: number, change: () => T, describe: (result: T) => AuditEntry): T {
  // Immediate: the write lock is taken before the change reads, as every audited change writes.
  return db.transaction(
    () => {
      const result = change();
      recordAudit(db, who, describe(result), at);
      return result;
    },
    { behavior: "immediate" },
  );
}

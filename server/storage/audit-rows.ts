import type { AuditActor, AuditEntry } from "../orchestrator/ports";
import type { DbWriter } from "./database";
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

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

/** Records a change a user (or the system, when principal is null) made. Never pass secrets in details. */
export function recordAudit(db: Db, who: { principal: Principal | null; ip: string | null }, entry: AuditEntry, at = Date.now()): void {
  db.insert(auditLog)
    .values({
      at,
      userId: who.principal?.userId ?? null,
      actor: who.principal ? `${who.principal.email}${who.principal.via === "token" ? " (token)" : ""}` : "system",
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      ip: who.ip,
      details: entry.details ?? null,
    })
    .run();
}

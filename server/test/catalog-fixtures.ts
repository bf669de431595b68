import { randomBytes, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import type { DeploymentStatus, TargetStatus } from "../contracts/deployment";
import { hasRole, roles, type HostTag, type Role } from "../contracts/resources";
import type { Deps } from "../deps";
import { deploymentTargets, deployments, hosts, lifecycleEvents, logLines, revisions } from "../storage/schema";
import { callerFor, insertTestUser } from "./test-context";

type Caller = ReturnType<typeof callerFor>;

/**
 * Calls a procedure anonymously and as each role: anonymous is UNAUTHORIZED, roles below `required` FORBIDDEN,
 * and `required` and above get past authorization (the call may still fail for other reasons).
 */
export async function expectRoleRequired(deps: Deps, required: Role, call: (caller: Caller) => Promise<unknown>): Promise<void> {
  await expect(call(callerFor(deps, null))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  for (const role of roles) {
    const outcome = await call(callerFor(deps, insertTestUser(deps, role))).then(
      () => "allowed",
      (err: unknown) => (err instanceof TRPCError && (err.code === "FORBIDDEN" || err.code === "UNAUTHORIZED") ? err.code : "allowed"),
    );
    expect({ role, outcome }).toEqual({ role, outcome: hasRole(role, required) ? "allowed" : "FORBIDDEN" });
  }
}

/** Inserts an enrolled host row directly; no credential matches its placeholder hash. */
export function insertTestHost(
  deps: Deps,
  name: string,
  tags: HostTag[] = [],
  options: { online?: boolean; deregisteredAt?: number | null; agentVersion?: string } = {},
): { hostId: string } {
  const hostId = randomUUID();
  deps.db
    .insert(hosts)
    .values({
      id: hostId,
      name,
      tags,
      credentialHash: "0".repeat(64),
      online: options.online ?? false,
      deregisteredAt: options.deregisteredAt ?? null,
      facts: options.agentVersion
        ? {
            hostname: name,
            platform: "linux",
            osRelease: "6.1",
            arch: "x64",
            agentVersion: options.agentVersion,
            nodeVersion: "20",
            freeDiskBytes: 1,
            rootDir: "/opt/landline",
          }
        : null,
    })
    .run();
  return { hostId };
}

/** Inserts a revision row for an application (no bundle file). */
export function insertTestRevision(deps: Deps, applicationId: string): { revisionId: string } {
  const revisionId = randomUUID();
  deps.db
    .insert(revisions)
    .values({ id: revisionId, applicationId, sha256: randomBytes(32).toString("hex"), bundleType: "zip", size: 1, appSpec: { version: 0, os: "linux" } })
    .run();
  return { revisionId };
}

/** Inserts a deployment row in the given status, with one target per host and one lifecycle event and log line per target. */
export function insertTestDeployment(
  deps: Deps,
  d: {
    applicationId: string;
    deploymentGroupId: string;
    revisionId: string;
    status: DeploymentStatus;
    deploymentConfigName?: string;
    createdAt?: number;
    completedAt?: number | null;
    targets?: { hostId: string; hostName: string; status: TargetStatus }[];
  },
): { deploymentId: string; targetIds: string[] } {
  const deploymentId = `d-${randomBytes(5).toString("hex").toUpperCase().slice(0, 9)}`;
  deps.db
    .insert(deployments)
    .values({
      id: deploymentId,
      applicationId: d.applicationId,
      deploymentGroupId: d.deploymentGroupId,
      revisionId: d.revisionId,
      status: d.status,
      deploymentConfigName: d.deploymentConfigName ?? "CodeDeployDefault.OneAtATime",
      fileExistsBehavior: "DISALLOW",
      autoRollback: { enabled: false, events: [] },
      createdAt: d.createdAt ?? Date.now(),
      completedAt: d.completedAt ?? null,
    })
    .run();
  const targetIds = (d.targets ?? []).map((t, position) => {
    const targetId = randomUUID();
    deps.db.insert(deploymentTargets).values({ id: targetId, deploymentId, hostId: t.hostId, hostName: t.hostName, position, status: t.status }).run();
    deps.db.insert(lifecycleEvents).values({ id: randomUUID(), targetId, deploymentId, name: "BeforeInstall", position: 0 }).run();
    deps.db
      .insert(logLines)
      .values({ deploymentId, targetId, eventName: "BeforeInstall", hostId: t.hostId, hostSeq: position + 1, at: Date.now(), stream: "stdout", text: "hello" })
      .run();
    return targetId;
  });
  return { deploymentId, targetIds };
}

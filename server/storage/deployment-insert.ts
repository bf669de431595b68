import { randomInt } from "node:crypto";
import { inPlaceLifecycleEvents } from "../contracts/deployment";
import type { NewDeployment, TargetHost } from "../orchestrator/ports";
import type { DbWriter } from "./database";
import { deploymentTargets, deployments, lifecycleEvents } from "./schema";

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function randomChars(n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return out;
}

/** CodeDeploy-style deployment id: d- and 9 upper-case alphanumerics. */
export function newDeploymentId(): string {
  return `d-${randomChars(9)}`;
}

/** Lifecycle event ids double as command ids: "<targetId>.<event>", so a re-sent command keeps its id. */
export function lifecycleEventId(targetId: string, eventName: string): string {
  return `${targetId}.${eventName}`;
}

/** Inserts a deployment with one Pending target per host and the in-place lifecycle events of each target. */
export function insertDeployment(db: DbWriter, d: NewDeployment, targetHosts: readonly TargetHost[]): void {
  const { minimumHealthyHosts, ...row } = d;
  db.insert(deployments)
    .values({ ...row, minimumHealthyHostsType: minimumHealthyHosts.type, minimumHealthyHostsValue: minimumHealthyHosts.value })
    .run();
  const chunk = 200;
  const targets = targetHosts.map((h, position) => ({
    id: `t-${randomChars(12)}`,
    deploymentId: d.id,
    hostId: h.hostId,
    hostName: h.hostName,
    position,
    status: "Pending" as const,
    lastUpdatedAt: d.createdAt,
  }));
  for (let i = 0; i < targets.length; i += chunk)
    db.insert(deploymentTargets)
      .values(targets.slice(i, i + chunk))
      .run();
  const events = targets.flatMap((t) =>
    inPlaceLifecycleEvents.map((name, position) => ({ id: lifecycleEventId(t.id, name), targetId: t.id, deploymentId: d.id, name, position })),
  );
  for (let i = 0; i < events.length; i += chunk)
    db.insert(lifecycleEvents)
      .values(events.slice(i, i + chunk))
      .run();
}

import fs from "node:fs";
import { bundlePath, removeUnreferencedBundles } from "../bundles/bundle-store";
import { isBundleReferenced } from "../bundles/revision-records";
import type {
  ApplicationRef,
  CreateApplicationInput,
  CreateDeploymentConfigInput,
  CreateDeploymentGroupInput,
  DeploymentConfigRef,
  DeploymentGroupRef,
  HostRef,
  UpdateApplicationInput,
  UpdateDeploymentGroupInput,
  UpdateHostTagsInput,
} from "../contracts/catalog";
import { liveRooms } from "../contracts/live-updates";
import type { Deps } from "../deps";
import type { AuditActor } from "../orchestrator/ports";
import { recordAuditedChange } from "../storage/audit-rows";
import { createApplication, deleteApplication, updateApplication } from "./applications";
import { createDeploymentConfig, deleteDeploymentConfig } from "./deployment-configs";
import { createDeploymentGroup, deleteDeploymentGroup, updateDeploymentGroup } from "./deployment-groups";
import { approveHost, deregisterHost, rejectHost, updateHostTags } from "./hosts";

type CatalogDeps = Pick<Deps, "db" | "env" | "now">;

/** applications.*: each change and its audit row in one transaction. */
export const applicationCommands = {
  create({ db, now }: CatalogDeps, who: AuditActor, input: CreateApplicationInput) {
    const at = now();
    return recordAuditedChange(
      db,
      who,
      at,
      () => createApplication(db, input, at),
      (application) => ({
        action: "applications.create",
        resourceType: "application",
        resourceId: application.applicationId,
        details: { applicationName: application.applicationName },
      }),
    );
  },

  update({ db, now }: CatalogDeps, who: AuditActor, input: UpdateApplicationInput) {
    const at = now();
    return recordAuditedChange(
      db,
      who,
      at,
      () => updateApplication(db, input, at),
      (application) => ({
        action: "applications.update",
        resourceType: "application",
        resourceId: application.applicationId,
        details: { applicationName: input.applicationName, newApplicationName: input.newApplicationName },
      }),
    );
  },

  /** Deletes the application with its history; bundles no other application uses are removed once that is committed. */
  delete({ db, env, now }: CatalogDeps, who: AuditActor, input: ApplicationRef) {
    const at = now();
    const { deleted, unreferenced } = recordAuditedChange(
      db,
      who,
      at,
      () => {
        const { bundleSha256s, ...deleted } = deleteApplication(db, input);
        const unreferenced = [...new Set(bundleSha256s)].filter(
          (sha256) => !isBundleReferenced(db, sha256) && fs.existsSync(bundlePath(env.bundleDir, sha256)),
        );
        return { deleted, unreferenced };
      },
      ({ deleted, unreferenced }) => ({
        action: "applications.delete",
        resourceType: "application",
        resourceId: deleted.applicationId,
        details: { applicationName: input.applicationName, deletedDeployments: deleted.deletedDeployments, deletedBundles: unreferenced.length },
      }),
    );
    removeUnreferencedBundles(env.bundleDir, unreferenced, (sha256) => isBundleReferenced(db, sha256));
    return deleted;
  },
};

/** deploymentGroups.*: each change and its audit row in one transaction. */
export const deploymentGroupCommands = {
  create({ db, now }: CatalogDeps, who: AuditActor, input: CreateDeploymentGroupInput) {
    const at = now();
    return recordAuditedChange(
      db,
      who,
      at,
      () => createDeploymentGroup(db, input, at),
      (group) => ({
        action: "deploymentGroups.create",
        resourceType: "deploymentGroup",
        resourceId: group.deploymentGroupId,
        details: {
          applicationName: group.applicationName,
          deploymentGroupName: group.deploymentGroupName,
          deploymentConfigName: group.deploymentConfigName,
          onPremisesTagSet: group.onPremisesTagSet,
        },
      }),
    );
  },

  update({ db, now }: CatalogDeps, who: AuditActor, input: UpdateDeploymentGroupInput) {
    const at = now();
    const { applicationName, currentDeploymentGroupName, ...changes } = input;
    return recordAuditedChange(
      db,
      who,
      at,
      () => updateDeploymentGroup(db, input, at),
      (group) => ({
        action: "deploymentGroups.update",
        resourceType: "deploymentGroup",
        resourceId: group.deploymentGroupId,
        details: { applicationName, deploymentGroupName: currentDeploymentGroupName, changes },
      }),
    );
  },

  delete({ db, now }: CatalogDeps, who: AuditActor, input: DeploymentGroupRef) {
    return recordAuditedChange(
      db,
      who,
      now(),
      () => deleteDeploymentGroup(db, input),
      (deleted) => ({
        action: "deploymentGroups.delete",
        resourceType: "deploymentGroup",
        resourceId: deleted.deploymentGroupId,
        details: { ...input, deletedDeployments: deleted.deletedDeployments },
      }),
    );
  },
};

/** deploymentConfigs.*: each change and its audit row in one transaction. */
export const deploymentConfigCommands = {
  create({ db, now }: CatalogDeps, who: AuditActor, input: CreateDeploymentConfigInput) {
    const at = now();
    return recordAuditedChange(
      db,
      who,
      at,
      () => createDeploymentConfig(db, input, at),
      (config) => ({
        action: "deploymentConfigs.create",
        resourceType: "deploymentConfig",
        resourceId: config.deploymentConfigId,
        details: { deploymentConfigName: config.deploymentConfigName, minimumHealthyHosts: config.minimumHealthyHosts },
      }),
    );
  },

  delete({ db, now }: CatalogDeps, who: AuditActor, input: DeploymentConfigRef) {
    return recordAuditedChange(
      db,
      who,
      now(),
      () => deleteDeploymentConfig(db, input),
      (deleted) => ({
        action: "deploymentConfigs.delete",
        resourceType: "deploymentConfig",
        resourceId: deleted.deploymentConfigId,
        details: { deploymentConfigName: input.deploymentConfigName },
      }),
    );
  },
};

/** hosts.*: each change and its audit row in one transaction; browsers hear of it once it is stored. */
export const hostCommands = {
  updateTags({ db, now, services }: CatalogDeps & Pick<Deps, "services">, who: AuditActor, input: UpdateHostTagsInput) {
    const { host } = recordAuditedChange(
      db,
      who,
      now(),
      () => updateHostTags(db, input, now()),
      ({ host, previousTags }) => ({
        action: "hosts.updateTags",
        resourceType: "host",
        resourceId: host.hostId,
        details: { hostName: host.hostName, previousTags, tags: host.tags },
      }),
    );
    publishHostUpdated(services, host);
    return host;
  },

  deregister({ db, now, services }: CatalogDeps & Pick<Deps, "services">, who: AuditActor, input: HostRef) {
    const at = now();
    const host = recordAuditedChange(
      db,
      who,
      at,
      () => deregisterHost(db, input, at),
      (host) => ({ action: "hosts.deregister", resourceType: "host", resourceId: host.hostId, details: { hostName: host.hostName } }),
    );
    services.connections.endRevokedConnections();
    publishHostUpdated(services, host);
    return host;
  },

  /** approveHost and rejectHost write their audit rows in their own transaction. */
  approve({ db, now, services }: CatalogDeps & Pick<Deps, "services">, who: AuditActor, input: HostRef) {
    const host = approveHost(db, who, input, now());
    publishHostUpdated(services, host);
    return host;
  },

  reject({ db, now, services }: CatalogDeps & Pick<Deps, "services">, who: AuditActor, input: HostRef) {
    const host = rejectHost(db, who, input, now());
    services.connections.endRevokedConnections();
    publishHostUpdated(services, host);
    return host;
  },
};

function publishHostUpdated(services: Deps["services"], host: { hostId: string; hostName: string; status: string; lastSeenAt: number | null }): void {
  services.live.publish(liveRooms.fleet, "host:updated", {
    hostId: host.hostId,
    name: host.hostName,
    online: host.status === "Online",
    lastSeenAt: host.lastSeenAt,
  });
}

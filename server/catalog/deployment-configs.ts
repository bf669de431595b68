import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { CreateDeploymentConfigInput, DeploymentConfigInfo, DeploymentConfigRef } from "../contracts/catalog";
import { conflict, DomainError } from "../domain-errors";
import type { Db } from "../storage/database";
import { applications, deploymentConfigs, deploymentGroups, deployments } from "../storage/schema";
import { requireDeploymentConfig } from "../storage/catalog-rows";
import { deploymentHoldingStatuses } from "./deployment-history";

type DeploymentConfigRow = typeof deploymentConfigs.$inferSelect;

function describeDeploymentConfig(row: DeploymentConfigRow): DeploymentConfigInfo {
  return {
    deploymentConfigId: row.id,
    deploymentConfigName: row.name,
    minimumHealthyHosts: { type: row.minimumHealthyHostsType, value: row.minimumHealthyHostsValue },
    computePlatform: "Server",
    createTime: row.createdAt,
    predefined: row.predefined,
  };
}

/** Predefined configs first, then custom ones by name. */
export function listDeploymentConfigs(db: Db): DeploymentConfigInfo[] {
  return db.select().from(deploymentConfigs).orderBy(desc(deploymentConfigs.predefined), asc(deploymentConfigs.name)).all().map(describeDeploymentConfig);
}

export function getDeploymentConfig(db: Db, input: DeploymentConfigRef): DeploymentConfigInfo {
  return describeDeploymentConfig(requireDeploymentConfig(db, input.deploymentConfigName));
}

/** `input` is parsed with createDeploymentConfigInputSchema, which holds the name and minimum-healthy-hosts rules. */
export function createDeploymentConfig(db: Db, input: CreateDeploymentConfigInput, now: number): DeploymentConfigInfo {
  return db.transaction((tx) => {
    const taken = tx.select({ id: deploymentConfigs.id }).from(deploymentConfigs).where(eq(deploymentConfigs.name, input.deploymentConfigName)).get();
    if (taken) {
      throw conflict(`Deployment config ${input.deploymentConfigName} already exists`, {
        field: "deploymentConfigName",
        exception: "DeploymentConfigAlreadyExistsException",
      });
    }
    const row: DeploymentConfigRow = {
      id: randomUUID(),
      name: input.deploymentConfigName,
      minimumHealthyHostsType: input.minimumHealthyHosts.type,
      minimumHealthyHostsValue: input.minimumHealthyHosts.value,
      predefined: false,
      createdAt: now,
    };
    tx.insert(deploymentConfigs).values(row).run();
    return describeDeploymentConfig(row);
  });
}

/** Refused for predefined configs, and while a deployment group or a scheduled or running deployment uses the config. */
export function deleteDeploymentConfig(db: Db, input: DeploymentConfigRef): { deploymentConfigId: string } {
  return db.transaction((tx) => {
    const row = requireDeploymentConfig(tx, input.deploymentConfigName);
    if (row.predefined) {
      throw new DomainError("INVALID", `Deployment config ${row.name} is predefined and cannot be deleted`, {
        field: "deploymentConfigName",
        exception: "InvalidOperationException",
      });
    }
    const groups = tx
      .select({ applicationName: applications.name, deploymentGroupName: deploymentGroups.name })
      .from(deploymentGroups)
      .innerJoin(applications, eq(applications.id, deploymentGroups.applicationId))
      .where(eq(deploymentGroups.deploymentConfigName, row.name))
      .orderBy(applications.name, deploymentGroups.name)
      .all()
      .map((g) => `${g.applicationName}/${g.deploymentGroupName}`);
    if (groups.length > 0) {
      throw conflict(`Deployment config ${row.name} is used by deployment group${groups.length === 1 ? "" : "s"} ${groups.join(", ")}`, {
        field: "deploymentConfigName",
        exception: "DeploymentConfigInUseException",
        deploymentGroups: groups,
      });
    }
    const running = tx
      .select({ id: deployments.id })
      .from(deployments)
      .where(and(eq(deployments.deploymentConfigName, row.name), inArray(deployments.status, [...deploymentHoldingStatuses])))
      .all()
      .map((d) => d.id);
    if (running.length > 0) {
      throw conflict(`Deployment config ${row.name} is used by deployment${running.length === 1 ? "" : "s"} in progress ${running.join(", ")}`, {
        field: "deploymentConfigName",
        exception: "DeploymentConfigInUseException",
        deploymentIds: running,
      });
    }
    tx.delete(deploymentConfigs).where(eq(deploymentConfigs.id, row.id)).run();
    return { deploymentConfigId: row.id };
  });
}

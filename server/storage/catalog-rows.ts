import { eq } from "drizzle-orm";
import { DomainError } from "../domain-errors";
import type { DbWriter } from "./database";
import { applications, deploymentConfigs } from "./schema";

export type ApplicationRow = typeof applications.$inferSelect;

/** The application row, or NOT_FOUND naming the field the name came from. */
export function requireApplication(db: DbWriter, applicationName: string, field = "applicationName"): ApplicationRow {
  const row = db.select().from(applications).where(eq(applications.name, applicationName)).get();
  if (!row) {
    throw new DomainError("NOT_FOUND", `Application ${applicationName} does not exist`, {
      field,
      exception: "ApplicationDoesNotExistException",
    });
  }
  return row;
}

type DeploymentConfigRow = typeof deploymentConfigs.$inferSelect;

/** The config row, or NOT_FOUND naming the field the name came from. */
export function requireDeploymentConfig(db: DbWriter, deploymentConfigName: string, field = "deploymentConfigName"): DeploymentConfigRow {
  const row = db.select().from(deploymentConfigs).where(eq(deploymentConfigs.name, deploymentConfigName)).get();
  if (!row) {
    throw new DomainError("NOT_FOUND", `Deployment config ${deploymentConfigName} does not exist`, {
      field,
      exception: "DeploymentConfigDoesNotExistException",
    });
  }
  return row;
}

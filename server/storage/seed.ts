import type { Db } from "./database";
import { deploymentConfigs } from "./schema";

/** The three predefined Server configs (reference 1.4); idempotent. */
export function seedPredefinedConfigs(db: Db): void {
  db.insert(deploymentConfigs)
    .values([
      {
        id: "CodeDeployDefault.OneAtATime",
        name: "CodeDeployDefault.OneAtATime",
        minimumHealthyHostsType: "MOST_CONCURRENCY",
        minimumHealthyHostsValue: 1,
        predefined: true,
        createdAt: 0,
      },
      {
        id: "CodeDeployDefault.HalfAtATime",
        name: "CodeDeployDefault.HalfAtATime",
        minimumHealthyHostsType: "FLEET_PERCENT",
        minimumHealthyHostsValue: 50,
        predefined: true,
        createdAt: 0,
      },
      {
        id: "CodeDeployDefault.AllAtOnce",
        name: "CodeDeployDefault.AllAtOnce",
        minimumHealthyHostsType: "HOST_COUNT",
        minimumHealthyHostsValue: 0,
        predefined: true,
        createdAt: 0,
      },
    ])
    .onConflictDoNothing()
    .run();
}

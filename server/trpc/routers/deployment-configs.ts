import { recordAudit } from "../../storage/audit-rows";
import { createDeploymentConfig, deleteDeploymentConfig, getDeploymentConfig, listDeploymentConfigs } from "../../catalog/deployment-configs";
import { createDeploymentConfigInputSchema, deploymentConfigRefSchema } from "../../contracts/catalog";
import { deployerProcedure, router, viewerProcedure } from "../init";

export const deploymentConfigsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listDeploymentConfigs(ctx.db)),

  get: viewerProcedure.input(deploymentConfigRefSchema).query(({ ctx, input }) => getDeploymentConfig(ctx.db, input)),

  create: deployerProcedure.input(createDeploymentConfigInputSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const config = createDeploymentConfig(ctx.db, input, now);
    recordAudit(ctx.db, ctx, {
      action: "deploymentConfigs.create",
      resourceType: "deploymentConfig",
      resourceId: config.deploymentConfigId,
      details: { deploymentConfigName: config.deploymentConfigName, minimumHealthyHosts: config.minimumHealthyHosts },
    }, now);
    return config;
  }),

  delete: deployerProcedure.input(deploymentConfigRefSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const deleted = deleteDeploymentConfig(ctx.db, input);
    recordAudit(ctx.db, ctx, {
      action: "deploymentConfigs.delete",
      resourceType: "deploymentConfig",
      resourceId: deleted.deploymentConfigId,
      details: { deploymentConfigName: input.deploymentConfigName },
    }, now);
    return deleted;
  }),
});

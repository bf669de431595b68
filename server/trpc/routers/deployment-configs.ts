import { deploymentConfigCommands } from "../../catalog/catalog-commands";
import { getDeploymentConfig, listDeploymentConfigs } from "../../catalog/deployment-configs";
import { createDeploymentConfigInputSchema, deploymentConfigRefSchema } from "../../contracts/catalog";
import { deployerProcedure, router, viewerProcedure } from "../init";

export const deploymentConfigsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listDeploymentConfigs(ctx.db)),

  get: viewerProcedure.input(deploymentConfigRefSchema).query(({ ctx, input }) => getDeploymentConfig(ctx.db, input)),

  create: deployerProcedure.input(createDeploymentConfigInputSchema).mutation(({ ctx, input }) => deploymentConfigCommands.create(ctx, ctx, input)),
  delete: deployerProcedure.input(deploymentConfigRefSchema).mutation(({ ctx, input }) => deploymentConfigCommands.delete(ctx, ctx, input)),
});

import { deploymentGroupCommands } from "../../catalog/catalog-commands";
import { getDeploymentGroup, listDeploymentGroups } from "../../catalog/deployment-groups";
import { describeFleetMatrix, listGroupHosts } from "../../catalog/deployed-revisions";
import { previewHostsForTagSet } from "../../catalog/hosts";
import {
  applicationRefSchema,
  createDeploymentGroupInputSchema,
  deploymentGroupRefSchema,
  previewHostsInputSchema,
  updateDeploymentGroupInputSchema,
} from "../../contracts/catalog";
import { deployerProcedure, router, viewerProcedure } from "../init";

export const deploymentGroupsRouter = router({
  list: viewerProcedure.input(applicationRefSchema).query(({ ctx, input }) => listDeploymentGroups(ctx.db, input)),

  get: viewerProcedure.input(deploymentGroupRefSchema).query(({ ctx, input }) => getDeploymentGroup(ctx.db, input)),

  hosts: viewerProcedure.input(deploymentGroupRefSchema).query(({ ctx, input }) => listGroupHosts(ctx.db, input)),

  matrix: viewerProcedure.query(({ ctx }) => describeFleetMatrix(ctx.db)),

  create: deployerProcedure.input(createDeploymentGroupInputSchema).mutation(({ ctx, input }) => deploymentGroupCommands.create(ctx, ctx, input)),
  update: deployerProcedure.input(updateDeploymentGroupInputSchema).mutation(({ ctx, input }) => deploymentGroupCommands.update(ctx, ctx, input)),
  delete: deployerProcedure.input(deploymentGroupRefSchema).mutation(({ ctx, input }) => deploymentGroupCommands.delete(ctx, ctx, input)),

  previewHosts: viewerProcedure.input(previewHostsInputSchema).query(({ ctx, input }) => previewHostsForTagSet(ctx.db, input.onPremisesTagSet, ctx.now())),
});

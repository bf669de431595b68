import { recordAudit } from "../../auth/audit";
import {
  createDeploymentGroup,
  deleteDeploymentGroup,
  getDeploymentGroup,
  listDeploymentGroups,
  updateDeploymentGroup,
} from "../../catalog/deployment-groups";
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

  create: deployerProcedure.input(createDeploymentGroupInputSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const group = createDeploymentGroup(ctx.db, input, now);
    recordAudit(ctx.db, ctx, {
      action: "deploymentGroups.create",
      resourceType: "deploymentGroup",
      resourceId: group.deploymentGroupId,
      details: { applicationName: group.applicationName, deploymentGroupName: group.deploymentGroupName, deploymentConfigName: group.deploymentConfigName, onPremisesTagSet: group.onPremisesTagSet },
    }, now);
    return group;
  }),

  update: deployerProcedure.input(updateDeploymentGroupInputSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const group = updateDeploymentGroup(ctx.db, input, now);
    const { applicationName, currentDeploymentGroupName, ...changes } = input;
    recordAudit(ctx.db, ctx, {
      action: "deploymentGroups.update",
      resourceType: "deploymentGroup",
      resourceId: group.deploymentGroupId,
      details: { applicationName, deploymentGroupName: currentDeploymentGroupName, changes },
    }, now);
    return group;
  }),

  delete: deployerProcedure.input(deploymentGroupRefSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const deleted = deleteDeploymentGroup(ctx.db, input);
    recordAudit(ctx.db, ctx, {
      action: "deploymentGroups.delete",
      resourceType: "deploymentGroup",
      resourceId: deleted.deploymentGroupId,
      details: { ...input, deletedDeployments: deleted.deletedDeployments },
    }, now);
    return deleted;
  }),

  previewHosts: viewerProcedure.input(previewHostsInputSchema).query(({ ctx, input }) => previewHostsForTagSet(ctx.db, input.onPremisesTagSet, ctx.now())),
});

import { z } from "zod";
import {
  createDeploymentInputSchema,
  deploymentIdSchema,
  deploymentLogsInputSchema,
  listDeploymentsInputSchema,
  stopDeploymentInputSchema,
  updateScheduleInputSchema,
} from "../../contracts/deployment";
import { getDeployment, getDeploymentTarget, listDeployments, listDeploymentTargets, readDeploymentLogs } from "../../storage/deployment-queries";
import { describeDeploymentStorage } from "../../storage/storage-health";
import { deployerProcedure, router, viewerProcedure } from "../init";

const byDeployment = z.object({ deploymentId: deploymentIdSchema });

export const deploymentsRouter = router({
  create: deployerProcedure.input(createDeploymentInputSchema).mutation(({ ctx, input }) => ctx.services.deployments.create(ctx, input)),
  get: viewerProcedure
    .input(byDeployment)
    .query(({ ctx, input }) => describeDeploymentStorage(getDeployment(ctx.db, input.deploymentId), ctx.services.storageHealth)),
  list: viewerProcedure.input(listDeploymentsInputSchema).query(({ ctx, input }) => listDeployments(ctx.db, input)),
  listTargets: viewerProcedure.input(byDeployment).query(({ ctx, input }) => listDeploymentTargets(ctx.db, input.deploymentId)),
  getTarget: viewerProcedure.input(z.object({ targetId: z.string().min(1).max(64) })).query(({ ctx, input }) => getDeploymentTarget(ctx.db, input.targetId)),
  logs: viewerProcedure.input(deploymentLogsInputSchema).query(({ ctx, input }) => readDeploymentLogs(ctx.db, input)),
  stop: deployerProcedure.input(stopDeploymentInputSchema).mutation(({ ctx, input }) => ctx.services.deployments.stop(ctx, input)),
  rollback: deployerProcedure.input(byDeployment).mutation(({ ctx, input }) => ctx.services.deployments.rollback(ctx, input.deploymentId)),
  updateSchedule: deployerProcedure
    .input(updateScheduleInputSchema)
    .mutation(({ ctx, input }) => ctx.services.deployments.updateSchedule(ctx, input.deploymentId, input.startAt)),
  cancelScheduled: deployerProcedure.input(byDeployment).mutation(({ ctx, input }) => ctx.services.deployments.cancelScheduled(ctx, input.deploymentId)),
});

import { getApplication, listApplications } from "../../catalog/applications";
import { applicationCommands } from "../../catalog/catalog-commands";
import { applicationRefSchema, createApplicationInputSchema, updateApplicationInputSchema } from "../../contracts/catalog";
import { deployerProcedure, router, viewerProcedure } from "../init";

export const applicationsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listApplications(ctx.db)),

  get: viewerProcedure.input(applicationRefSchema).query(({ ctx, input }) => getApplication(ctx.db, input)),

  create: deployerProcedure.input(createApplicationInputSchema).mutation(({ ctx, input }) => applicationCommands.create(ctx, ctx, input)),
  update: deployerProcedure.input(updateApplicationInputSchema).mutation(({ ctx, input }) => applicationCommands.update(ctx, ctx, input)),
  delete: deployerProcedure.input(applicationRefSchema).mutation(({ ctx, input }) => applicationCommands.delete(ctx, ctx, input)),
});

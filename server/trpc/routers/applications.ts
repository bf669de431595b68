import { recordAudit } from "../../storage/audit-rows";
import { removeUnreferencedBundles } from "../../bundles/bundle-store";
import { isBundleReferenced } from "../../bundles/revision-records";
import { createApplication, deleteApplication, getApplication, listApplications, updateApplication } from "../../catalog/applications";
import { applicationRefSchema, createApplicationInputSchema, updateApplicationInputSchema } from "../../contracts/catalog";
import { deployerProcedure, router, viewerProcedure } from "../init";

export const applicationsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listApplications(ctx.db)),

  get: viewerProcedure.input(applicationRefSchema).query(({ ctx, input }) => getApplication(ctx.db, input)),

  create: deployerProcedure.input(createApplicationInputSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const application = createApplication(ctx.db, input, now);
    recordAudit(ctx.db, ctx, {
      action: "applications.create",
      resourceType: "application",
      resourceId: application.applicationId,
      details: { applicationName: application.applicationName },
    }, now);
    return application;
  }),

  update: deployerProcedure.input(updateApplicationInputSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const application = updateApplication(ctx.db, input, now);
    recordAudit(ctx.db, ctx, {
      action: "applications.update",
      resourceType: "application",
      resourceId: application.applicationId,
      details: { applicationName: input.applicationName, newApplicationName: input.newApplicationName },
    }, now);
    return application;
  }),

  delete: deployerProcedure.input(applicationRefSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const { bundleSha256s, ...deleted } = deleteApplication(ctx.db, input);
    const deletedBundles = removeUnreferencedBundles(ctx.env.bundleDir, bundleSha256s, (sha256) => isBundleReferenced(ctx.db, sha256));
    recordAudit(ctx.db, ctx, {
      action: "applications.delete",
      resourceType: "application",
      resourceId: deleted.applicationId,
      details: { applicationName: input.applicationName, deletedDeployments: deleted.deletedDeployments, deletedBundles },
    }, now);
    return deleted;
  }),
});

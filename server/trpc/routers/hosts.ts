import { hostCommands } from "../../catalog/catalog-commands";
import { listHostDeployments } from "../../catalog/deployed-revisions";
import { getHost, listHosts } from "../../catalog/hosts";
import { hostRefSchema, listHostsInputSchema, updateHostTagsInputSchema } from "../../contracts/catalog";
import { adminProcedure, deployerProcedure, router, viewerProcedure } from "../init";

export const hostsRouter = router({
  list: viewerProcedure.input(listHostsInputSchema.optional()).query(({ ctx, input }) => listHosts(ctx.db, input ?? {}, ctx.now())),
  get: viewerProcedure.input(hostRefSchema).query(({ ctx, input }) => getHost(ctx.db, input, ctx.now())),
  deployments: viewerProcedure.input(hostRefSchema).query(({ ctx, input }) => listHostDeployments(ctx.db, input)),
  updateTags: deployerProcedure.input(updateHostTagsInputSchema).mutation(({ ctx, input }) => hostCommands.updateTags(ctx, ctx, input)),
  approve: adminProcedure.input(hostRefSchema).mutation(({ ctx, input }) => hostCommands.approve(ctx, ctx, input)),
  reject: adminProcedure.input(hostRefSchema).mutation(({ ctx, input }) => hostCommands.reject(ctx, ctx, input)),
  deregister: adminProcedure.input(hostRefSchema).mutation(({ ctx, input }) => hostCommands.deregister(ctx, ctx, input)),
});

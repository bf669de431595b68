import { recordAudit } from "../../auth/audit";
import { approveHost, deregisterHost, getHost, listHosts, rejectHost, updateHostTags } from "../../catalog/hosts";
import { hostRefSchema, listHostsInputSchema, updateHostTagsInputSchema, type HostInfo } from "../../contracts/catalog";
import { listHostDeployments } from "../../catalog/deployed-revisions";
import { liveRooms } from "../../contracts/live-updates";
import { adminProcedure, deployerProcedure, router, viewerProcedure, type TrpcContext } from "../init";

function publishHostUpdated(ctx: TrpcContext, host: HostInfo): void {
  ctx.services.live?.publish(liveRooms.fleet, "host:updated", { hostId: host.hostId, name: host.hostName, online: host.status === "Online", lastSeenAt: host.lastSeenAt });
}

export const hostsRouter = router({
  list: viewerProcedure.input(listHostsInputSchema.optional()).query(({ ctx, input }) => listHosts(ctx.db, input ?? {}, ctx.now())),

  get: viewerProcedure.input(hostRefSchema).query(({ ctx, input }) => getHost(ctx.db, input, ctx.now())),

  deployments: viewerProcedure.input(hostRefSchema).query(({ ctx, input }) => listHostDeployments(ctx.db, input)),

  updateTags: deployerProcedure.input(updateHostTagsInputSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const { host, previousTags } = updateHostTags(ctx.db, input, now);
    recordAudit(ctx.db, ctx, {
      action: "hosts.updateTags",
      resourceType: "host",
      resourceId: host.hostId,
      details: { hostName: host.hostName, previousTags, tags: host.tags },
    }, now);
    publishHostUpdated(ctx, host);
    return host;
  }),

  approve: adminProcedure.input(hostRefSchema).mutation(({ ctx, input }) => {
    const host = approveHost(ctx.db, ctx, input, ctx.now());
    publishHostUpdated(ctx, host);
    return host;
  }),

  reject: adminProcedure.input(hostRefSchema).mutation(({ ctx, input }) => {
    const host = rejectHost(ctx.db, ctx, input, ctx.now());
    ctx.services.connections?.endRevokedConnections();
    publishHostUpdated(ctx, host);
    return host;
  }),

  deregister: adminProcedure.input(hostRefSchema).mutation(({ ctx, input }) => {
    const now = ctx.now();
    const host = deregisterHost(ctx.db, input, now);
    recordAudit(ctx.db, ctx, {
      action: "hosts.deregister",
      resourceType: "host",
      resourceId: host.hostId,
      details: { hostName: host.hostName },
    }, now);
    ctx.services.connections?.endRevokedConnections();
    publishHostUpdated(ctx, host);
    return host;
  }),
});

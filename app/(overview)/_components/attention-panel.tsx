"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RelativeTime } from "../../_components/relative-time";
import { OnlineBadge, StatusBadge } from "../../_components/status-badge";
import { CheckCircleIcon } from "../../_components/icons";
import { Skeleton } from "../../_components/states";
import { paths } from "../../_lib/paths";
import { useTRPC } from "../../_lib/trpc";

const DAY = 86_400_000;

/** Failed deployments of the last day and hosts whose agent is offline, each one click from its detail. */
export function AttentionPanel() {
  const trpc = useTRPC();
  const failed = useQuery(trpc.deployments.list.queryOptions({ status: "Failed", limit: 20 }));
  const hosts = useQuery(trpc.hosts.list.queryOptions({}));
  const recentFailures = (failed.data?.items ?? []).filter((d) => d.createTime > Date.now() - DAY).slice(0, 6);
  const offline = (hosts.data ?? []).filter((h) => h.status === "Offline").slice(0, 8);
  const offlineTotal = (hosts.data ?? []).filter((h) => h.status === "Offline").length;
  const loaded = failed.data && hosts.data;
  return (
    <section className="h-fit rounded-lg border border-border bg-surface" aria-labelledby="attention-heading">
      <h2 id="attention-heading" className="border-b border-border px-4 py-3 text-sm font-semibold">
        Needs attention
      </h2>
      <div className="space-y-4 p-4">
        {!loaded ? (
          <Skeleton className="h-24 w-full" />
        ) : recentFailures.length === 0 && offline.length === 0 ? (
          <p className="flex items-center gap-2 text-sm text-muted">
            <CheckCircleIcon size={14} className="text-ok" /> All clear: no failures today, every host online.
          </p>
        ) : null}
        {recentFailures.length > 0 ? (
          <div>
            <h3 className="mb-1.5 text-xs font-medium text-muted">Failed deployments</h3>
            <ul className="space-y-1.5">
              {recentFailures.map((d) => (
                <li key={d.deploymentId}>
                  <Link href={paths.deployment(d.deploymentId)} className="block rounded-md border border-border px-2.5 py-1.5 hover:border-border-strong">
                    <span className="flex items-center justify-between gap-2">
                      <span className="font-mono text-xs font-medium">{d.deploymentId}</span>
                      <StatusBadge status={d.status} size="sm" />
                    </span>
                    <span className="block truncate text-xs text-muted">
                      {d.applicationName} / {d.deploymentGroupName} · <RelativeTime at={d.createTime} />
                    </span>
                    {d.errorInformation ? <span className="block truncate text-xs text-fail">{d.errorInformation.message}</span> : null}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {offline.length > 0 ? (
          <div>
            <h3 className="mb-1.5 text-xs font-medium text-muted">Offline hosts {offlineTotal > offline.length ? `(${offlineTotal})` : ""}</h3>
            <ul className="divide-y divide-border">
              {offline.map((h) => (
                <li key={h.hostId} className="flex items-center justify-between gap-2 py-1.5">
                  <Link href={paths.host(h.hostName)} className="truncate font-mono text-xs hover:underline">
                    {h.hostName}
                  </Link>
                  <span className="flex shrink-0 items-center gap-2 text-[11px] text-muted">
                    <RelativeTime at={h.lastSeenAt} />
                    <OnlineBadge online={false} />
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}

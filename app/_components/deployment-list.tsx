"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { DeploymentStatus, DeploymentSummary } from "@/server/contracts/deployment";
import { durationBetween } from "../_lib/format";
import { paths } from "../_lib/paths";
import { useTRPC } from "../_lib/trpc";
import { useLiveDeployments } from "../_lib/use-live-deployments";
import { useNow } from "../_lib/use-now";
import { Button } from "./button";
import { RocketIcon } from "./icons";
import { DeploymentProgress, overviewTotal } from "./progress-bar";
import { RelativeTime } from "./relative-time";
import { StatusBadge } from "./status-badge";
import { EmptyState, ErrorState, LoadingRows } from "./states";

type Props = {
  applicationName?: string;
  deploymentGroupName?: string;
  status?: DeploymentStatus | DeploymentStatus[];
  showApplication?: boolean;
  showGroup?: boolean;
  pageSize?: number;
  emptyTitle?: string;
  emptyText?: string;
};

/** Deployments newest first, live, with "load more". */
export function DeploymentList({
  applicationName,
  deploymentGroupName,
  status,
  showApplication = false,
  showGroup = true,
  pageSize = 25,
  emptyTitle = "No deployments yet",
  emptyText,
}: Props) {
  const trpc = useTRPC();
  useLiveDeployments();
  const list = useInfiniteQuery(
    trpc.deployments.list.infiniteQueryOptions(
      { applicationName, deploymentGroupName, status, limit: pageSize },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  if (list.isPending) return <LoadingRows rows={4} />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  const rows = list.data.pages.flatMap((p) => p.items);
  if (rows.length === 0)
    return (
      <EmptyState icon={<RocketIcon size={26} />} title={emptyTitle}>
        {emptyText}
      </EmptyState>
    );
  return (
    <div>
      <ul className="divide-y divide-border overflow-hidden rounded-lg border border-border bg-surface">
        {rows.map((d) => (
          <DeploymentRow key={d.deploymentId} d={d} showApplication={showApplication} showGroup={showGroup} />
        ))}
      </ul>
      {list.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <Button onClick={() => list.fetchNextPage()} pending={list.isFetchingNextPage}>
            Load older deployments
          </Button>
        </div>
      ) : null}
    </div>
  );
}

export function DeploymentRow({ d, showApplication, showGroup }: { d: DeploymentSummary; showApplication: boolean; showGroup: boolean }) {
  const active = d.status === "InProgress" || d.status === "Queued" || d.status === "Created";
  const now = useNow(1000, active);
  const o = d.deploymentOverview;
  const total = overviewTotal(o);
  const where = [showApplication ? d.applicationName : null, showGroup ? d.deploymentGroupName : null].filter(Boolean).join(" / ");
  return (
    <li className="relative grid grid-cols-[auto_minmax(0,1fr)_auto] items-center gap-x-3 gap-y-1 px-3 py-2.5 hover:bg-surface-2/50 sm:grid-cols-[7.5rem_minmax(0,1fr)_10rem_7rem]">
      <div>
        <StatusBadge status={d.status} size="sm" />
      </div>
      <div className="min-w-0">
        <div className="flex min-w-0 items-baseline gap-2">
          <Link
            href={paths.deployment(d.deploymentId)}
            className="shrink-0 whitespace-nowrap font-mono text-xs font-medium text-fg after:absolute after:inset-0 hover:underline"
          >
            {d.deploymentId}
          </Link>
          <span className="min-w-0 truncate text-xs text-muted">
            {where ? `${where} · ` : ""}
            <span className="font-mono">{d.revisionId}</span>
          </span>
          {d.creator === "codeDeployRollback" ? <span className="shrink-0 rounded bg-warn/10 px-1 text-[10px] font-medium text-warn">rollback</span> : null}
        </div>
        {d.errorInformation ? (
          <p className="truncate text-xs text-fail">{d.errorInformation.message}</p>
        ) : d.description ? (
          <p className="truncate text-xs text-faint">{d.description}</p>
        ) : null}
      </div>
      <div className="col-span-3 row-start-2 sm:col-span-1 sm:row-start-auto">
        {total > 0 ? (
          <div className="space-y-1">
            <DeploymentProgress overview={o} size="sm" />
            <p className="text-[11px] tabular-nums text-muted">
              {o.Succeeded}/{total} succeeded{o.Failed ? `, ${o.Failed} failed` : ""}
              {o.Skipped ? `, ${o.Skipped} skipped` : ""}
            </p>
          </div>
        ) : d.status === "Scheduled" && d.startAt ? (
          <p className="text-xs text-muted">
            Starts <RelativeTime at={d.startAt} />
          </p>
        ) : null}
      </div>
      <div className="text-right text-xs text-muted">
        <RelativeTime at={d.createTime} />
        {d.startTime ? <span className="block tabular-nums text-faint">{durationBetween(d.startTime, d.completeTime, now)}</span> : null}
      </div>
    </li>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { DeploymentStatus } from "@/server/contracts/deployment";
import { OnlineBadge, StatusBadge } from "../../../_components/status-badge";
import { ErrorState, Skeleton } from "../../../_components/states";
import { durationBetween, formatDateTime } from "../../../_lib/format";
import { paths } from "../../../_lib/paths";
import { useTRPC } from "../../../_lib/trpc";
import { useNow } from "../../../_lib/use-now";
import { FailureDiagnostics } from "./failure-diagnostics";
import { LifecycleTimeline } from "./lifecycle-timeline";
import { LogViewer } from "./log-viewer";
import { describeTargetState } from "./target-state";

export function TargetDetail({
  deploymentId,
  deploymentStatus,
  targetId,
  revisionId,
}: {
  deploymentId: string;
  deploymentStatus: DeploymentStatus;
  targetId: string;
  revisionId: string;
}) {
  const trpc = useTRPC();
  const target = useQuery(trpc.deployments.getTarget.queryOptions({ targetId }));
  const [eventFilter, setEventFilter] = useState("");
  useEffect(() => setEventFilter(""), [targetId]);
  const t = target.data;
  const running = t ? t.status === "InProgress" || t.status === "Pending" : true;
  const now = useNow(1000, t?.status === "InProgress");

  if (target.isError) return <ErrorState error={target.error} onRetry={() => target.refetch()} title="Could not load this host's progress" />;
  const state = t ? describeTargetState(t, deploymentStatus) : null;
  const failed = state?.shown === "Stopped" ? [] : (t?.lifecycleEvents.filter((e) => (e.status === "Failed" || e.status === "Unknown") && e.diagnostics) ?? []);

  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="target-detail">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex min-w-0 items-center gap-2">
          <h2 className="truncate font-mono text-sm font-semibold">
            {t ? (
              <Link href={paths.host(t.hostName)} className="hover:underline">
                {t.hostName}
              </Link>
            ) : (
              <Skeleton className="h-4 w-32" />
            )}
          </h2>
          {state ? <StatusBadge status={state.shown} /> : null}
          {t ? <OnlineBadge online={t.online} /> : null}
        </div>
        {t?.startTime ? (
          <p className="text-xs text-muted" title={`Started ${formatDateTime(t.startTime)}`}>
            {t.endTime ? "Took" : "Running for"} <span className="tabular-nums">{durationBetween(t.startTime, t.endTime, now)}</span>
          </p>
        ) : t?.status === "Pending" ? (
          <p className="text-xs text-muted">Waiting for its turn</p>
        ) : null}
      </div>
      {t && !t.online && t.status === "InProgress" ? (
        <p className="rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-xs text-warn">
          The agent on this host is disconnected; the event fails if it does not come back within the grace period.
        </p>
      ) : null}
      {state?.reason ? (
        <p className="rounded-md border border-border bg-surface-2/60 px-3 py-2 text-xs text-fg" data-testid="target-reason">
          {state.reason}
        </p>
      ) : null}
      {failed.map((e) => (
        <FailureDiagnostics key={e.lifecycleEventName} event={e} />
      ))}
      {t ? (
        <LifecycleTimeline events={t.lifecycleEvents} deploymentId={deploymentId} revisionId={revisionId} selected={eventFilter} onSelect={setEventFilter} />
      ) : (
        <Skeleton className="h-16 w-full" />
      )}
      <LogViewer
        deploymentId={deploymentId}
        targetId={targetId}
        hostName={t?.hostName ?? "host"}
        eventFilter={eventFilter}
        onEventFilter={setEventFilter}
        running={running}
      />
    </div>
  );
}

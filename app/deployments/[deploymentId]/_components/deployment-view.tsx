"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { DeploymentInfo, DeploymentOverview, DeploymentTargetInfo } from "@/server/contracts/deployment";
import { ServerIcon } from "../../../_components/icons";
import { PageHeader } from "../../../_components/page-header";
import { StatusBadge } from "../../../_components/status-badge";
import { EmptyState, ErrorState, LoadingRows } from "../../../_components/states";
import { paths } from "../../../_lib/paths";
import { useTRPC } from "../../../_lib/trpc";
import { DeploymentActions } from "./deployment-actions";
import { DeploymentSummary } from "./deployment-summary";
import { TargetDetail } from "./target-detail";
import { TargetList } from "./target-list";
import { useLiveDeployment } from "./use-live-deployment";

const ROLLBACK_LINK_WAIT_MS = 60_000;

/** A failed or stopped deployment with automatic rollback gets its rollback link shortly after it finishes. */
function awaitsRollbackLink(d: DeploymentInfo | undefined): boolean {
  if (!d || !d.autoRollback.enabled || d.rollbackInfo || !d.completeTime) return false;
  return (d.status === "Failed" || d.status === "Stopped") && Date.now() - d.completeTime < ROLLBACK_LINK_WAIT_MS;
}

/** The counts the host list shows, so the summary and the list beside it always agree while target updates stream in. */
function countTargets(targets: readonly DeploymentTargetInfo[]): DeploymentOverview {
  const overview: DeploymentOverview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0 };
  for (const t of targets) overview[t.status === "Unknown" ? "Failed" : t.status]++;
  return overview;
}

/** The host to open first: one that failed, else one running, else the first. */
function pickTarget(targets: DeploymentTargetInfo[]): string | null {
  return (targets.find((t) => t.status === "Failed") ?? targets.find((t) => t.status === "InProgress") ?? targets[0])?.targetId ?? null;
}

export function DeploymentView({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const deployment = useQuery({
    ...trpc.deployments.get.queryOptions({ deploymentId }),
    refetchInterval: (q) => (awaitsRollbackLink(q.state.data) ? 2000 : false),
  });
  const targets = useQuery(trpc.deployments.listTargets.queryOptions({ deploymentId }));
  const [selected, setSelected] = useState<string | null>(null);
  useLiveDeployment(deploymentId);

  useEffect(() => {
    if (selected || !targets.data) return;
    const fromUrl = new URLSearchParams(window.location.search).get("target");
    setSelected(fromUrl && targets.data.some((t) => t.targetId === fromUrl) ? fromUrl : pickTarget(targets.data));
  }, [targets.data, selected]);

  const select = (targetId: string) => {
    setSelected(targetId);
    window.history.replaceState(null, "", paths.deployment(deploymentId, targetId));
  };
  const crumbs = [{ label: "Deployments", href: paths.deployments }, { label: deploymentId }];

  if (deployment.isPending) return <LoadingRows rows={8} />;
  if (deployment.isError)
    return (
      <>
        <PageHeader title={deploymentId} crumbs={crumbs} />
        <ErrorState error={deployment.error} onRetry={() => deployment.refetch()} />
      </>
    );
  const d = deployment.data;
  return (
    <>
      <PageHeader
        title={<span className="font-mono">{d.deploymentId}</span>}
        badge={
          <span data-testid="deployment-status">
            <StatusBadge status={d.status} />
          </span>
        }
        crumbs={crumbs}
        description={d.description ?? undefined}
        actions={<DeploymentActions d={d} />}
      />
      <DeploymentSummary d={d} overview={targets.data && targets.data.length > 0 ? countTargets(targets.data) : d.deploymentOverview} />
      <div className="mt-6">
        {targets.isPending ? (
          <LoadingRows rows={5} />
        ) : targets.isError ? (
          <ErrorState error={targets.error} onRetry={() => targets.refetch()} />
        ) : targets.data.length === 0 ? (
          <EmptyState icon={<ServerIcon size={26} />} title={d.status === "Scheduled" ? "Hosts are chosen when it starts" : "No hosts in this deployment"}>
            {d.status === "Scheduled" ? "The group's tag filters are evaluated at the start time." : "The group's tag filters matched no registered host."}
          </EmptyState>
        ) : (
          <div className="grid grid-cols-[minmax(0,1fr)] gap-4 lg:grid-cols-[18rem_minmax(0,1fr)]">
            <div className="flex h-72 flex-col lg:sticky lg:top-16 lg:h-[calc(100vh-5.5rem)]">
              <TargetList targets={targets.data} deploymentStatus={d.status} selectedId={selected} onSelect={select} />
            </div>
            {selected ? (
              <TargetDetail key={selected} deploymentId={deploymentId} deploymentStatus={d.status} targetId={selected} revisionId={d.revision.revisionId} />
            ) : null}
          </div>
        )}
      </div>
    </>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ButtonLink } from "../../../_components/button";
import { LayersIcon, PlusIcon, RocketIcon, ServerIcon } from "../../../_components/icons";
import { RelativeTime } from "../../../_components/relative-time";
import { StatusBadge } from "../../../_components/status-badge";
import { EmptyState, ErrorState, LoadingRows } from "../../../_components/states";
import { paths } from "../../../_lib/paths";
import { useCan } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";
import { describeTagSet, draftFromTagSet } from "../groups/_components/tag-set-draft";

export function GroupCards({ applicationName }: { applicationName: string }) {
  const trpc = useTRPC();
  const canEdit = useCan("deployer");
  const groups = useQuery(trpc.deploymentGroups.list.queryOptions({ applicationName }));
  if (groups.isPending) return <LoadingRows rows={3} />;
  if (groups.isError) return <ErrorState error={groups.error} onRetry={() => groups.refetch()} />;
  if (groups.data.length === 0)
    return (
      <EmptyState
        icon={<LayersIcon size={28} />}
        title="No deployment groups"
        action={
          canEdit ? (
            <ButtonLink variant="primary" href={paths.newGroup(applicationName)} icon={<PlusIcon size={14} />}>
              Create a deployment group
            </ButtonLink>
          ) : null
        }
      >
        A deployment group picks hosts by their tags, for example env=production.
      </EmptyState>
    );
  return (
    <ul className="grid grid-cols-[minmax(0,1fr)] gap-3 md:grid-cols-2 xl:grid-cols-3">
      {groups.data.map((g) => (
        <li key={g.deploymentGroupId} className="flex flex-col rounded-lg border border-border bg-surface p-4 transition-colors hover:border-border-strong">
          <div className="flex items-start justify-between gap-2">
            <Link href={paths.group(applicationName, g.deploymentGroupName)} className="font-medium hover:underline">
              {g.deploymentGroupName}
            </Link>
            {g.lastAttemptedDeployment ? <StatusBadge status={g.lastAttemptedDeployment.status} size="sm" /> : null}
          </div>
          <p className="mt-1 truncate font-mono text-xs text-muted" title={describeTagSet(draftFromTagSet(g.onPremisesTagSet))}>
            {describeTagSet(draftFromTagSet(g.onPremisesTagSet))}
          </p>
          <dl className="mt-3 grid grid-cols-2 gap-2 text-xs">
            <div>
              <dt className="text-faint">Hosts</dt>
              <dd className="flex items-center gap-1">
                <ServerIcon size={12} className="text-faint" />
                {g.matchingHostCount}
              </dd>
            </div>
            <div>
              <dt className="text-faint">Config</dt>
              <dd className="truncate" title={g.deploymentConfigName}>
                {g.deploymentConfigName.replace("CodeDeployDefault.", "")}
              </dd>
            </div>
            <div className="col-span-2">
              <dt className="text-faint">Last successful</dt>
              <dd>
                {g.lastSuccessfulDeployment ? (
                  <Link href={paths.deployment(g.lastSuccessfulDeployment.deploymentId)} className="hover:underline">
                    <span className="font-mono">{g.lastSuccessfulDeployment.revisionId}</span> ·{" "}
                    <RelativeTime at={g.lastSuccessfulDeployment.endTime ?? g.lastSuccessfulDeployment.createTime} />
                  </Link>
                ) : (
                  <span className="text-faint">never</span>
                )}
              </dd>
            </div>
          </dl>
          {canEdit ? (
            <div className="mt-4 flex gap-2 border-t border-border pt-3">
              <ButtonLink size="sm" variant="primary" href={paths.deploy(applicationName, g.deploymentGroupName)} icon={<RocketIcon size={12} />}>
                Deploy
              </ButtonLink>
              <ButtonLink size="sm" variant="ghost" href={paths.group(applicationName, g.deploymentGroupName)}>
                Settings
              </ButtonLink>
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

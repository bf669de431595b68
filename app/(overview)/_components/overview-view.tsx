"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { activeDeploymentStatuses, finishedDeploymentStatuses } from "@/server/contracts/deployment";
import { DeploymentList } from "../../_components/deployment-list";
import { PageHeader, Section } from "../../_components/page-header";
import { useTRPC } from "../../_lib/trpc";
import { useLiveHosts } from "../../_lib/use-live-hosts";
import { paths } from "../../_lib/paths";
import { AttentionPanel } from "./attention-panel";
import { FleetMatrix } from "./fleet-matrix";
import { GettingStarted } from "./getting-started";
import { StatTiles } from "./stat-tiles";

export function OverviewView() {
  const trpc = useTRPC();
  const apps = useQuery(trpc.applications.list.queryOptions());
  const hosts = useQuery(trpc.hosts.list.queryOptions({}));
  useLiveHosts();
  const fresh = apps.data?.length === 0 || hosts.data?.filter((h) => h.status !== "Deregistered").length === 0;
  return (
    <>
      <PageHeader title="Overview" description="What is deploying now, what just finished and what needs a look." />
      {fresh && apps.data && hosts.data ? <GettingStarted apps={apps.data} hosts={hosts.data} /> : null}
      <StatTiles />
      <div className="mt-6 grid grid-cols-[minmax(0,1fr)] gap-6 xl:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="space-y-6">
          <Section title="In progress">
            <DeploymentList status={[...activeDeploymentStatuses]} showApplication pageSize={10} emptyTitle="Nothing is deploying right now" />
          </Section>
          <FleetMatrix />
          <Section
            title="Recent deployments"
            actions={
              <Link href={paths.deployments} className="text-xs text-muted hover:text-fg hover:underline">
                All deployments
              </Link>
            }
          >
            <DeploymentList status={[...finishedDeploymentStatuses]} showApplication pageSize={8} emptyTitle="No finished deployments yet" />
          </Section>
        </div>
        <AttentionPanel />
      </div>
    </>
  );
}

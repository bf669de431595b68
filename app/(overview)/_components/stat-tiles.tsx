"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { activeDeploymentStatuses } from "@/server/contracts/deployment";
import { BoxIcon, RocketIcon, ServerIcon, XCircleIcon } from "../../_components/icons";
import { Skeleton } from "../../_components/states";
import { paths } from "../../_lib/paths";
import { useTRPC } from "../../_lib/trpc";

const DAY = 86_400_000;

function Tile({
  href,
  label,
  icon,
  value,
  sub,
  tone = "",
}: {
  href: string;
  label: string;
  icon: ReactNode;
  value: ReactNode;
  sub?: ReactNode;
  tone?: string;
}) {
  return (
    <Link href={href} className="group rounded-lg border border-border bg-surface p-4 transition-colors hover:border-border-strong">
      <p className="flex items-center gap-1.5 text-xs text-muted">
        {icon}
        {label}
      </p>
      <p className={`mt-1 text-2xl font-semibold tabular-nums ${tone}`}>{value}</p>
      {sub ? <p className="text-xs text-muted">{sub}</p> : null}
    </Link>
  );
}

export function StatTiles() {
  const trpc = useTRPC();
  const active = useQuery(trpc.deployments.list.queryOptions({ status: [...activeDeploymentStatuses], limit: 200 }));
  const failed = useQuery(trpc.deployments.list.queryOptions({ status: "Failed", limit: 200 }));
  const hosts = useQuery(trpc.hosts.list.queryOptions({}));
  const apps = useQuery(trpc.applications.list.queryOptions());
  const registered = hosts.data?.filter((h) => h.status !== "Deregistered") ?? [];
  const online = registered.filter((h) => h.status === "Online").length;
  const failedToday = failed.data?.items.filter((d) => d.createTime > Date.now() - DAY).length;
  const loading = <Skeleton className="h-7 w-10" />;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Tile
        href={paths.deployments}
        label="Deploying now"
        icon={<RocketIcon size={13} />}
        value={active.data ? active.data.items.length : loading}
        tone={active.data?.items.length ? "text-run" : ""}
      />
      <Tile
        href={paths.hosts}
        label="Hosts online"
        icon={<ServerIcon size={13} />}
        value={hosts.data ? `${online}/${registered.length}` : loading}
        sub={hosts.data && registered.length > online ? `${registered.length - online} offline` : hosts.data ? "all connected" : undefined}
        tone={hosts.data && registered.length > online ? "text-warn" : ""}
      />
      <Tile
        href={paths.deployments}
        label="Failed in 24 h"
        icon={<XCircleIcon size={13} />}
        value={failedToday ?? loading}
        tone={failedToday ? "text-fail" : ""}
      />
      <Tile href={paths.applications} label="Applications" icon={<BoxIcon size={13} />} value={apps.data ? apps.data.length : loading} />
    </div>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "../../_components/button";
import { BoxIcon, PlusIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { RelativeTime } from "../../_components/relative-time";
import { StatusBadge } from "../../_components/status-badge";
import { EmptyState, ErrorState, LoadingRows } from "../../_components/states";
import { Table, Td, Th, Tr } from "../../_components/table";
import { paths } from "../../_lib/paths";
import { useCan } from "../../_lib/session";
import { useTRPC } from "../../_lib/trpc";
import { CreateApplicationDialog } from "./create-application-dialog";

export function ApplicationsView() {
  const trpc = useTRPC();
  const canCreate = useCan("deployer");
  const [creating, setCreating] = useState(false);
  const apps = useQuery(trpc.applications.list.queryOptions());

  return (
    <>
      <PageHeader
        title="Applications"
        description="An application groups the revisions you upload and the deployment groups you deploy them to."
        actions={
          canCreate ? (
            <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setCreating(true)}>
              New application
            </Button>
          ) : null
        }
      />
      {apps.isPending ? (
        <LoadingRows />
      ) : apps.isError ? (
        <ErrorState error={apps.error} onRetry={() => apps.refetch()} />
      ) : apps.data.length === 0 ? (
        <EmptyState
          icon={<BoxIcon size={28} />}
          title="No applications yet"
          action={
            canCreate ? (
              <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setCreating(true)}>
                Create your first application
              </Button>
            ) : null
          }
        >
          {canCreate ? "Create one, upload a revision with an appspec.yml, then deploy it to a group of hosts." : "Ask a deployer or admin to create one."}
        </EmptyState>
      ) : (
        <Table label="Applications">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th className="hidden sm:table-cell">Deployment groups</Th>
              <Th className="hidden sm:table-cell">Revisions</Th>
              <Th>Latest deployment</Th>
              <Th className="hidden md:table-cell">Created</Th>
            </tr>
          </thead>
          <tbody>
            {apps.data.map((app) => (
              <Tr key={app.applicationId}>
                <Td>
                  <Link href={paths.application(app.applicationName)} className="font-medium text-fg hover:underline">
                    {app.applicationName}
                  </Link>
                </Td>
                <Td className="hidden tabular-nums text-muted sm:table-cell">{app.deploymentGroupCount}</Td>
                <Td className="hidden tabular-nums text-muted sm:table-cell">{app.revisionCount}</Td>
                <Td>
                  {app.latestDeployment ? (
                    <Link href={paths.deployment(app.latestDeployment.deploymentId)} className="inline-flex flex-wrap items-center gap-2 hover:underline">
                      <StatusBadge status={app.latestDeployment.status} size="sm" />
                      <span className="text-xs text-muted">
                        {app.latestDeployment.deploymentGroupName} · <RelativeTime at={app.latestDeployment.createTime} />
                      </span>
                    </Link>
                  ) : (
                    <span className="text-xs text-faint">Never deployed</span>
                  )}
                </Td>
                <Td className="hidden text-xs text-muted md:table-cell">
                  <RelativeTime at={app.createTime} />
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
      <CreateApplicationDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

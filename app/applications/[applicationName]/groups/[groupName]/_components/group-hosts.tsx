"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Section } from "../../../../../_components/page-header";
import { OnlineBadge, StatusBadge } from "../../../../../_components/status-badge";
import { ErrorState, LoadingRows } from "../../../../../_components/states";
import { Table, Td, Th, Tr } from "../../../../../_components/table";
import { paths } from "../../../../../_lib/paths";
import { useTRPC } from "../../../../../_lib/trpc";

/** Each host of the group with the revision this group last installed there and how its newest deployment went. */
export function GroupHosts({ applicationName, deploymentGroupName }: { applicationName: string; deploymentGroupName: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.deploymentGroups.hosts.queryOptions({ applicationName, deploymentGroupName }));
  return (
    <Section title="What each host runs">
      {q.isPending ? (
        <LoadingRows rows={3} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-sm text-muted">No host matches this group&apos;s tags yet.</p>
      ) : (
        <Table label="Hosts and their revisions">
          <thead>
            <tr>
              <Th>Host</Th>
              <Th>Revision</Th>
              <Th>Last deployment</Th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((h) => (
              <Tr key={h.hostName}>
                <Td>
                  <Link href={paths.host(h.hostName)} className="font-mono text-xs hover:underline">
                    {h.hostName}
                  </Link>
                  <span className="ml-2 inline-block align-middle">
                    {h.status === "Deregistered" ? (
                      <StatusBadge status="Stopped" size="sm">
                        Deregistered
                      </StatusBadge>
                    ) : (
                      <OnlineBadge online={h.status === "Online"} />
                    )}
                  </span>
                  {!h.matchesNow ? <span className="block text-[11px] text-muted">no longer matches the tags</span> : null}
                </Td>
                <Td className="font-mono text-xs">{h.installed ? h.installed.revisionId : <span className="font-sans text-muted">None yet</span>}</Td>
                <Td>
                  {h.lastTarget ? (
                    <Link
                      href={paths.deployment(h.lastTarget.deploymentId, h.lastTarget.targetId)}
                      className="inline-flex items-center gap-1.5 hover:underline"
                    >
                      <StatusBadge status={h.lastTarget.status} size="sm" />
                      <span className="font-mono text-xs">{h.lastTarget.deploymentId}</span>
                    </Link>
                  ) : (
                    <span className="text-xs text-muted">Never deployed</span>
                  )}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Section>
  );
}

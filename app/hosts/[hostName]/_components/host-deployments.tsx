"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Section } from "../../../_components/page-header";
import { RelativeTime } from "../../../_components/relative-time";
import { StatusBadge } from "../../../_components/status-badge";
import { ErrorState, LoadingRows } from "../../../_components/states";
import { Table, Td, Th, Tr } from "../../../_components/table";
import { paths } from "../../../_lib/paths";
import { useTRPC } from "../../../_lib/trpc";

/** What the host runs per deployment group, and every deployment that targeted it. */
export function HostDeployments({ hostName }: { hostName: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.hosts.deployments.queryOptions({ hostName }));
  if (q.isPending) return <LoadingRows rows={3} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const { installed, history } = q.data;
  return (
    <>
      <Section title="Deployed revisions" className="lg:col-span-2">
        {installed.length === 0 ? (
          <p className="text-sm text-muted">No revision has been installed on this host yet.</p>
        ) : (
          <Table label="Deployed revisions">
            <thead>
              <tr>
                <Th>Application / group</Th>
                <Th>Revision</Th>
                <Th>Installed by</Th>
              </tr>
            </thead>
            <tbody>
              {installed.map((r) => (
                <Tr key={`${r.applicationName}/${r.deploymentGroupName}`}>
                  <Td>
                    <Link href={paths.group(r.applicationName, r.deploymentGroupName)} className="hover:underline">
                      {r.applicationName} / {r.deploymentGroupName}
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs">{r.revisionId}</Td>
                  <Td className="text-xs">
                    <Link href={paths.deployment(r.deploymentId)} className="font-mono hover:underline">
                      {r.deploymentId}
                    </Link>{" "}
                    {r.installedAt ? <RelativeTime at={r.installedAt} /> : null}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Section>
      <Section title="Deployment history" className="lg:col-span-2">
        {history.length === 0 ? (
          <p className="text-sm text-muted">No deployment has targeted this host yet.</p>
        ) : (
          <Table label="Deployment history">
            <thead>
              <tr>
                <Th>Deployment</Th>
                <Th>On this host</Th>
                <Th>Application / group</Th>
                <Th>Revision</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <Tr key={h.targetId}>
                  <Td>
                    <Link href={paths.deployment(h.deploymentId, h.targetId)} className="font-mono text-xs hover:underline">
                      {h.deploymentId}
                    </Link>
                  </Td>
                  <Td>
                    <StatusBadge status={h.targetStatus} size="sm" />
                  </Td>
                  <Td className="text-xs">
                    {h.applicationName} / {h.deploymentGroupName}
                  </Td>
                  <Td className="font-mono text-xs">{h.revisionId}</Td>
                  <Td className="text-xs text-muted">
                    <RelativeTime at={h.createTime} />
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Section>
    </>
  );
}

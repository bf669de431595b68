"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../../../_components/button";
import { ConfirmDialog } from "../../../_components/dialog";
import { PencilIcon, TrashIcon } from "../../../_components/icons";
import { Facts, PageHeader, Section } from "../../../_components/page-header";
import { RelativeTime } from "../../../_components/relative-time";
import { OnlineBadge, StatusBadge } from "../../../_components/status-badge";
import { ErrorState, LoadingRows } from "../../../_components/states";
import { TagChips } from "../../../_components/tag-chips";
import { formatBytes, formatDateTime } from "../../../_lib/format";
import { paths } from "../../../_lib/paths";
import { useCan } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";
import { useLiveHosts } from "../../../_lib/use-live-hosts";
import { ConnectionChurnWarning } from "../../_components/connection-churn-warning";
import { HostDeployments } from "./host-deployments";
import { HostTagsEditor } from "./host-tags-editor";

export function HostView({ hostName }: { hostName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canEditTags = useCan("deployer");
  const canDeregister = useCan("admin");
  const [editingTags, setEditingTags] = useState(false);
  const [deregistering, setDeregistering] = useState(false);
  const host = useQuery(trpc.hosts.get.queryOptions({ hostName }));
  useLiveHosts();
  const deregister = useMutation(
    trpc.hosts.deregister.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.hosts.pathKey() });
        router.push(paths.hosts);
      },
    }),
  );
  const crumbs = [{ label: "Hosts", href: paths.hosts }, { label: hostName }];

  if (host.isPending) return <LoadingRows rows={6} />;
  if (host.isError)
    return (
      <>
        <PageHeader title={hostName} crumbs={crumbs} />
        <ErrorState error={host.error} onRetry={() => host.refetch()} />
      </>
    );
  const h = host.data;
  const f = h.facts;
  const deregistered = h.status === "Deregistered";

  return (
    <>
      <PageHeader
        title={<span className="font-mono">{h.hostName}</span>}
        crumbs={crumbs}
        badge={deregistered ? <StatusBadge status="Stopped">Deregistered</StatusBadge> : <OnlineBadge online={h.status === "Online"} />}
        description={
          deregistered ? (
            `Deregistered ${formatDateTime(h.deregisteredAt)}`
          ) : h.status === "Online" ? (
            "Agent connected."
          ) : (
            <>
              Last seen <RelativeTime at={h.lastSeenAt} />
            </>
          )
        }
        actions={
          canDeregister && !deregistered ? (
            <Button variant="ghost" icon={<TrashIcon size={14} />} onClick={() => setDeregistering(true)}>
              Deregister
            </Button>
          ) : null
        }
      />
      {h.connectionChurn && !deregistered ? <ConnectionChurnWarning churn={h.connectionChurn} /> : null}
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
        <Section
          title="Tags"
          actions={
            canEditTags && !editingTags && !deregistered ? (
              <Button size="sm" icon={<PencilIcon size={12} />} onClick={() => setEditingTags(true)}>
                Edit tags
              </Button>
            ) : null
          }
        >
          {editingTags ? <HostTagsEditor hostName={h.hostName} tags={h.tags} onDone={() => setEditingTags(false)} /> : <TagChips tags={h.tags} />}
        </Section>
        <Section title="Current deployment">
          {h.currentDeployment ? (
            <Link
              href={paths.deployment(h.currentDeployment.deploymentId, h.currentDeployment.targetId)}
              className="inline-flex items-center gap-2 hover:underline"
            >
              <span className="font-mono text-sm">{h.currentDeployment.deploymentId}</span>
              <StatusBadge status={h.currentDeployment.status} />
            </Link>
          ) : (
            <p className="text-sm text-muted">Not part of a running deployment.</p>
          )}
        </Section>
        <HostDeployments hostName={h.hostName} />
        <Section title="Facts" className="lg:col-span-2">
          {f ? (
            <Facts
              items={[
                { label: "Agent version", value: <span className="font-mono">{f.agentVersion}</span> },
                { label: "Node.js", value: <span className="font-mono">{f.nodeVersion}</span> },
                { label: "OS host name", value: <span className="font-mono">{f.hostname}</span> },
                { label: "Platform", value: `${f.platform} ${f.osRelease} (${f.arch})` },
                { label: "Free disk", value: formatBytes(f.freeDiskBytes) },
                { label: "Agent root", value: <span className="font-mono text-xs">{f.rootDir}</span> },
                { label: "Enrolled", value: formatDateTime(h.enrolledAt) },
                { label: "Last seen", value: h.status === "Online" ? "Now (connected)" : <RelativeTime at={h.lastSeenAt} /> },
              ]}
            />
          ) : (
            <p className="text-sm text-muted">The agent has not reported its facts yet.</p>
          )}
        </Section>
      </div>
      <ConfirmDialog
        open={deregistering}
        onClose={() => setDeregistering(false)}
        onConfirm={() => deregister.mutate({ hostName: h.hostName })}
        title={`Deregister ${h.hostName}?`}
        confirmLabel="Deregister host"
        danger
        pending={deregister.isPending}
        error={deregister.error}
      >
        <p>Its credential stops working and no deployment will target it. To bring it back, enroll it again with a new token.</p>
      </ConfirmDialog>
    </>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, ButtonLink } from "../../../../../_components/button";
import { ConfirmDialog } from "../../../../../_components/dialog";
import { DeploymentList } from "../../../../../_components/deployment-list";
import { HostPreview } from "../../../../../_components/host-preview";
import { PencilIcon, RocketIcon, TrashIcon } from "../../../../../_components/icons";
import { Facts, PageHeader, Section } from "../../../../../_components/page-header";
import { RelativeTime } from "../../../../../_components/relative-time";
import { StatusBadge } from "../../../../../_components/status-badge";
import { ErrorState, LoadingRows } from "../../../../../_components/states";
import { paths } from "../../../../../_lib/paths";
import { useCan } from "../../../../../_lib/session";
import { useTRPC } from "../../../../../_lib/trpc";
import { fileExistsHelp, GroupForm } from "../../_components/group-form";
import { describeTagSet, draftFromTagSet } from "../../_components/tag-set-draft";
import { GroupHosts } from "./group-hosts";
import { GroupWebhooks } from "./group-webhooks";

export function GroupView({ applicationName, groupName }: { applicationName: string; groupName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canEdit = useCan("deployer");
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const group = useQuery(trpc.deploymentGroups.get.queryOptions({ applicationName, deploymentGroupName: groupName }));
  const remove = useMutation(
    trpc.deploymentGroups.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deploymentGroups.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.applications.pathKey() });
        router.push(paths.application(applicationName));
      },
    }),
  );
  const crumbs = [
    { label: "Applications", href: paths.applications },
    { label: applicationName, href: paths.application(applicationName) },
    { label: groupName },
  ];

  if (group.isPending) return <LoadingRows rows={6} />;
  if (group.isError)
    return (
      <>
        <PageHeader title={groupName} crumbs={crumbs} />
        <ErrorState error={group.error} onRetry={() => group.refetch()} />
      </>
    );
  const g = group.data;
  const last = g.lastSuccessfulDeployment;
  const rollback = g.autoRollbackConfiguration;

  return (
    <>
      <PageHeader
        title={g.deploymentGroupName}
        crumbs={crumbs}
        description={`${g.matchingHostCount} host${g.matchingHostCount === 1 ? "" : "s"} match this group's tags now.`}
        actions={
          canEdit && !editing ? (
            <>
              <Button icon={<PencilIcon size={14} />} onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button variant="ghost" icon={<TrashIcon size={14} />} onClick={() => setDeleting(true)}>
                Delete
              </Button>
              <ButtonLink variant="primary" icon={<RocketIcon size={14} />} href={paths.deploy(applicationName, g.deploymentGroupName)}>
                Deploy
              </ButtonLink>
            </>
          ) : null
        }
      />
      {editing ? (
        <GroupForm
          applicationName={applicationName}
          initial={g}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            if (saved.deploymentGroupName !== groupName) router.replace(paths.group(applicationName, saved.deploymentGroupName));
          }}
        />
      ) : (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
          <div className="space-y-6">
            <Section title="Settings">
              <Facts
                items={[
                  { label: "Deployment config", value: g.deploymentConfigName },
                  {
                    label: "Automatic rollback",
                    value: rollback.enabled
                      ? rollback.events.map((e) => (e === "DEPLOYMENT_FAILURE" ? "on failure" : "on stop")).join(", ") || "enabled, no events"
                      : "Off",
                  },
                  { label: "Existing files", value: <span title={fileExistsHelp[g.fileExistsBehavior]}>{g.fileExistsBehavior}</span> },
                  {
                    label: "Last successful deployment",
                    value: last ? (
                      <Link href={paths.deployment(last.deploymentId)} className="hover:underline">
                        <span className="font-mono">{last.revisionId}</span> · <RelativeTime at={last.endTime ?? last.createTime} />
                      </Link>
                    ) : (
                      "None yet"
                    ),
                  },
                  {
                    label: "Last attempt",
                    value: g.lastAttemptedDeployment ? (
                      <Link href={paths.deployment(g.lastAttemptedDeployment.deploymentId)} className="inline-flex items-center gap-1.5 hover:underline">
                        <StatusBadge status={g.lastAttemptedDeployment.status} size="sm" />
                        <RelativeTime at={g.lastAttemptedDeployment.createTime} />
                      </Link>
                    ) : (
                      "None yet"
                    ),
                  },
                ]}
              />
              <div className="mt-4 border-t border-border pt-3">
                <p className="text-xs text-muted">Host tag rule</p>
                <p className="font-mono text-sm">{describeTagSet(draftFromTagSet(g.onPremisesTagSet))}</p>
              </div>
            </Section>
            <GroupHosts applicationName={applicationName} deploymentGroupName={g.deploymentGroupName} />
            {canEdit ? <GroupWebhooks applicationName={applicationName} deploymentGroupName={g.deploymentGroupName} /> : null}
            <Section title="Deployments">
              <DeploymentList applicationName={applicationName} deploymentGroupName={g.deploymentGroupName} showGroup={false} />
            </Section>
          </div>
          <div className="lg:sticky lg:top-16 lg:self-start">
            <HostPreview tagSet={g.onPremisesTagSet} />
          </div>
        </div>
      )}
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        onConfirm={() => remove.mutate({ applicationName, deploymentGroupName: g.deploymentGroupName })}
        title={`Delete ${g.deploymentGroupName}?`}
        confirmLabel="Delete deployment group"
        danger
        pending={remove.isPending}
        error={remove.error}
      >
        <p>The group and its deployment history are removed. Hosts and revisions stay. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Button, ButtonLink } from "../../../../_components/button";
import { ConfirmDialog } from "../../../../_components/dialog";
import { SelectField, TextField } from "../../../../_components/field";
import { HostPreview } from "../../../../_components/host-preview";
import { RocketIcon } from "../../../../_components/icons";
import { PageHeader, Section } from "../../../../_components/page-header";
import { EmptyState, ErrorState, InlineError, LoadingRows } from "../../../../_components/states";
import { fieldErrorsOf } from "../../../../_lib/errors";
import { formatBytes, formatDateTime, toDateTimeLocal } from "../../../../_lib/format";
import { paths } from "../../../../_lib/paths";
import { useCan } from "../../../../_lib/session";
import { useTRPC } from "../../../../_lib/trpc";
import { autoRollbackFor, DeploymentOptions, type DeploymentOptionsValue } from "./deployment-options";

type Props = { applicationName: string; initialGroup: string | null; initialRevision: string | null };

export function StartDeploymentView({ applicationName, initialGroup, initialRevision }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canDeploy = useCan("deployer");
  const groups = useQuery(trpc.deploymentGroups.list.queryOptions({ applicationName }));
  const revisions = useQuery(trpc.revisions.list.queryOptions({ applicationName, limit: 100 }));
  const configs = useQuery(trpc.deploymentConfigs.list.queryOptions());
  const [groupName, setGroupName] = useState(initialGroup ?? "");
  const [revisionId, setRevisionId] = useState(initialRevision ?? "");
  const [description, setDescription] = useState("");
  const [when, setWhen] = useState<"now" | "later">("now");
  const [startAt, setStartAt] = useState(() => toDateTimeLocal(Date.now() + 3_600_000));
  const [options, setOptions] = useState<DeploymentOptionsValue>({
    deploymentConfigName: "",
    fileExistsBehavior: "",
    ignoreApplicationStopFailures: false,
    rollback: "group",
  });
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    if (!groupName && groups.data?.length) setGroupName(groups.data[0].deploymentGroupName);
  }, [groups.data, groupName]);
  useEffect(() => {
    if (!revisionId && revisions.data?.items.length) setRevisionId(revisions.data.items[0].revisionId);
  }, [revisions.data, revisionId]);

  const create = useMutation(
    trpc.deployments.create.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        router.push(paths.deployment(r.deploymentId));
      },
    }),
  );
  const fields = fieldErrorsOf(create.error);
  const group = groups.data?.find((g) => g.deploymentGroupName === groupName);
  const reach = useQuery({
    ...trpc.deploymentGroups.previewHosts.queryOptions({ onPremisesTagSet: group?.onPremisesTagSet ?? [] }),
    enabled: confirming && !!group?.onPremisesTagSet.length,
  });
  const offline = reach.data?.filter((h) => h.status !== "Online") ?? [];
  const revision = revisions.data?.items.find((r) => r.revisionId === revisionId);
  const startTime = when === "later" ? new Date(startAt).getTime() : undefined;
  const crumbs = [
    { label: "Applications", href: paths.applications },
    { label: applicationName, href: paths.application(applicationName) },
    { label: "Deploy" },
  ];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setConfirming(true);
  };
  const confirm = () =>
    create.mutate({
      applicationName,
      deploymentGroupName: groupName,
      revisionId,
      description: description.trim() || undefined,
      deploymentConfigName: options.deploymentConfigName || undefined,
      fileExistsBehavior: options.fileExistsBehavior || undefined,
      ignoreApplicationStopFailures: options.ignoreApplicationStopFailures || undefined,
      autoRollback: autoRollbackFor(options.rollback),
      startAt: startTime && !Number.isNaN(startTime) ? startTime : undefined,
    });

  if (!canDeploy) return <EmptyState title="Your role cannot start deployments">Ask a deployer or admin.</EmptyState>;
  if (groups.isPending || revisions.isPending) return <LoadingRows rows={6} />;
  if (groups.isError || revisions.isError)
    return (
      <ErrorState
        error={groups.error ?? revisions.error}
        onRetry={() => {
          void groups.refetch();
          void revisions.refetch();
        }}
      />
    );
  if (groups.data.length === 0 || revisions.data.items.length === 0)
    return (
      <>
        <PageHeader title="Start a deployment" crumbs={crumbs} />
        <EmptyState
          title={groups.data.length === 0 ? "Create a deployment group first" : "Upload a revision first"}
          action={
            <ButtonLink href={groups.data.length === 0 ? paths.newGroup(applicationName) : `${paths.application(applicationName)}#revisions`}>
              {groups.data.length === 0 ? "New deployment group" : "Upload a revision"}
            </ButtonLink>
          }
        />
      </>
    );

  return (
    <>
      <PageHeader title="Start a deployment" crumbs={crumbs} description={`Deploy a revision of ${applicationName} to one of its deployment groups.`} />
      <form onSubmit={submit} className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
        <div className="space-y-6">
          <Section title="What and where">
            <div className="grid gap-4 sm:grid-cols-2">
              <SelectField label="Revision" value={revisionId} onChange={(e) => setRevisionId(e.target.value)} error={fields.revisionId}>
                {revisions.data.items.map((r) => (
                  <option key={r.revisionId} value={r.revisionId}>
                    {r.revisionId} · {formatDateTime(r.createTime)}
                    {r.description ? ` · ${r.description}` : ""}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Deployment group" value={groupName} onChange={(e) => setGroupName(e.target.value)} error={fields.deploymentGroupName}>
                {groups.data.map((g) => (
                  <option key={g.deploymentGroupId} value={g.deploymentGroupName}>
                    {g.deploymentGroupName} ({g.matchingHostCount} host{g.matchingHostCount === 1 ? "" : "s"})
                  </option>
                ))}
              </SelectField>
            </div>
            {revision ? (
              <p className="mt-2 text-xs text-muted">
                {formatBytes(revision.size)} {revision.bundleType} · hooks: {revision.hooks.length ? revision.hooks.join(", ") : "none"} · uploaded by{" "}
                {revision.uploadedBy?.email ?? "a deleted user"}
              </p>
            ) : null}
            <TextField
              className="mt-4"
              label="Description (optional)"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              error={fields.description}
              placeholder="Why this deployment"
            />
          </Section>
          <Section title="Options" description="Each defaults to the deployment group's setting.">
            <DeploymentOptions value={options} onChange={setOptions} group={group} configs={configs.data ?? []} />
          </Section>
          <Section title="When">
            <fieldset className="space-y-2">
              <legend className="sr-only">Start time</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name="when" checked={when === "now"} onChange={() => setWhen("now")} className="accent-[var(--accent)]" />
                Now
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name="when" checked={when === "later"} onChange={() => setWhen("later")} className="accent-[var(--accent)]" />
                At a scheduled time
              </label>
              {when === "later" ? (
                <TextField
                  className="ml-6 max-w-xs"
                  label="Start at (your local time)"
                  type="datetime-local"
                  value={startAt}
                  onChange={(e) => setStartAt(e.target.value)}
                  error={fields.startAt}
                />
              ) : null}
            </fieldset>
          </Section>
          {create.error && Object.keys(fields).length === 0 ? <InlineError error={create.error} /> : null}
          <div className="flex gap-2">
            <Button type="submit" variant="primary" icon={<RocketIcon size={14} />} disabled={!group || !revision}>
              {when === "now" ? "Review and deploy" : "Review and schedule"}
            </Button>
            <ButtonLink href={paths.application(applicationName)}>Cancel</ButtonLink>
          </div>
        </div>
        <div className="lg:sticky lg:top-16 lg:self-start">
          {group ? <HostPreview tagSet={group.onPremisesTagSet} title="This deployment will reach" /> : null}
        </div>
      </form>
      <ConfirmDialog
        open={confirming}
        onClose={() => {
          create.reset();
          setConfirming(false);
        }}
        onConfirm={confirm}
        title={when === "now" ? "Start this deployment?" : "Schedule this deployment?"}
        confirmLabel={when === "now" ? "Deploy now" : "Schedule"}
        pending={create.isPending}
        error={create.error}
      >
        <p>
          <span className="font-mono text-fg">{revisionId}</span> to <span className="font-medium text-fg">{groupName}</span> ({group?.matchingHostCount ?? 0}{" "}
          host
          {group?.matchingHostCount === 1 ? "" : "s"} match now)
          {when === "later" && startTime ? <>, starting {formatDateTime(startTime)}</> : null}, using{" "}
          {options.deploymentConfigName || group?.deploymentConfigName}.
        </p>
        {offline.length > 0 ? (
          <p role="alert" className="mt-3 rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-xs text-fg" data-testid="offline-warning">
            {offline.length === 1 ? "1 host is offline" : `${offline.length} hosts are offline`}:{" "}
            <span className="font-mono">
              {offline
                .slice(0, 5)
                .map((h) => h.hostName)
                .join(", ")}
            </span>
            {offline.length > 5 ? ` and ${offline.length - 5} more` : ""}. When its turn comes, each fails unless its agent connects within the agent grace
            period (60 s unless the server sets LANDLINE_AGENT_GRACE_SECONDS), which counts against the minimum healthy hosts.
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

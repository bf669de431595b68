"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { WebhookView } from "@/server/contracts/webhooks";
import { Button } from "../../../../../_components/button";
import { ConfirmDialog } from "../../../../../_components/dialog";
import { PlusIcon } from "../../../../../_components/icons";
import { Section } from "../../../../../_components/page-header";
import { ErrorState, InlineError, LoadingRows } from "../../../../../_components/states";
import { useTRPC } from "../../../../../_lib/trpc";
import { WebhookDialog } from "./webhook-dialog";

/** The group's webhooks: who hears about its deployments. Deployers manage them. */
export function GroupWebhooks({ applicationName, deploymentGroupName }: { applicationName: string; deploymentGroupName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<WebhookView | null>(null);
  const hooks = useQuery(trpc.webhooks.list.queryOptions({ applicationName, deploymentGroupName }));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setDeleting(null);
      },
    }),
  );
  return (
    <Section
      title="Notifications"
      description="Webhooks that receive this group's deployment events, signed with their secret."
      actions={
        <Button size="sm" icon={<PlusIcon size={12} />} onClick={() => setAdding(true)}>
          Add webhook
        </Button>
      }
    >
      {hooks.isPending ? (
        <LoadingRows rows={2} />
      ) : hooks.isError ? (
        <ErrorState error={hooks.error} onRetry={() => hooks.refetch()} />
      ) : hooks.data.length === 0 ? (
        <p className="text-sm text-muted">No webhooks. Add one to tell a chat channel or a pipeline when deployments finish.</p>
      ) : (
        <ul className="divide-y divide-border">
          {hooks.data.map((h) => (
            <li key={h.id} className="flex flex-wrap items-center gap-3 py-2">
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium">
                  {h.name} <span className="text-xs font-normal text-faint">{h.format}</span>
                  {!h.enabled ? <span className="ml-2 text-xs font-medium text-warn">paused</span> : null}
                </p>
                <p className="truncate font-mono text-xs text-muted" title={h.url}>
                  {h.url}
                </p>
                <p className="truncate text-[11px] text-faint">{h.events.join(", ")}</p>
              </div>
              <Button size="sm" variant="ghost" onClick={() => update.mutate({ webhookId: h.id, enabled: !h.enabled })}>
                {h.enabled ? "Pause" : "Resume"}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setDeleting(h)}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      {update.error ? <InlineError error={update.error} /> : null}
      <WebhookDialog open={adding} onClose={() => setAdding(false)} applicationName={applicationName} deploymentGroupName={deploymentGroupName} />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => {
          remove.reset();
          setDeleting(null);
        }}
        onConfirm={() => deleting && remove.mutate({ webhookId: deleting.id })}
        title={`Delete ${deleting?.name ?? ""}?`}
        confirmLabel="Delete webhook"
        danger
        pending={remove.isPending}
        error={remove.error}
      >
        <p>Pending deliveries to it are dropped.</p>
      </ConfirmDialog>
    </Section>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { DeploymentSummary } from "@/server/contracts/deployment";
import { Button } from "../../_components/button";
import { CalendarIcon } from "../../_components/icons";
import { RelativeTime } from "../../_components/relative-time";
import { InlineError } from "../../_components/states";
import { formatDateTime, toDateTimeLocal } from "../../_lib/format";
import { paths } from "../../_lib/paths";
import { useCan } from "../../_lib/session";
import { useTRPC } from "../../_lib/trpc";

/** Deployments waiting for their start time; deployers can move or cancel them in place. */
export function ScheduledList() {
  const trpc = useTRPC();
  const scheduled = useQuery(trpc.deployments.list.queryOptions({ status: "Scheduled", limit: 50 }));
  const items = scheduled.data?.items ?? [];
  if (items.length === 0) return null;
  const sorted = [...items].sort((a, b) => (a.startAt ?? 0) - (b.startAt ?? 0));
  return (
    <section className="mb-6 rounded-lg border border-border bg-surface" aria-labelledby="scheduled-heading">
      <h2 id="scheduled-heading" className="flex items-center gap-2 border-b border-border px-4 py-2.5 text-sm font-semibold">
        <CalendarIcon size={14} className="text-warn" /> Scheduled
      </h2>
      <ul className="divide-y divide-border">
        {sorted.map((d) => (
          <ScheduledRow key={d.deploymentId} d={d} />
        ))}
      </ul>
    </section>
  );
}

function ScheduledRow({ d }: { d: DeploymentSummary }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canDeploy = useCan("deployer");
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(d.startAt ? toDateTimeLocal(d.startAt) : "");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
  const reschedule = useMutation(
    trpc.deployments.updateSchedule.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await refresh();
      },
    }),
  );
  const cancel = useMutation(trpc.deployments.cancelScheduled.mutationOptions({ onSuccess: refresh }));
  return (
    <li className="flex flex-wrap items-center gap-3 px-4 py-2.5">
      <div className="min-w-0 flex-1">
        <Link href={paths.deployment(d.deploymentId)} className="font-mono text-xs font-medium hover:underline">
          {d.deploymentId}
        </Link>
        <span className="ml-2 text-xs text-muted">
          {d.applicationName} / {d.deploymentGroupName} · <span className="font-mono">{d.revisionId}</span>
        </span>
      </div>
      {editing ? (
        <form
          className="flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const t = new Date(value).getTime();
            if (!Number.isNaN(t)) reschedule.mutate({ deploymentId: d.deploymentId, startAt: t });
          }}
        >
          <input
            type="datetime-local"
            aria-label={`New start time for ${d.deploymentId}`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            className="h-7 rounded-md border border-border-strong bg-surface px-2 text-xs"
            required
          />
          <Button type="submit" size="sm" variant="primary" pending={reschedule.isPending}>
            Save
          </Button>
          <Button size="sm" onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </form>
      ) : (
        <span className="text-xs" title={formatDateTime(d.startAt)}>
          Starts <RelativeTime at={d.startAt} /> <span className="text-muted">({formatDateTime(d.startAt)})</span>
        </span>
      )}
      {canDeploy && !editing ? (
        <span className="flex gap-1">
          <Button size="sm" onClick={() => setEditing(true)}>
            Change
          </Button>
          <Button size="sm" variant="ghost" onClick={() => cancel.mutate({ deploymentId: d.deploymentId })} pending={cancel.isPending}>
            Cancel deployment
          </Button>
        </span>
      ) : null}
      {reschedule.error || cancel.error ? (
        <div className="w-full">
          <InlineError error={reschedule.error ?? cancel.error} />
        </div>
      ) : null}
    </li>
  );
}

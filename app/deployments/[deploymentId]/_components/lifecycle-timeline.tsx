"use client";

import Link from "next/link";
import type { LifecycleEventInfo } from "@/server/contracts/deployment";
import { StatusIcon, statusLabel } from "../../../_components/status-badge";
import { durationBetween } from "../../../_lib/format";
import { paths } from "../../../_lib/paths";
import { useNow } from "../../../_lib/use-now";

/** One row per lifecycle event: status, duration and whose script ran; selecting one filters the log. */
export function LifecycleTimeline({
  events,
  deploymentId,
  revisionId,
  selected,
  onSelect,
}: {
  events: LifecycleEventInfo[];
  deploymentId: string;
  revisionId: string;
  selected: string;
  onSelect: (name: string) => void;
}) {
  const running = events.some((e) => e.status === "InProgress");
  const now = useNow(1000, running);
  return (
    <ol className="grid grid-cols-[minmax(0,1fr)] gap-1 sm:grid-cols-2 xl:grid-cols-4" aria-label="Lifecycle events">
      {events.map((e) => {
        const isSelected = selected === e.lifecycleEventName;
        const otherRevision = e.scriptRevisionId && e.scriptRevisionId !== revisionId;
        return (
          <li key={e.lifecycleEventName}>
            <button
              type="button"
              onClick={() => onSelect(isSelected ? "" : e.lifecycleEventName)}
              aria-pressed={isSelected}
              className={`flex w-full items-start gap-2 rounded-md border px-2.5 py-2 text-left transition-colors ${isSelected ? "border-accent bg-accent/5" : "border-border bg-surface hover:border-border-strong"}`}
              title={`${e.lifecycleEventName}: ${statusLabel(e.status)}. Click to show only its output.`}
            >
              <span className="mt-0.5">
                <StatusIcon status={e.status} />
              </span>
              <span className="min-w-0 flex-1">
                <span className="flex items-baseline justify-between gap-2">
                  <span className="truncate text-xs font-medium">{e.lifecycleEventName}</span>
                  <span className="shrink-0 text-[11px] tabular-nums text-muted">{e.startTime ? durationBetween(e.startTime, e.endTime, now) : ""}</span>
                </span>
                <span className="block text-[11px] text-muted">
                  {statusLabel(e.status)}
                  {e.diagnostics && e.diagnostics.errorCode !== "Success" ? <span className="text-fail"> · {e.diagnostics.errorCode}</span> : null}
                </span>
                {e.scriptRevisionId ? (
                  <span className={`block truncate text-[11px] ${otherRevision ? "text-warn" : "text-faint"}`}>
                    {otherRevision ? "previous revision's script: " : "script from "}
                    <span className="font-mono">{e.scriptRevisionId}</span>
                  </span>
                ) : null}
              </span>
            </button>
            {otherRevision && e.scriptDeploymentId && e.scriptDeploymentId !== deploymentId ? (
              <Link
                href={paths.deployment(e.scriptDeploymentId)}
                title={`installed by ${e.scriptDeploymentId}`}
                className="block truncate pl-8 text-[11px] text-muted hover:underline"
              >
                installed by {e.scriptDeploymentId}
              </Link>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

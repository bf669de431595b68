"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { tagSetSchema, type TagSet } from "@/server/contracts/resources";
import { paths } from "../_lib/paths";
import { useDebounced } from "../_lib/use-debounced";
import { useTRPC } from "../_lib/trpc";
import { ServerIcon, SpinnerIcon } from "./icons";
import { ErrorState } from "./states";
import { OnlineBadge } from "./status-badge";
import { TagChips } from "./tag-chips";

const SHOWN = 100;

/** The registered hosts a tag set selects right now, re-evaluated as the user types. */
export function HostPreview({ tagSet, title = "Matching hosts" }: { tagSet: TagSet; title?: string }) {
  const trpc = useTRPC();
  const debounced = useDebounced(tagSet, 350);
  const valid = tagSetSchema.safeParse(debounced).success && debounced.length > 0;
  const preview = useQuery({
    ...trpc.deploymentGroups.previewHosts.queryOptions({ onPremisesTagSet: debounced }),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  const hosts = valid ? (preview.data ?? []) : [];
  const online = hosts.filter((h) => h.status === "Online").length;
  const typing = JSON.stringify(tagSet) !== JSON.stringify(debounced);

  return (
    <div className="rounded-lg border border-border bg-surface" aria-live="polite">
      <div className="flex items-center justify-between border-b border-border px-3 py-2">
        <h3 className="text-sm font-semibold">{title}</h3>
        {preview.isFetching || typing ? <SpinnerIcon size={14} className="animate-spin text-faint" aria-label="Updating" /> : null}
      </div>
      <div className="p-3">
        {!valid ? (
          <p className="text-sm text-muted">Complete at least one filter to see which hosts match.</p>
        ) : preview.isError ? (
          <ErrorState error={preview.error} title="Could not evaluate the filters" />
        ) : preview.isPending ? (
          <p className="text-sm text-muted">Evaluating…</p>
        ) : (
          <>
            <p className="mb-2 text-sm">
              <span className="text-lg font-semibold tabular-nums">{hosts.length}</span>{" "}
              <span className="text-muted">{hosts.length === 1 ? "host matches" : "hosts match"}</span>
              {hosts.length > 0 ? (
                <span className="text-xs text-muted">
                  {" "}
                  · {online} online, {hosts.length - online} offline
                </span>
              ) : null}
            </p>
            {hosts.length === 0 ? (
              <p className="flex items-center gap-2 text-sm text-muted">
                <ServerIcon size={14} /> No registered host carries these tags.
              </p>
            ) : (
              <ul className="max-h-72 divide-y divide-border overflow-y-auto">
                {hosts.slice(0, SHOWN).map((h) => (
                  <li key={h.hostId} className="flex flex-wrap items-center justify-between gap-2 py-1.5">
                    <Link href={paths.host(h.hostName)} className="font-mono text-xs text-fg hover:underline">
                      {h.hostName}
                    </Link>
                    <span className="flex items-center gap-3">
                      <TagChips tags={h.tags} max={3} />
                      <OnlineBadge online={h.status === "Online"} />
                    </span>
                  </li>
                ))}
                {hosts.length > SHOWN ? <li className="py-1.5 text-xs text-muted">and {hosts.length - SHOWN} more</li> : null}
              </ul>
            )}
          </>
        )}
      </div>
    </div>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { HostInfo } from "@/server/contracts/catalog";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Button } from "../../_components/button";
import { ConfirmMutationDialog } from "../../_components/confirm-mutation-dialog";
import { SearchInput } from "../../_components/field";
import { PlusIcon, ServerIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { RelativeTime } from "../../_components/relative-time";
import { OnlineBadge, StatusBadge } from "../../_components/status-badge";
import { EmptyState, ErrorState, InlineError, LoadingRows } from "../../_components/states";
import { Table, Td, Th, Tr } from "../../_components/table";
import { TagChips } from "../../_components/tag-chips";
import { paths } from "../../_lib/paths";
import { useCan } from "../../_lib/session";
import { useTRPC } from "../../_lib/trpc";
import { AddHostDialog } from "../../_components/add-host-dialog";
import { useLiveHosts } from "../../_lib/use-live-hosts";
import { ConnectionChurnWarning } from "./connection-churn-warning";

type Filter = "all" | "Online" | "Offline";

/** Rows rendered at first; a big fleet is narrowed by the filters or revealed a page at a time. */
const PAGE = 200;

export function HostsView() {
  const trpc = useTRPC();
  const canAdd = useCan("deployer");
  const canApprove = useCan("admin");
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState<HostInfo | null>(null);
  const refreshHosts = () => queryClient.invalidateQueries({ queryKey: trpc.hosts.pathKey() });
  const approve = useMutation(trpc.hosts.approve.mutationOptions({ onSuccess: refreshHosts }));
  const reject = useMutation(
    trpc.hosts.reject.mutationOptions({
      onSuccess: async () => {
        await refreshHosts();
        setRejecting(null);
      },
    }),
  );
  const [adding, setAdding] = useState(false);
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [limit, setLimit] = useState(PAGE);
  const hosts = useQuery(trpc.hosts.list.queryOptions({}));
  useLiveHosts();

  const registered = useMemo(() => (hosts.data ?? []).filter((h) => h.status !== "Deregistered"), [hosts.data]);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return registered.filter(
      (h) =>
        (filter === "all" || h.status === filter) &&
        (!q || h.hostName.toLowerCase().includes(q) || h.tags.some((t) => `${t.key}=${t.value}`.toLowerCase().includes(q))),
    );
  }, [registered, search, filter]);
  const online = registered.filter((h) => h.status === "Online").length;
  const pending = registered.filter((h) => h.approval === "pending").length;

  return (
    <>
      <PageHeader
        title="Hosts"
        description={
          hosts.data
            ? `${online} online, ${registered.length - online} offline${pending ? `, ${pending} waiting for approval` : ""}. Agents dial out to Landline; no inbound port needed.`
            : "Machines running the Landline agent."
        }
        actions={
          canAdd ? (
            <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setAdding(true)}>
              Add a host
            </Button>
          ) : null
        }
      />
      {hosts.isPending ? (
        <LoadingRows rows={6} />
      ) : hosts.isError ? (
        <ErrorState error={hosts.error} onRetry={() => hosts.refetch()} />
      ) : registered.length === 0 ? (
        <EmptyState
          icon={<ServerIcon size={28} />}
          title="No hosts yet"
          action={
            canAdd ? (
              <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setAdding(true)}>
                Add your first host
              </Button>
            ) : null
          }
        >
          Run the agent on a machine with an enrollment token; it appears here as soon as it connects.
        </EmptyState>
      ) : (
        <>
          <div className="mb-3 flex flex-wrap items-center gap-2">
            <SearchInput label="Filter by name or tag" value={search} onChange={(e) => setSearch(e.target.value)} className="max-w-xs" />
            <div role="group" aria-label="Status filter" className="inline-flex rounded-md border border-border-strong bg-surface p-0.5">
              {(["all", "Online", "Offline"] as const).map((f) => (
                <button
                  key={f}
                  type="button"
                  aria-pressed={filter === f}
                  onClick={() => setFilter(f)}
                  className={`rounded px-2.5 py-1 text-xs ${filter === f ? "bg-surface-2 font-medium text-fg" : "text-muted hover:text-fg"}`}
                >
                  {f === "all" ? "All" : f}
                </button>
              ))}
            </div>
            <span className="text-xs text-muted">{shown.length} shown</span>
          </div>
          {approve.error ? <InlineError error={approve.error} /> : null}
          <Table label="Hosts">
            <thead>
              <tr>
                <Th>Host</Th>
                <Th>Status</Th>
                <Th className="hidden md:table-cell">Tags</Th>
                <Th className="hidden lg:table-cell">Agent</Th>
                <Th className="hidden sm:table-cell">Last seen</Th>
                <Th className="hidden lg:table-cell">Current deployment</Th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, limit).map((h) => (
                <Tr key={h.hostId}>
                  <Td>
                    <Link href={paths.host(h.hostName)} className="font-mono text-xs font-medium hover:underline">
                      {h.hostName}
                    </Link>
                  </Td>
                  <Td>
                    <span className="inline-flex flex-wrap items-center gap-2">
                      <OnlineBadge online={h.status === "Online"} />
                      {h.connectionChurn ? <ConnectionChurnWarning churn={h.connectionChurn} compact /> : null}
                    </span>
                    {h.approval === "pending" ? (
                      <span className="mt-1 block text-xs font-medium text-warn">
                        Pending approval: receives no deployment
                        {canApprove ? (
                          <span className="mt-1 flex gap-1.5">
                            <Button
                              size="sm"
                              variant="primary"
                              pending={approve.isPending && approve.variables?.hostName === h.hostName}
                              onClick={() => approve.mutate({ hostName: h.hostName })}
                            >
                              Approve
                            </Button>
                            <Button size="sm" variant="ghost" onClick={() => setRejecting(h)}>
                              Reject
                            </Button>
                          </span>
                        ) : null}
                      </span>
                    ) : null}
                  </Td>
                  <Td className="hidden md:table-cell">
                    <TagChips tags={h.tags} max={4} />
                  </Td>
                  <Td className="hidden font-mono text-xs text-muted lg:table-cell">{h.agentVersion ?? "—"}</Td>
                  <Td className="hidden text-xs text-muted sm:table-cell">{h.status === "Online" ? "now" : <RelativeTime at={h.lastSeenAt} />}</Td>
                  <Td className="hidden lg:table-cell">
                    {h.currentDeployment ? (
                      <Link
                        href={paths.deployment(h.currentDeployment.deploymentId, h.currentDeployment.targetId)}
                        className="inline-flex items-center gap-1.5 font-mono text-xs hover:underline"
                      >
                        {h.currentDeployment.deploymentId}
                        <StatusBadge status={h.currentDeployment.status} size="sm" />
                      </Link>
                    ) : (
                      <span className="text-xs text-faint">Idle</span>
                    )}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          {shown.length > limit ? (
            <div className="mt-3 flex justify-center">
              <Button onClick={() => setLimit((l) => l + PAGE)}>
                Show {Math.min(PAGE, shown.length - limit)} more of {shown.length - limit}
              </Button>
            </div>
          ) : null}
        </>
      )}
      <AddHostDialog open={adding} onClose={() => setAdding(false)} />
      <ConfirmMutationDialog
        target={rejecting}
        onClose={() => setRejecting(null)}
        onConfirm={(h) => reject.mutate({ hostName: h.hostName })}
        mutation={reject}
        title={`Reject ${rejecting?.hostName ?? "this host"}?`}
        confirmLabel="Reject host"
      >
        <p>The host is deregistered: its agent&apos;s credential stops working and it never receives a deployment.</p>
      </ConfirmMutationDialog>
    </>
  );
}

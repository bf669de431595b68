"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../_components/button";
import { TextField } from "../../_components/field";
import { ListIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { EmptyState, ErrorState, LoadingRows } from "../../_components/states";
import { Table, Td, Th, Tr } from "../../_components/table";
import { formatDateTime } from "../../_lib/format";
import { useCan } from "../../_lib/session";
import { useDebounced } from "../../_lib/use-debounced";
import { useTRPC } from "../../_lib/trpc";
import { AuditDetails } from "./audit-details";

function toEpoch(local: string): number | undefined {
  if (!local) return undefined;
  const t = new Date(local).getTime();
  return Number.isNaN(t) ? undefined : t;
}

export function AuditLogView() {
  const trpc = useTRPC();
  const isAdmin = useCan("admin");
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [resourceType, setResourceType] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const filters = useDebounced(
    {
      actor: actor.trim() || undefined,
      action: action.trim() || undefined,
      resourceType: resourceType.trim() || undefined,
      from: toEpoch(from),
      to: toEpoch(to),
    },
    300,
  );
  const log = useInfiniteQuery({
    ...trpc.auditLog.list.infiniteQueryOptions({ ...filters, limit: 50 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    enabled: isAdmin,
  });
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.values(filters).some((v) => v !== undefined);

  if (!isAdmin) return <EmptyState title="Only admins can read the audit log" />;
  return (
    <>
      <PageHeader title="Audit log" description="Every change and sign-in, who made it and from where. Secrets are never recorded." />
      <div className="mb-4 grid grid-cols-[minmax(0,1fr)] gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <TextField label="Actor" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="email or part of it" />
        <TextField label="Action" value={action} onChange={(e) => setAction(e.target.value)} placeholder="deployments.create" />
        <TextField label="Resource type" value={resourceType} onChange={(e) => setResourceType(e.target.value)} placeholder="deployment" />
        <TextField label="From" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        <TextField label="To" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      {log.isPending ? (
        <LoadingRows rows={8} />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => log.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<ListIcon size={28} />} title={filtered ? "No entries match these filters" : "Nothing recorded yet"} />
      ) : (
        <>
          <Table label="Audit log">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th className="hidden md:table-cell">Resource</Th>
                <Th className="hidden lg:table-cell">Details</Th>
                <Th className="hidden xl:table-cell">Address</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Tr key={r.id}>
                  <Td className="whitespace-nowrap text-xs text-muted">{formatDateTime(r.at)}</Td>
                  <Td className="text-xs">{r.actor}</Td>
                  <Td>
                    <span className="font-mono text-xs">{r.action}</span>
                  </Td>
                  <Td className="hidden text-xs md:table-cell">
                    <span className="text-muted">{r.resourceType}</span>
                    {r.resourceId ? (
                      <span className="ml-1 font-mono text-[11px]" title={r.resourceId}>
                        {r.resourceId.length > 14 ? `${r.resourceId.slice(0, 8)}…` : r.resourceId}
                      </span>
                    ) : null}
                  </Td>
                  <Td className="hidden max-w-md lg:table-cell">
                    <AuditDetails details={r.details} />
                  </Td>
                  <Td className="hidden font-mono text-[11px] text-muted xl:table-cell">{r.ip ?? "—"}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          {log.hasNextPage ? (
            <div className="mt-3 flex justify-center">
              <Button onClick={() => log.fetchNextPage()} pending={log.isFetchingNextPage}>
                Load older entries
              </Button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}

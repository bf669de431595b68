"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { FleetMatrixCell } from "@/server/contracts/catalog";
import { Section } from "../../_components/page-header";
import { StatusBadge } from "../../_components/status-badge";
import { ErrorState, LoadingRows } from "../../_components/states";
import { paths } from "../../_lib/paths";
import { useTRPC } from "../../_lib/trpc";

function Cell({ cell }: { cell: FleetMatrixCell }) {
  const pending = cell.latest && cell.latest.revisionId !== cell.revisionId;
  return (
    <div className="min-w-0">
      <p className="font-mono text-xs">{cell.revisionId ?? <span className="font-sans text-muted">Nothing deployed</span>}</p>
      {cell.latest ? (
        <Link href={paths.deployment(cell.latest.deploymentId)} className="mt-0.5 inline-flex max-w-full items-center gap-1 text-xs hover:underline">
          <StatusBadge status={cell.latest.status} size="sm" />
          {pending ? <span className="truncate font-mono text-muted">{cell.latest.revisionId}</span> : null}
        </Link>
      ) : null}
    </div>
  );
}

/** Applications x deployment groups: the revision each group last deployed successfully and its newest deployment's state. */
export function FleetMatrix() {
  const trpc = useTRPC();
  const q = useQuery(trpc.deploymentGroups.matrix.queryOptions());
  if (q.data && q.data.length === 0) return null;
  const cells = q.data ?? [];
  const appNames = [...new Set(cells.map((c) => c.applicationName))];
  const groupNames = [...new Set(cells.map((c) => c.deploymentGroupName))].sort();
  const at = new Map(cells.map((c) => [`${c.applicationName}\u0000${c.deploymentGroupName}`, c]));
  return (
    <Section title="What runs where" description="The revision each deployment group last deployed successfully, and how its newest deployment went.">
      {q.isPending ? (
        <LoadingRows rows={3} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <>
          <div className="hidden overflow-x-auto rounded-lg border border-border bg-surface md:block">
            <table className="w-full border-collapse text-sm" aria-label="Revisions by application and deployment group">
              <thead>
                <tr>
                  <th scope="col" className="border-b border-border bg-surface-2/60 px-3 py-2 text-left text-xs font-medium text-muted">
                    Application
                  </th>
                  {groupNames.map((g) => (
                    <th key={g} scope="col" className="border-b border-border bg-surface-2/60 px-3 py-2 text-left text-xs font-medium text-muted">
                      {g}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {appNames.map((a) => (
                  <tr key={a} className="border-b border-border last:border-b-0">
                    <th scope="row" className="px-3 py-2 text-left font-medium">
                      <Link href={paths.application(a)} className="hover:underline">
                        {a}
                      </Link>
                    </th>
                    {groupNames.map((g) => {
                      const cell = at.get(`${a}\u0000${g}`);
                      return (
                        <td key={g} className="px-3 py-2 align-top" data-testid={`matrix-${a}-${g}`}>
                          {cell ? <Cell cell={cell} /> : <span className="text-xs text-muted">—</span>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="space-y-2 md:hidden" aria-label="Revisions by application and deployment group">
            {cells.map((c) => (
              <li key={`${c.applicationName}/${c.deploymentGroupName}`} className="rounded-lg border border-border bg-surface px-3 py-2">
                <p className="text-sm font-medium">
                  {c.applicationName} <span className="text-muted">/ {c.deploymentGroupName}</span>
                </p>
                <Cell cell={c} />
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

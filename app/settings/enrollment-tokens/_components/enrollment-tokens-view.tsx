"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { EnrollmentTokenStatus, EnrollmentTokenSummary } from "@/server/contracts/accounts";
import { Button } from "../../../_components/button";
import { ConfirmMutationDialog } from "../../../_components/confirm-mutation-dialog";
import { LayersIcon, PlusIcon } from "../../../_components/icons";
import { PageHeader } from "../../../_components/page-header";
import { RelativeTime } from "../../../_components/relative-time";
import { QueryTable } from "../../../_components/query-table";
import { EmptyState } from "../../../_components/states";
import { Td, Th, Tr } from "../../../_components/table";
import { TagChips } from "../../../_components/tag-chips";
import { useCan } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";
import { AddHostDialog } from "../../../_components/add-host-dialog";

const statusClass: Record<EnrollmentTokenStatus, string> = {
  active: "text-ok",
  expired: "text-warn",
  exhausted: "text-idle",
  revoked: "text-idle",
};

export function EnrollmentTokensView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useCan("deployer");
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<EnrollmentTokenSummary | null>(null);
  const tokens = useQuery(trpc.enrollmentTokens.list.queryOptions());
  const revoke = useMutation(
    trpc.enrollmentTokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.enrollmentTokens.pathKey() });
        setRevoking(null);
      },
    }),
  );
  return (
    <>
      <PageHeader
        title="Enrollment tokens"
        description="A host presents one of these once, to receive its own credential. Tokens are single-use and short-lived by default."
        actions={
          canManage ? (
            <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setCreating(true)}>
              Add a host
            </Button>
          ) : null
        }
      />
      <QueryTable
        query={tokens}
        label="Enrollment tokens"
        empty={
          <EmptyState icon={<LayersIcon size={28} />} title="No enrollment tokens">
            &ldquo;Add a host&rdquo; creates one together with the command to run.
          </EmptyState>
        }
        columns={
          <>
            <Th>Token</Th>
            <Th className="hidden sm:table-cell">Uses</Th>
            <Th className="hidden md:table-cell">Tags</Th>
            <Th className="hidden md:table-cell">Created</Th>
            <Th className="hidden sm:table-cell">Expires</Th>
            <Th>Status</Th>
          </>
        }
      >
        {(rows) =>
          rows.map((t) => (
            <Tr key={t.id}>
              <Td>
                <p className="font-medium">{t.name ?? "Unnamed"}</p>
                <p className="font-mono text-[11px] text-faint">{t.prefix}…</p>
              </Td>
              <Td className="hidden tabular-nums text-xs sm:table-cell">
                {t.uses} / {t.maxUses ?? "∞"}
              </Td>
              <Td className="hidden md:table-cell">
                <TagChips tags={t.tags} empty="—" />
                <p className="mt-0.5 text-[11px] text-faint">
                  {t.allowHostTags ? "Hosts may add their own" : "Fixed"}
                  {t.requireApproval ? " · needs approval" : ""}
                </p>
              </Td>
              <Td className="hidden text-xs text-muted md:table-cell">
                <RelativeTime at={t.createdAt} />
                {t.createdByEmail ? <span className="block text-faint">{t.createdByEmail}</span> : null}
              </Td>
              <Td className="hidden text-xs text-muted sm:table-cell">{t.expiresAt ? <RelativeTime at={t.expiresAt} /> : "Never"}</Td>
              <Td className={`text-xs font-medium capitalize ${statusClass[t.status]}`}>{t.status}</Td>
              <Td className="text-right">
                {canManage && t.status === "active" ? (
                  <Button size="sm" variant="ghost" onClick={() => setRevoking(t)}>
                    Revoke
                  </Button>
                ) : null}
              </Td>
            </Tr>
          ))
        }
      </QueryTable>
      <AddHostDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmMutationDialog
        target={revoking}
        onClose={() => setRevoking(null)}
        onConfirm={(t) => revoke.mutate({ id: t.id })}
        mutation={revoke}
        title="Revoke this enrollment token?"
        confirmLabel="Revoke token"
      >
        <p>Hosts already enrolled keep working; no new host can enroll with it.</p>
      </ConfirmMutationDialog>
    </>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { EnrollmentTokenStatus, EnrollmentTokenSummary } from "@/server/contracts/accounts";
import { Button } from "../../../_components/button";
import { ConfirmDialog } from "../../../_components/dialog";
import { LayersIcon, PlusIcon } from "../../../_components/icons";
import { PageHeader } from "../../../_components/page-header";
import { RelativeTime } from "../../../_components/relative-time";
import { EmptyState, ErrorState, LoadingRows } from "../../../_components/states";
import { Table, Td, Th, Tr } from "../../../_components/table";
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
      {tokens.isPending ? (
        <LoadingRows />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState icon={<LayersIcon size={28} />} title="No enrollment tokens">
          &ldquo;Add a host&rdquo; creates one together with the command to run.
        </EmptyState>
      ) : (
        <Table label="Enrollment tokens">
          <thead>
            <tr>
              <Th>Token</Th>
              <Th className="hidden sm:table-cell">Uses</Th>
              <Th className="hidden md:table-cell">Tags</Th>
              <Th className="hidden md:table-cell">Created</Th>
              <Th className="hidden sm:table-cell">Expires</Th>
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
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
            ))}
          </tbody>
        </Table>
      )}
      <AddHostDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => {
          revoke.reset();
          setRevoking(null);
        }}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        title="Revoke this enrollment token?"
        confirmLabel="Revoke token"
        danger
        pending={revoke.isPending}
        error={revoke.error}
      >
        <p>Hosts already enrolled keep working; no new host can enroll with it.</p>
      </ConfirmDialog>
    </>
  );
}

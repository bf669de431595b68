"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ApiTokenSummary } from "@/server/contracts/accounts";
import { Button } from "../../../_components/button";
import { ConfirmMutationDialog } from "../../../_components/confirm-mutation-dialog";
import { CheckboxField } from "../../../_components/field";
import { KeyIcon, PlusIcon } from "../../../_components/icons";
import { PageHeader } from "../../../_components/page-header";
import { RelativeTime } from "../../../_components/relative-time";
import { QueryTable } from "../../../_components/query-table";
import { EmptyState } from "../../../_components/states";
import { Td, Th, Tr } from "../../../_components/table";
import { useCan } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";
import { CreateApiTokenDialog } from "./create-api-token-dialog";

function tokenState(t: ApiTokenSummary): { label: string; className: string } {
  if (t.revokedAt) return { label: "Revoked", className: "text-idle" };
  if (t.expiresAt && t.expiresAt <= Date.now()) return { label: "Expired", className: "text-warn" };
  return { label: "Active", className: "text-ok" };
}

export function ApiTokensView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = useCan("admin");
  const [all, setAll] = useState(false);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenSummary | null>(null);
  const tokens = useQuery(trpc.apiTokens.list.queryOptions(all ? { all: true } : undefined));
  const revoke = useMutation(
    trpc.apiTokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.apiTokens.pathKey() });
        setRevoking(null);
      },
    }),
  );
  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          <>
            For scripts, CI and the CLI: send <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>. A token never acts above its
            owner&apos;s role.
          </>
        }
        actions={
          <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setCreating(true)}>
            New token
          </Button>
        }
      />
      {isAdmin ? <CheckboxField className="mb-3" label="Show every user's tokens" checked={all} onChange={(e) => setAll(e.target.checked)} /> : null}
      <QueryTable
        query={tokens}
        label="API tokens"
        empty={
          <EmptyState icon={<KeyIcon size={28} />} title="No API tokens">
            Create one to call Landline from a pipeline.
          </EmptyState>
        }
        columns={
          <>
            <Th>Name</Th>
            <Th>Role</Th>
            {all ? <Th>Owner</Th> : null}
            <Th className="hidden md:table-cell">Last used</Th>
            <Th className="hidden md:table-cell">Expires</Th>
            <Th>Status</Th>
          </>
        }
      >
        {(rows) =>
          rows.map((t) => {
            const state = tokenState(t);
            return (
              <Tr key={t.id}>
                <Td>
                  <p className="font-medium">{t.name}</p>
                  <p className="font-mono text-[11px] text-faint">{t.prefix}…</p>
                </Td>
                <Td className="text-xs capitalize">{t.role}</Td>
                {all ? <Td className="text-xs text-muted">{t.userEmail}</Td> : null}
                <Td className="hidden text-xs text-muted md:table-cell">
                  <RelativeTime at={t.lastUsedAt} />
                </Td>
                <Td className="hidden text-xs text-muted md:table-cell">{t.expiresAt ? <RelativeTime at={t.expiresAt} /> : "Never"}</Td>
                <Td className={`text-xs font-medium ${state.className}`}>{state.label}</Td>
                <Td className="text-right">
                  {!t.revokedAt ? (
                    <Button size="sm" variant="ghost" onClick={() => setRevoking(t)}>
                      Revoke
                    </Button>
                  ) : null}
                </Td>
              </Tr>
            );
          })
        }
      </QueryTable>
      <CreateApiTokenDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmMutationDialog
        target={revoking}
        onClose={() => setRevoking(null)}
        onConfirm={(t) => revoke.mutate({ id: t.id })}
        mutation={revoke}
        title={`Revoke ${revoking?.name ?? ""}?`}
        confirmLabel="Revoke token"
      >
        <p>Anything using it stops working immediately.</p>
      </ConfirmMutationDialog>
    </>
  );
}

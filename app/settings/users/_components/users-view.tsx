"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { UserSummary } from "@/server/contracts/accounts";
import { roles, type Role } from "@/server/contracts/resources";
import { Button } from "../../../_components/button";
import { ConfirmMutationDialog } from "../../../_components/confirm-mutation-dialog";
import { PlusIcon } from "../../../_components/icons";
import { PageHeader } from "../../../_components/page-header";
import { RelativeTime } from "../../../_components/relative-time";
import { QueryTable } from "../../../_components/query-table";
import { EmptyState, InlineError } from "../../../_components/states";
import { Td, Th, Tr } from "../../../_components/table";
import { useCan, useCurrentUser } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";
import { CreateUserDialog, ResetPasswordDialog } from "./user-dialogs";

export const roleHelp: Record<Role, string> = {
  viewer: "sees everything, changes nothing",
  deployer: "uploads revisions, manages groups and hosts, starts and stops deployments",
  admin: "also manages users, tokens and the audit log",
};

export function UsersView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  const isAdmin = useCan("admin");
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserSummary | null>(null);
  const [deleting, setDeleting] = useState<UserSummary | null>(null);
  const users = useQuery({ ...trpc.users.list.queryOptions(), enabled: isAdmin });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(
    trpc.users.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setDeleting(null);
      },
    }),
  );

  if (!isAdmin) return <EmptyState title="Only admins manage users" />;
  return (
    <>
      <PageHeader
        title="Users"
        description={
          <span>
            Viewer: {roleHelp.viewer}. Deployer: {roleHelp.deployer}. Admin: {roleHelp.admin}.
          </span>
        }
        actions={
          <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setCreating(true)}>
            Add user
          </Button>
        }
      />
      {update.error ? (
        <div className="mb-3">
          <InlineError error={update.error} />
        </div>
      ) : null}
      <QueryTable
        query={users}
        label="Users"
        columns={
          <>
            <Th>User</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th className="hidden md:table-cell">Added</Th>
          </>
        }
      >
        {(rows) =>
          rows.map((u) => {
            const self = u.id === me.id;
            return (
              <Tr key={u.id}>
                <Td>
                  <p className="font-medium">{u.name ?? u.email}</p>
                  {u.name ? <p className="text-xs text-muted">{u.email}</p> : null}
                </Td>
                <Td>
                  <select
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    disabled={self || update.isPending}
                    title={self ? "You cannot change your own role" : undefined}
                    onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                    className="h-7 rounded-md border border-border-strong bg-surface px-1.5 text-xs capitalize disabled:opacity-60"
                  >
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </Td>
                <Td>{u.disabled ? <span className="text-xs font-medium text-warn">Disabled</span> : <span className="text-xs text-ok">Active</span>}</Td>
                <Td className="hidden text-xs text-muted md:table-cell">
                  <RelativeTime at={u.createdAt} />
                </Td>
                <Td className="whitespace-nowrap text-right">
                  {!self ? (
                    <>
                      <Button size="sm" variant="ghost" onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}>
                        {u.disabled ? "Enable" : "Disable"}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setResetting(u)}>
                        Reset password
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(u)}>
                        Delete
                      </Button>
                    </>
                  ) : (
                    <span className="text-xs text-faint">You</span>
                  )}
                </Td>
              </Tr>
            );
          })
        }
      </QueryTable>
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
      <ConfirmMutationDialog
        target={deleting}
        onClose={() => setDeleting(null)}
        onConfirm={(u) => remove.mutate({ id: u.id })}
        mutation={remove}
        title={`Delete ${deleting?.email ?? ""}?`}
        confirmLabel="Delete user"
      >
        <p>Their sessions and API tokens stop working. Audit entries keep their email.</p>
      </ConfirmMutationDialog>
    </>
  );
}

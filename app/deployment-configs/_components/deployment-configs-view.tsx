"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { DeploymentConfigInfo } from "@/server/contracts/catalog";
import { Button } from "../../_components/button";
import { ConfirmMutationDialog } from "../../_components/confirm-mutation-dialog";
import { PlusIcon, TrashIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { QueryTable } from "../../_components/query-table";
import { Td, Th, Tr } from "../../_components/table";
import { useCan } from "../../_lib/session";
import { useTRPC } from "../../_lib/trpc";
import { CreateConfigDialog } from "./create-config-dialog";
import { describeMinimumHealthy } from "./describe-config";

export function DeploymentConfigsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canEdit = useCan("deployer");
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<DeploymentConfigInfo | null>(null);
  const configs = useQuery(trpc.deploymentConfigs.list.queryOptions());
  const remove = useMutation(
    trpc.deploymentConfigs.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deploymentConfigs.pathKey() });
        setDeleting(null);
      },
    }),
  );
  return (
    <>
      <PageHeader
        title="Deployment configs"
        description="How many hosts must stay healthy while a deployment rolls through a group; this sets the batch size."
        actions={
          canEdit ? (
            <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setCreating(true)}>
              New config
            </Button>
          ) : null
        }
      />
      <QueryTable
        query={configs}
        label="Deployment configs"
        columns={
          <>
            <Th>Name</Th>
            <Th>Minimum healthy hosts</Th>
            <Th className="hidden sm:table-cell">Meaning</Th>
          </>
        }
      >
        {(rows) =>
          rows.map((c) => (
            <Tr key={c.deploymentConfigId}>
              <Td>
                <span className="font-mono text-xs font-medium">{c.deploymentConfigName}</span>
                {c.predefined ? (
                  <span className="ml-2 rounded bg-surface-2 px-1.5 py-px text-[10px] uppercase tracking-wide text-muted">Predefined</span>
                ) : null}
              </Td>
              <Td className="font-mono text-xs text-muted">
                {c.minimumHealthyHosts.type} {c.minimumHealthyHosts.value}
              </Td>
              <Td className="hidden text-muted sm:table-cell">{describeMinimumHealthy(c.minimumHealthyHosts)}</Td>
              <Td className="text-right">
                {canEdit && !c.predefined ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    icon={<TrashIcon size={12} />}
                    onClick={() => setDeleting(c)}
                    aria-label={`Delete ${c.deploymentConfigName}`}
                  >
                    Delete
                  </Button>
                ) : null}
              </Td>
            </Tr>
          ))
        }
      </QueryTable>
      <CreateConfigDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmMutationDialog
        target={deleting}
        onClose={() => setDeleting(null)}
        onConfirm={(c) => remove.mutate({ deploymentConfigName: c.deploymentConfigName })}
        mutation={remove}
        title={`Delete ${deleting?.deploymentConfigName ?? ""}?`}
        confirmLabel="Delete config"
      >
        <p>Deployment groups that use it must be switched to another config first.</p>
      </ConfirmMutationDialog>
    </>
  );
}

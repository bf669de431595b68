"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { CreatedApiToken } from "@/server/contracts/accounts";
import { hasRole, roles, type Role } from "@/server/contracts/resources";
import { Button } from "../../../_components/button";
import { CopyBlock } from "../../../_components/copy-button";
import { Dialog } from "../../../_components/dialog";
import { SelectField, TextField } from "../../../_components/field";
import { InlineError } from "../../../_components/states";
import { fieldErrorsOf } from "../../../_lib/errors";
import { useCurrentUser } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";

export function CreateApiTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  const [name, setName] = useState("");
  // Least privilege: deployer is the least role that can upload and deploy, which is what most tokens are for.
  const [role, setRole] = useState<Role>(hasRole(me.role, "deployer") ? "deployer" : me.role);
  const [days, setDays] = useState("90");
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: (t) => {
        setCreated(t);
        void queryClient.invalidateQueries({ queryKey: trpc.apiTokens.pathKey() });
      },
    }),
  );
  const fields = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    setCreated(null);
    setName("");
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, role, expiresInDays: days ? Number(days) : undefined });
  };
  return (
    <Dialog open={open} onClose={close} title={created ? "Token created" : "New API token"}>
      {created ? (
        <div className="space-y-3">
          <p className="text-sm text-muted">Copy it now: Landline stores only a hash and cannot show it again.</p>
          <CopyBlock text={created.token} />
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              I have copied it
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <TextField label="Name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} error={fields.name} placeholder="CI pipeline" />
          <div className="grid grid-cols-2 gap-3">
            <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} error={fields.role}>
              {roles
                .filter((r) => hasRole(me.role, r))
                .map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
            </SelectField>
            <SelectField label="Expires" value={days} onChange={(e) => setDays(e.target.value)} error={fields.expiresInDays}>
              <option value="7">in 7 days</option>
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in a year</option>
              <option value="">never</option>
            </SelectField>
          </div>
          {create.error && Object.keys(fields).length === 0 ? <InlineError error={create.error} /> : null}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" pending={create.isPending} disabled={!name.trim()}>
              Create token
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { MIN_PASSWORD_LENGTH, type UserSummary } from "@/server/contracts/accounts";
import { roles, type Role } from "@/server/contracts/resources";
import { Button } from "../../../_components/button";
import { Dialog } from "../../../_components/dialog";
import { SelectField, TextField } from "../../../_components/field";
import { InlineError } from "../../../_components/states";
import { fieldErrorsOf } from "../../../_lib/errors";
import { useTRPC } from "../../../_lib/trpc";

export function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("deployer");
  const [password, setPassword] = useState("");
  const close = () => {
    create.reset();
    setEmail("");
    setName("");
    setPassword("");
    onClose();
  };
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
        close();
      },
    }),
  );
  const fields = fieldErrorsOf(create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ email, name: name.trim() || undefined, role, password });
  };
  return (
    <Dialog open={open} onClose={close} title="Add user" description="Share the initial password with them; they can change it under Account.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField label="Email" type="email" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} error={fields.email} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} error={fields.role}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Initial password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        />
        {create.error && Object.keys(fields).length === 0 ? <InlineError error={create.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" pending={create.isPending}>
            Add user
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function ResetPasswordDialog({ user, onClose }: { user: UserSummary | null; onClose: () => void }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const close = () => {
    reset.reset();
    setPassword("");
    onClose();
  };
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: () => close() }));
  const fields = fieldErrorsOf(reset.error);
  return (
    <Dialog open={user !== null} onClose={close} title={`Reset password for ${user?.email ?? ""}`} description="Their other sessions are signed out.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (user) reset.mutate({ id: user.id, password });
        }}
        className="space-y-4"
        noValidate
      >
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
        />
        {reset.error && !fields.password ? <InlineError error={reset.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" pending={reset.isPending}>
            Set password
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../../_components/button";
import { Dialog } from "../../_components/dialog";
import { TextField } from "../../_components/field";
import { InlineError } from "../../_components/states";
import { fieldErrorsOf } from "../../_lib/errors";
import { paths } from "../../_lib/paths";
import { useTRPC } from "../../_lib/trpc";

export function CreateApplicationDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.applications.create.mutationOptions({
      onSuccess: async (app) => {
        await queryClient.invalidateQueries({ queryKey: trpc.applications.list.queryKey() });
        router.push(paths.application(app.applicationName));
      },
    }),
  );
  const fields = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    setName("");
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ applicationName: name.trim() });
  };
  return (
    <Dialog open={open} onClose={close} title="New application">
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Application name"
          autoFocus
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fields.applicationName}
          hint="Letters, digits and . _ + = , @ - (up to 100)."
          placeholder="web-frontend"
        />
        {create.error && !fields.applicationName ? <InlineError error={create.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" pending={create.isPending} disabled={!name.trim()}>
            Create application
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

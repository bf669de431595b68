"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { minimumHealthyHostsTypes } from "@/server/contracts/resources";
import { Button } from "../../_components/button";
import { Dialog } from "../../_components/dialog";
import { SelectField, TextField } from "../../_components/field";
import { InlineError } from "../../_components/states";
import { fieldErrorsOf } from "../../_lib/errors";
import { useTRPC } from "../../_lib/trpc";
import { describeMinimumHealthy } from "./describe-config";

type MhhType = (typeof minimumHealthyHostsTypes)[number];

export function CreateConfigDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [type, setType] = useState<MhhType>("FLEET_PERCENT");
  const [value, setValue] = useState("75");
  const create = useMutation(
    trpc.deploymentConfigs.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deploymentConfigs.pathKey() });
        close();
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
    create.mutate({ deploymentConfigName: name.trim(), minimumHealthyHosts: { type, value: Number(value) } });
  };
  const numeric = Number(value);
  return (
    <Dialog open={open} onClose={close} title="New deployment config">
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Name"
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fields.deploymentConfigName}
          placeholder="ThreeQuartersHealthy"
        />
        <div className="grid grid-cols-2 gap-3">
          <SelectField label="Minimum healthy as" value={type} onChange={(e) => setType(e.target.value as MhhType)}>
            <option value="FLEET_PERCENT">Percent of hosts</option>
            <option value="HOST_COUNT">Number of hosts</option>
          </SelectField>
          <TextField
            label={type === "FLEET_PERCENT" ? "Percent (0–99)" : "Hosts"}
            type="number"
            min={0}
            max={type === "FLEET_PERCENT" ? 99 : undefined}
            required
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={fields["minimumHealthyHosts.value"] ?? fields.minimumHealthyHosts}
          />
        </div>
        {Number.isInteger(numeric) && numeric >= 0 ? <p className="text-sm text-muted">{describeMinimumHealthy({ type, value: numeric })}.</p> : null}
        {create.error && Object.keys(fields).length === 0 ? <InlineError error={create.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" pending={create.isPending} disabled={!name.trim()}>
            Create config
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

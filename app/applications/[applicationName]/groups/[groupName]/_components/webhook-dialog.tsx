"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { SIGNATURE_HEADER, triggerEventTypes, webhookFormats, type TriggerEventType, type WebhookFormat } from "@/server/contracts/webhooks";
import { Button } from "../../../../../_components/button";
import { CopyBlock } from "../../../../../_components/copy-button";
import { Dialog } from "../../../../../_components/dialog";
import { CheckboxField, SelectField, TextField } from "../../../../../_components/field";
import { InlineError } from "../../../../../_components/states";
import { fieldErrorsOf } from "../../../../../_lib/errors";
import { useTRPC } from "../../../../../_lib/trpc";

const defaultEvents: TriggerEventType[] = ["DeploymentSuccess", "DeploymentFailure", "DeploymentStop", "DeploymentRollback"];

/** Adds a webhook to a deployment group and shows its signing secret once. */
export function WebhookDialog({
  open,
  onClose,
  applicationName,
  deploymentGroupName,
}: {
  open: boolean;
  onClose: () => void;
  applicationName: string;
  deploymentGroupName: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [format, setFormat] = useState<WebhookFormat>("json");
  const [events, setEvents] = useState<TriggerEventType[]>(defaultEvents);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async (r) => {
        setSecret(r.secret);
        await queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
      },
    }),
  );
  const fields = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    setSecret(null);
    setName("");
    setUrl("");
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ applicationName, deploymentGroupName, name: name.trim(), url: url.trim(), format, events });
  };
  return (
    <Dialog open={open} onClose={close} title={secret ? "Webhook added" : "Add a webhook"} wide>
      {secret ? (
        <div className="space-y-3">
          <p className="text-sm text-muted">
            Deliveries are signed with this secret in the <code className="font-mono text-xs">{SIGNATURE_HEADER}</code> header. Copy it now; it is not shown
            again.
          </p>
          <CopyBlock text={secret} />
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label="Name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} error={fields.name} placeholder="team channel" />
            <SelectField label="Format" value={format} onChange={(e) => setFormat(e.target.value as WebhookFormat)}>
              {webhookFormats.map((f) => (
                <option key={f} value={f}>
                  {f === "json" ? "JSON (CodeDeploy style)" : "Slack message"}
                </option>
              ))}
            </SelectField>
          </div>
          <TextField
            label="Receiver URL"
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={fields.url}
            placeholder="https://hooks.example.com/landline"
          />
          <fieldset>
            <legend className="mb-2 text-xs font-medium text-muted">Events</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {triggerEventTypes.map((ev) => (
                <CheckboxField
                  key={ev}
                  label={ev}
                  checked={events.includes(ev)}
                  onChange={(e) => setEvents((cur) => (e.target.checked ? [...cur, ev] : cur.filter((x) => x !== ev)))}
                />
              ))}
            </div>
            {fields.events ? <p className="mt-1 text-xs text-fail">{fields.events}</p> : null}
          </fieldset>
          {create.error && Object.keys(fields).length === 0 ? <InlineError error={create.error} /> : null}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" pending={create.isPending}>
              Add webhook
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

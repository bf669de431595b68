"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { CreatedEnrollmentToken } from "@/server/contracts/accounts";
import { Button } from "./button";
import { CopyBlock } from "./copy-button";
import { Dialog } from "./dialog";
import { CheckboxField, SelectField, TextField } from "./field";
import { InlineError } from "./states";
import { fieldErrorsOf } from "../_lib/errors";
import { useTRPC } from "../_lib/trpc";
import { checkoutCommand, parseTagList, standaloneCommand } from "../_lib/enrollment-command";

const expiryChoices = [
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "24 hours" },
  { hours: 168, label: "7 days" },
];

/** Creates a fresh enrollment token and shows the exact command to run on the new host. */
export function AddHostDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [hostName, setHostName] = useState("");
  const [tagText, setTagText] = useState("");
  const [expiresHours, setExpiresHours] = useState(24);
  const [allowHostTags, setAllowHostTags] = useState(false);
  const [requireApproval, setRequireApproval] = useState(false);
  const [created, setCreated] = useState<CreatedEnrollmentToken | null>(null);
  const create = useMutation(
    trpc.enrollmentTokens.create.mutationOptions({
      onSuccess: (token) => {
        setCreated(token);
        void queryClient.invalidateQueries({ queryKey: trpc.enrollmentTokens.pathKey() });
      },
    }),
  );
  const parsed = parseTagList(tagText);
  const fields = fieldErrorsOf(create.error);
  const origin = typeof window === "undefined" ? "" : window.location.origin;

  const close = () => {
    setCreated(null);
    setHostName("");
    setTagText("");
    setAllowHostTags(false);
    setRequireApproval(false);
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsed.error) return;
    create.mutate({
      name: hostName.trim() ? `host ${hostName.trim()}` : undefined,
      expiresHours,
      maxUses: 1,
      tags: parsed.tags,
      allowHostTags,
      requireApproval,
    });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Add a host"
      wide
      description="The agent dials out to Landline over HTTPS/WebSocket; the host needs Node.js 20 or newer and no open port."
    >
      {!created ? (
        <form onSubmit={submit} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Host name"
              value={hostName}
              onChange={(e) => setHostName(e.target.value)}
              placeholder="web-1"
              hint="Optional; defaults to the machine's host name."
            />
            <SelectField label="Token expires after" value={expiresHours} onChange={(e) => setExpiresHours(Number(e.target.value))} error={fields.expiresHours}>
              {expiryChoices.map((c) => (
                <option key={c.hours} value={c.hours}>
                  {c.label}
                </option>
              ))}
            </SelectField>
          </div>
          <TextField
            label="Tags"
            value={tagText}
            onChange={(e) => setTagText(e.target.value)}
            placeholder="env=production role=web"
            error={parsed.error ?? undefined}
            hint="Deployment groups select hosts by these; the host gets exactly these tags. Space- or comma-separated key=value pairs."
          />
          <CheckboxField
            label="The host may add more of its own"
            hint="With the agent's --tags option; it can never change the tags above."
            checked={allowHostTags}
            onChange={(e) => setAllowHostTags(e.target.checked)}
          />
          <CheckboxField
            label="Require an admin's approval"
            hint="The host connects but receives no deployment until an admin approves it on the Hosts page."
            checked={requireApproval}
            onChange={(e) => setRequireApproval(e.target.checked)}
          />
          {create.error ? <InlineError error={create.error} /> : null}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" pending={create.isPending} disabled={!!parsed.error}>
              Create enrollment command
            </Button>
          </div>
        </form>
      ) : (
        <div className="space-y-4">
          <p className="text-sm text-muted">
            Run one of these on the host. The token works once and expires in{" "}
            {expiryChoices.find((c) => c.hours === expiresHours)?.label ?? `${expiresHours} hours`}; it is shown only now.
          </p>
          <div className="space-y-1.5">
            <h3 className="text-xs font-medium text-muted">Standalone agent (only Node.js needed)</h3>
            <CopyBlock text={standaloneCommand(origin, created.token, hostName.trim())} />
          </div>
          <div className="space-y-1.5">
            <h3 className="text-xs font-medium text-muted">From a Landline checkout</h3>
            <CopyBlock text={checkoutCommand(origin, created.token, hostName.trim())} />
          </div>
          <p className="text-xs text-faint">
            The host appears in the list as soon as its agent connects{created.requireApproval ? ", marked pending until an admin approves it" : ""}.
          </p>
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

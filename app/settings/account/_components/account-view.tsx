"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { MIN_PASSWORD_LENGTH } from "@/server/contracts/accounts";
import { Button } from "../../../_components/button";
import { TextField } from "../../../_components/field";
import { CheckCircleIcon } from "../../../_components/icons";
import { Facts, PageHeader, Section } from "../../../_components/page-header";
import { InlineError } from "../../../_components/states";
import { fieldErrorsOf } from "../../../_lib/errors";
import { useCurrentUser } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";

export function AccountView() {
  const trpc = useTRPC();
  const me = useCurrentUser();
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent("");
        setNew("");
        setConfirm("");
      },
    }),
  );
  const fields = fieldErrorsOf(change.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(newPassword !== confirm);
    if (newPassword !== confirm) return;
    change.mutate({ currentPassword, newPassword });
  };
  return (
    <>
      <PageHeader title="Account" />
      <div className="grid max-w-3xl gap-6">
        <Section title="You">
          <Facts
            items={[
              { label: "Email", value: me.email },
              { label: "Name", value: me.name ?? "—" },
              { label: "Role", value: <span className="capitalize">{me.role}</span> },
            ]}
          />
        </Section>
        <Section title="Change password" description="Your other sessions are signed out.">
          <form onSubmit={submit} className="max-w-sm space-y-4" noValidate>
            <TextField
              label="Current password"
              type="password"
              autoComplete="current-password"
              required
              value={currentPassword}
              onChange={(e) => setCurrent(e.target.value)}
              error={fields.currentPassword}
            />
            <TextField
              label="New password"
              type="password"
              autoComplete="new-password"
              required
              value={newPassword}
              onChange={(e) => setNew(e.target.value)}
              error={fields.newPassword}
              hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            />
            <TextField
              label="Confirm new password"
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              error={mismatch ? "The passwords do not match" : undefined}
            />
            {change.error && Object.keys(fields).length === 0 ? <InlineError error={change.error} /> : null}
            {change.isSuccess ? (
              <p role="status" className="flex items-center gap-1.5 text-sm text-ok">
                <CheckCircleIcon size={14} /> Password changed.
              </p>
            ) : null}
            <Button type="submit" variant="primary" pending={change.isPending}>
              Change password
            </Button>
          </form>
        </Section>
      </div>
    </>
  );
}

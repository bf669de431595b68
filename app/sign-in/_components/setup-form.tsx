"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { MIN_PASSWORD_LENGTH } from "@/server/contracts/accounts";
import { Button } from "../../_components/button";
import { TextField } from "../../_components/field";
import { InlineError } from "../../_components/states";
import { fieldErrorsOf } from "../../_lib/errors";
import { useTRPC } from "../../_lib/trpc";

export function SetupForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const setup = useMutation(trpc.auth.setup.mutationOptions({ onSuccess: () => onDone() }));
  const fields = fieldErrorsOf(setup.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setup.mutate({ email, password, name: name.trim() || undefined });
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <TextField
        label="Name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fields.name}
        hint="Optional; shown in the audit log."
      />
      <TextField
        label="Email"
        type="email"
        autoComplete="username"
        required
        autoFocus
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fields.email}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fields.password}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      />
      <TextField
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={mismatch ? "The passwords do not match" : undefined}
      />
      {setup.error && Object.keys(fields).length === 0 ? <InlineError error={setup.error} /> : null}
      <Button type="submit" variant="primary" className="w-full" pending={setup.isPending}>
        Create admin account
      </Button>
    </form>
  );
}

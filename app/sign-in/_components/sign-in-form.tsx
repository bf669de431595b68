"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "../../_components/button";
import { TextField } from "../../_components/field";
import { InlineError } from "../../_components/states";
import { errorMessage, fieldErrorsOf } from "../../_lib/errors";
import { useTRPC } from "../../_lib/trpc";

export function SignInForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess: () => onDone() }));
  const fields = fieldErrorsOf(signIn.error);
  // Wrong credentials and rate limits come back as sentences from the server; field problems show on the fields.
  const message = signIn.error && Object.keys(fields).length === 0 ? errorMessage(signIn.error) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
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
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fields.password}
      />
      {message ? <InlineError error={message} /> : null}
      <Button type="submit" variant="primary" className="w-full" pending={signIn.isPending}>
        Sign in
      </Button>
    </form>
  );
}

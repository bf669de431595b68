"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { ErrorState, Spinner } from "../../_components/states";
import { ThemeToggle } from "../../_components/theme-toggle";
import { useTRPC } from "../../_lib/trpc";
import { SetupForm } from "./setup-form";
import { SignInForm } from "./sign-in-form";

/** Only same-site paths, so a crafted link cannot send the user elsewhere after sign-in. */
function safeNext(): string {
  const next = new URLSearchParams(window.location.search).get("next");
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/";
}

export function SignInView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const status = useQuery(trpc.auth.status.queryOptions());

  useEffect(() => {
    if (status.data?.user) router.replace(safeNext());
  }, [status.data, router]);

  const onSignedIn = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
    router.replace(safeNext());
  };

  return (
    <main className="relative flex min-h-screen items-center justify-center bg-bg px-4 py-12">
      <div className="absolute right-3 top-3">
        <ThemeToggle />
      </div>
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <span className="inline-flex h-10 w-10 items-center justify-center rounded-xl bg-fg text-bg" aria-hidden="true">
            <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round">
              <path d="M4 18h16M7 14l5-8 5 8" />
            </svg>
          </span>
          <div>
            <h1 className="text-xl font-semibold tracking-tight">{status.data?.needsSetup ? "Set up Landline" : "Sign in to Landline"}</h1>
            <p className="mt-1 text-sm text-muted">
              {status.data?.needsSetup ? "Create the first admin account. You can invite your team afterwards." : "Deployments for your own fleet."}
            </p>
          </div>
        </div>
        <div className="rounded-xl border border-border bg-surface p-6 shadow-sm">
          {status.isPending ? (
            <div className="flex justify-center py-6">
              <Spinner />
            </div>
          ) : status.isError ? (
            <ErrorState error={status.error} title="Cannot reach Landline" onRetry={() => status.refetch()} />
          ) : status.data.needsSetup ? (
            <SetupForm onDone={onSignedIn} />
          ) : (
            <SignInForm onDone={onSignedIn} />
          )}
        </div>
      </div>
    </main>
  );
}

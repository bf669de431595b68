"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/trpc/router";
import { errorCode, isUnauthorized } from "./errors";
import { TRPCProvider } from "./trpc";

const SESSION_QUERY_KEY = [["auth", "status"]];

/** Client errors (bad input, forbidden, missing) will not change on retry. */
function shouldRetry(failureCount: number, err: unknown): boolean {
  const code = errorCode(err);
  if (code && ["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS", "PAYLOAD_TOO_LARGE"].includes(code)) return false;
  return failureCount < 2;
}

function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: { staleTime: 5_000, retry: shouldRetry, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
    // An expired session makes any call fail UNAUTHORIZED; re-reading auth.status sends the user to sign in.
    queryCache: new QueryCache({
      onError: (err) => {
        if (isUnauthorized(err)) void client.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
      },
    }),
    mutationCache: new MutationCache({
      onError: (err) => {
        if (isUnauthorized(err)) void client.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
      },
    }),
  });
  return client;
}

export function QueryProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", maxURLLength: 4000 })] }));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

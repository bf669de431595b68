import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "./trpc/router";

export type LandlineClientOptions = {
  /** Server base URL, e.g. https://landline.example.com */
  url: string;
  /** API token (llt_...); omit for the few public procedures such as auth.status. */
  token?: string;
  /** A fetch to send requests with (a proxy-aware one, say); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
};

/**
 * A typed client for scripts: `await client.apiTokens.list.query()`.
 * Imports only types from the server, so using it never loads the server's code.
 */
export function createLandlineClient({ url, token, fetch }: LandlineClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url.replace(/\/+$/, "")}/api/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        fetch,
      }),
    ],
  });
}

export type LandlineClient = ReturnType<typeof createLandlineClient>;

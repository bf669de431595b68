import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../env";
import { spawnServer, TEST_ADMIN, type SpawnedServer } from "../test/spawn-server";
import type { AppRouter } from "../trpc/router";
import { clientAddress } from "./client-address";

/** What clientAddress answers for one request with the given X-Forwarded-For, under the given setting. */
async function addressSeen(trustedProxies: string, forwardedFor?: string): Promise<string | null> {
  const env = loadEnv({ NODE_ENV: "test", LANDLINE_TRUSTED_PROXIES: trustedProxies });
  const server = http.createServer((req, res) => res.end(JSON.stringify(clientAddress(env, req))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
      headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
    });
    return (await res.json()) as string | null;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("clientAddress", () => {
  it("is the socket's address unless the proxy is trusted", async () => {
    expect(await addressSeen("", "203.0.113.5")).toBe("127.0.0.1");
    expect(await addressSeen("10.0.0.0/8", "203.0.113.5")).toBe("127.0.0.1");
    expect(await addressSeen("loopback", "203.0.113.5")).toBe("203.0.113.5");
    expect(await addressSeen("127.0.0.1")).toBe("127.0.0.1");
  });

  it("takes the nearest untrusted hop, so a client cannot spoof past the proxy", async () => {
    // The client sent "X-Forwarded-For: 198.51.100.9"; the trusted proxy appended the address it saw.
    expect(await addressSeen("loopback", "198.51.100.9, 203.0.113.5")).toBe("203.0.113.5");
    expect(await addressSeen("loopback, 10.0.0.0/8", "198.51.100.9, 203.0.113.5, 10.1.2.3")).toBe("203.0.113.5");
  });

  it("refuses a setting it cannot read, naming the variable and the entry", () => {
    expect(() => loadEnv({ NODE_ENV: "test", LANDLINE_TRUSTED_PROXIES: "loopback, proxy.example.com" })).toThrow(EnvError);
    expect(() => loadEnv({ NODE_ENV: "test", LANDLINE_TRUSTED_PROXIES: "loopback, proxy.example.com" })).toThrow(
      /LANDLINE_TRUSTED_PROXIES: "proxy.example.com" is not an IP address/,
    );
  });
});

describe("sign-in limits behind a trusted reverse proxy (real server)", () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({ env: { LANDLINE_TRUSTED_PROXIES: "loopback" } });
  });
  afterAll(() => server.kill());

  const signInFrom = async (forwardedFor: string, email: string, password = "not-the-password") => {
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/api/trpc`, headers: { "x-forwarded-for": forwardedFor } })] });
    try {
      await client.auth.signIn.mutate({ email, password });
      return "signed in";
    } catch (error) {
      return error instanceof TRPCClientError ? (error.data as { code: string }).code : String(error);
    }
  };

  it("limits the address a client's failures come from, not everyone behind the proxy", async () => {
    // 20 failures per address (each to a different account, under the per-account limit of 5).
    for (let i = 0; i < 20; i++) expect(await signInFrom("203.0.113.5", `guess-${i}@example.com`)).toBe("UNAUTHORIZED");
    expect(await signInFrom("203.0.113.5", "guess-20@example.com")).toBe("TOO_MANY_REQUESTS");
    expect(await signInFrom("203.0.113.6", "someone@example.com")).toBe("UNAUTHORIZED");
  });

  it("does not let a stranger lock the admin out: the limit is per account and address", async () => {
    for (let i = 0; i < 5; i++) expect(await signInFrom("198.51.100.66", TEST_ADMIN.email)).toBe("UNAUTHORIZED");
    expect(await signInFrom("198.51.100.66", TEST_ADMIN.email, TEST_ADMIN.password)).toBe("TOO_MANY_REQUESTS");
    expect(await signInFrom("198.51.100.7", TEST_ADMIN.email, TEST_ADMIN.password)).toBe("signed in");
  });
});

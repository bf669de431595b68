import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCClient } from "@trpc/client";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDeps } from "@/server/test/test-context";
import { appRouter, type AppRouter } from "@/server/trpc/router";
import { errorCode, errorMessage, fieldErrorsOf, isUnauthorized } from "./errors";

/** The real router and error formatter over real HTTP, as the browser's client sees them. */
let deps: ReturnType<typeof createTestDeps>;
let server: Server;
let client: TRPCClient<AppRouter>;

beforeAll(async () => {
  deps = createTestDeps();
  const handler = createHTTPHandler({ router: appRouter, basePath: "/api/trpc/", createContext: () => ({ ...deps, principal: null, ip: "127.0.0.1" }) });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `http://127.0.0.1:${port}/api/trpc` })] });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  deps.cleanup();
});

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error("the call succeeded");
}

describe("errors the user reads", () => {
  it("maps input validation failures to their fields instead of showing the issue list", async () => {
    const err = await failure(() => client.auth.setup.mutate({ email: "not-an-email", password: "short" }));
    expect(fieldErrorsOf(err)).toEqual({ email: "Must be an email address", password: "Must be at least 8 characters" });
    expect(errorMessage(err)).toBe("Some fields need attention.");
    expect(errorMessage(err)).not.toContain("[");
  });

  it("names the one field when a single field is wrong", async () => {
    const err = await failure(() => client.auth.setup.mutate({ email: "ada@example.com", password: "short" }));
    expect(errorMessage(err)).toBe("Password: must be at least 8 characters");
  });

  it("passes the server's own sentence through for domain errors", async () => {
    const err = await failure(() => client.auth.signIn.mutate({ email: "nobody@example.com", password: "whatever-password" }));
    expect(errorCode(err)).toBe("UNAUTHORIZED");
    expect(errorMessage(err)).toBe("Wrong email or password");
  });

  it("recognises a missing session so the shell can send the user to sign in", async () => {
    const err = await failure(() => client.applications.list.query());
    expect(isUnauthorized(err)).toBe(true);
  });

  it("explains a rate limit even when the server's message does not say to wait", () => {
    const err = TRPCClientError.from({ error: { code: -32029, message: "Rate limited", data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } } });
    expect(errorMessage(err)).toBe("Too many attempts. Wait a minute and try again.");
  });

  it("keeps a rate limit message that already says when to retry", () => {
    const err = TRPCClientError.from({
      error: { code: -32029, message: "Too many failed sign-ins; try again in 1 minute", data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } },
    });
    expect(errorMessage(err)).toBe("Too many failed sign-ins; try again in 1 minute");
  });

  it("never shows an internal error's text", () => {
    const err = TRPCClientError.from({
      error: { code: -32603, message: "SqliteError: no such column x at Statement.run", data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 } },
    });
    expect(errorMessage(err)).not.toContain("Sqlite");
    expect(errorMessage(err)).toMatch(/unexpected error/);
  });
});

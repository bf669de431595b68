import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import type { HostTag } from "../../server/contracts/resources";
import { spawnAgent, type SpawnedAgent } from "../../server/test/spawn-agent";
import { spawnServer, TEST_ADMIN, type SpawnedServer } from "../../server/test/spawn-server";
import type { AppRouter } from "../../server/trpc/router";
import { ensureProductionBuild } from "./production-build";

export { TEST_ADMIN };

export type Stack = {
  server: SpawnedServer;
  /** Anything with a kill(): agent processes and shell commands; all stopped with the stack. */
  agents: { kill: () => Promise<unknown> }[];
  /** A scratch directory for bundles and files hooks wait on. */
  workDir: string;
  stop: () => Promise<void>;
};

/**
 * The real server serving the production UI on a free port with a fresh data directory.
 * `firstRun` starts it without a bootstrap admin, so the browser sees the first-run setup.
 */
export async function startStack(options: { firstRun?: boolean } = {}): Promise<Stack> {
  ensureProductionBuild();
  // Undefined values are left out of the child's environment, which is how the bootstrap admin is turned off.
  const noAdmin = { LANDLINE_ADMIN_EMAIL: undefined, LANDLINE_ADMIN_PASSWORD: undefined } as unknown as Record<string, string>;
  const server = await spawnServer({ ui: true, env: options.firstRun ? noAdmin : {} });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-e2e-"));
  const stack: Stack = {
    server,
    agents: [],
    workDir,
    stop: async () => {
      await Promise.all(stack.agents.map((a) => a.kill()));
      // A journey may have restarted the server; stop the one running now.
      await stack.server.kill();
      fs.rmSync(workDir, { recursive: true, force: true });
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export type Api = TRPCClient<AppRouter>;
export type ApiSession = { api: Api; cookie: string };

/** A tRPC client signed in with a session cookie, for arranging what a journey starts from. */
export async function apiAs(baseUrl: string, email = TEST_ADMIN.email, password = TEST_ADMIN.password): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseUrl}/api/trpc`, headers: () => ({ cookie, origin: baseUrl }) })] });
  return { api, cookie };
}

/** Starts a real agent process enrolled with a fresh token. */
export async function startAgent(stack: Stack, api: Api, name: string, tags: HostTag[]): Promise<SpawnedAgent> {
  const { token } = await api.enrollmentTokens.create.mutate({ name: `e2e ${name}`, maxUses: 1, expiresHours: 1, tags: [], allowHostTags: true });
  const agent = await spawnAgent({ serverUrl: stack.server.url, enrollToken: token, name, tags, env: { PROOF_DIR: stack.workDir } });
  stack.agents.push(agent);
  return agent;
}

/** Uploads a bundle through the HTTP endpoint as the signed-in API user; returns the revision id. */
export async function uploadBundle(baseUrl: string, session: ApiSession, applicationName: string, bundle: Buffer, description: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/revisions?application=${encodeURIComponent(applicationName)}&description=${encodeURIComponent(description)}`, {
    method: "POST",
    headers: { cookie: session.cookie, "content-type": "application/zip", origin: baseUrl },
    body: new Uint8Array(bundle),
  });
  const body = (await res.json()) as { revisionId?: string; error?: string };
  if (!res.ok || !body.revisionId) throw new Error(`upload failed: ${res.status} ${body.error}`);
  return body.revisionId;
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

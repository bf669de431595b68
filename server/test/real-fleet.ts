import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import { createApiToken } from "../auth/api-tokens";
import { createEnrollmentToken } from "../auth/enrollment-tokens";
import type { CreateDeploymentInput, DeploymentInfo } from "../contracts/deployment";
import type { FileExistsBehavior } from "../contracts/resources";
import { loadEnv } from "../env";
import { openDatabase } from "../storage/database";
import { users } from "../storage/schema";
import { seedPredefinedConfigs } from "../storage/seed";
import type { AppRouter } from "../trpc/router";
import { spawnAgent, type SpawnedAgent } from "./spawn-agent";
import { spawnServer, type SpawnedServer } from "./spawn-server";
import { isFinishedDeploymentStatus } from "../contracts/deployment";
import { waitFor } from "./wait-for";

/** An application and its deployment group, created through the API. */
export type FleetGroup = { applicationName: string; deploymentGroupName: string };

export type RealFleetOptions = {
  /** Agents started with the fleet, each enrolled with env=prod and host=<name>. */
  hosts: string[];
  /** Extra server environment, e.g. LANDLINE_AGENT_GRACE_SECONDS. */
  serverEnv?: Record<string, string>;
  /** Environment of every agent (and so of every hook script). */
  agentEnv?: Record<string, string>;
  /** The server's data directory (default: a fresh temporary one, removed by close). */
  dataDir?: string;
};

/**
 * The real server and real agent processes on this machine, driven through the typed tRPC client and the
 * revision upload endpoint with an admin API token. Every agent carries the tags env=prod and host=<name>.
 */
export type RealFleet = {
  /** The server now running (a new process after restartServer). */
  readonly server: SpawnedServer;
  api: TRPCClient<AppRouter>;
  /** The admin API token behind `api`, for the CLI. */
  apiToken: string;
  agents: Map<string, SpawnedAgent>;
  /** Starts the agent of host `name` (serverUrl defaults to the server's), or restarts it with its root, credential and URL. */
  startAgent: (name: string, options?: { serverUrl?: string }) => Promise<SpawnedAgent>;
  /** Starts the server again on the same port and data directory; kill it first. */
  restartServer: () => Promise<SpawnedServer>;
  /** An application with one group "prod" selecting env=prod, or only the named hosts. */
  createGroup: (options?: { hosts?: string[]; deploymentConfigName?: string; fileExistsBehavior?: FileExistsBehavior }) => Promise<FleetGroup>;
  /** Uploads a zip bundle as a revision of the application; returns its revision id. */
  uploadRevision: (applicationName: string, zip: Buffer, description?: string) => Promise<string>;
  deploy: (group: FleetGroup, revisionId: string, extra?: Partial<CreateDeploymentInput>) => Promise<string>;
  /** Polls deployments.get until the deployment is Succeeded, Failed or Stopped. */
  waitForDeployment: (deploymentId: string, timeoutMs?: number) => Promise<DeploymentInfo>;
  /** SIGKILLs every agent and the server, then removes their data directories (not a dataDir passed in). */
  close: () => Promise<void>;
};

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls the API until the deployment has finished, and returns it. */
export function waitForFinishedDeployment(api: TRPCClient<AppRouter>, deploymentId: string, timeoutMs: number, intervalMs = 200): Promise<DeploymentInfo> {
  return waitFor(
    async () => {
      const info = await api.deployments.get.query({ deploymentId });
      if (!isFinishedDeploymentStatus(info.status)) throw new Error(`${deploymentId} is still ${info.status}`);
      return info;
    },
    { timeoutMs, what: `${deploymentId} to finish`, intervalMs },
  );
}

export async function startRealFleet(options: RealFleetOptions): Promise<RealFleet> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "landline-real-fleet-"));
  const env = loadEnv({ LANDLINE_DATA_DIR: dataDir, NODE_ENV: "test" });
  const db = openDatabase(env.databasePath);
  seedPredefinedConfigs(db);
  db.insert(users).values({ id: "u-ops", email: "ops@example.com", passwordHash: "!", role: "admin" }).run();
  const apiToken = createApiToken(db, { userId: "u-ops", role: "admin" }, { name: "integration" }, Date.now()).token;
  const enrollToken = createEnrollmentToken(
    db,
    { expiresHours: 1, maxUses: 20, tags: [{ key: "env", value: "prod" }], allowHostTags: true, requireApproval: false, createdBy: null },
    Date.now(),
  ).token;
  db.$client.close();

  let server = await spawnServer({ dataDir, env: options.serverEnv ?? {} });
  const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/api/trpc`, headers: { authorization: `Bearer ${apiToken}` } })] });
  const agents = new Map<string, SpawnedAgent>();

  const fleet: RealFleet = {
    get server() {
      return server;
    },
    api,
    apiToken,
    agents,
    async startAgent(name, agentOptions = {}) {
      const previous = agents.get(name);
      const agent = previous
        ? await previous.restart()
        : await spawnAgent({
            serverUrl: agentOptions.serverUrl ?? server.url,
            enrollToken,
            name,
            tags: [{ key: "host", value: name }],
            env: options.agentEnv ?? {},
            timeoutMs: 60_000,
          });
      agents.set(name, agent);
      return agent;
    },
    async restartServer() {
      server = await server.restart();
      return server;
    },
    async createGroup(groupOptions = {}) {
      const applicationName = `app-${randomUUID().slice(0, 8)}`;
      await api.applications.create.mutate({ applicationName });
      const tagSet = groupOptions.hosts
        ? [groupOptions.hosts.map((h) => ({ key: "host", value: h, type: "KEY_AND_VALUE" as const }))]
        : [[{ key: "env", value: "prod", type: "KEY_AND_VALUE" as const }]];
      await api.deploymentGroups.create.mutate({
        applicationName,
        deploymentGroupName: "prod",
        onPremisesTagSet: tagSet,
        deploymentConfigName: groupOptions.deploymentConfigName,
        fileExistsBehavior: groupOptions.fileExistsBehavior,
      });
      return { applicationName, deploymentGroupName: "prod" };
    },
    async uploadRevision(applicationName, zip, description = "") {
      const query = new URLSearchParams({ application: applicationName, description });
      const res = await fetch(`${server.url}/api/revisions?${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/zip" },
        body: new Uint8Array(zip),
      });
      const body = (await res.json()) as { revisionId: string };
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
      return body.revisionId;
    },
    async deploy(group, revisionId, extra = {}) {
      const { deploymentId } = await api.deployments.create.mutate({ ...group, revisionId, ...extra });
      return deploymentId;
    },
    waitForDeployment: (deploymentId, timeoutMs = 60_000) => waitForFinishedDeployment(api, deploymentId, timeoutMs),
    async close() {
      for (const agent of agents.values()) await agent.kill("SIGKILL");
      await server.kill("SIGKILL");
      for (const dir of [...(options.dataDir ? [] : [dataDir]), ...[...agents.values()].map((a) => a.rootDir)])
        fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const name of options.hosts) await fleet.startAgent(name);
  return fleet;
}

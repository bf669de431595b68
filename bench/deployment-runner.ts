import fs from "node:fs";
import { io, type Socket } from "socket.io-client";
import type { LandlineClient } from "../server/client";
import { isFinishedDeploymentStatus, type CreateDeploymentInput, type DeploymentInfo, type DeploymentStatus } from "../server/contracts/deployment";
import { BROWSER_NAMESPACE, liveRooms, type BrowserToServerEvents, type ServerToBrowserEvents } from "../server/contracts/live-updates";
import type { TagSet } from "../server/contracts/resources";
import { REVISION_UPLOAD_PATH, type RevisionUploadResult } from "../server/contracts/revision";
import type { BenchServer } from "./bench-server";

function isConflict(error: unknown): boolean {
  return (error as { data?: { code?: string } }).data?.code === "CONFLICT";
}

/** Creates the application and its deployment group unless they exist (data directories are reused between runs). */
export async function ensureDeploymentGroup(
  client: LandlineClient,
  group: { applicationName: string; deploymentGroupName: string; onPremisesTagSet: TagSet; deploymentConfigName?: string },
): Promise<void> {
  await client.applications.create.mutate({ applicationName: group.applicationName }).catch((error: unknown) => {
    if (!isConflict(error)) throw error;
  });
  await client.deploymentGroups.create.mutate(group).catch((error: unknown) => {
    if (!isConflict(error)) throw error;
  });
}

/** POST /api/revisions with the archive streamed from disk. */
export async function uploadRevision(serverUrl: string, apiToken: string, applicationName: string, file: string): Promise<RevisionUploadResult> {
  const size = fs.statSync(file).size;
  const res = await fetch(`${serverUrl}${REVISION_UPLOAD_PATH}?application=${encodeURIComponent(applicationName)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/octet-stream", "content-length": String(size) },
    body: fs.createReadStream(file) as unknown as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const text = await res.text();
  if (!res.ok) throw new Error(`revision upload answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as RevisionUploadResult;
}

/** Stops deployments a crashed earlier run left behind in a reused data directory. */
export async function stopLeftoverDeployments(client: LandlineClient): Promise<void> {
  const page = await client.deployments.list.query({ status: ["Created", "Queued", "InProgress"], limit: 200 });
  for (const d of page.items) {
    await client.deployments.stop.mutate({ deploymentId: d.deploymentId, autoRollbackEnabled: false }).catch(() => {});
  }
}

/**
 * The common start of a one-group benchmark: stops leftover deployments, ensures an AllAtOnce group of the hosts
 * tagged bench=<benchTag>, and uploads the bundle as a revision of the application.
 */
export async function prepareBenchGroup(
  server: Pick<BenchServer, "client" | "url" | "apiToken">,
  group: { applicationName: string; deploymentGroupName: string; benchTag: string },
  bundleFile: string,
): Promise<RevisionUploadResult> {
  await stopLeftoverDeployments(server.client);
  await ensureDeploymentGroup(server.client, {
    applicationName: group.applicationName,
    deploymentGroupName: group.deploymentGroupName,
    onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "bench", value: group.benchTag }]],
    deploymentConfigName: "CodeDeployDefault.AllAtOnce",
  });
  return uploadRevision(server.url, server.apiToken, group.applicationName, bundleFile);
}

type Finish = { status: DeploymentStatus; at: number };

/**
 * Notices a deployment's end as early as possible: "deployment:updated" in the /live fleet room (API token in
 * handshake.auth.token), with deployments.get polling as the fallback and the safety net.
 */
export async function openDeploymentWatcher(serverUrl: string, apiToken: string, client: LandlineClient) {
  const finished = new Map<string, Finish>();
  const waiters = new Map<string, (f: Finish) => void>();
  const settle = (deploymentId: string, status: DeploymentStatus) => {
    if (!isFinishedDeploymentStatus(status) || finished.has(deploymentId)) return;
    const f = { status, at: performance.now() };
    finished.set(deploymentId, f);
    waiters.get(deploymentId)?.(f);
  };

  let live = false;
  const socket: Socket<ServerToBrowserEvents, BrowserToServerEvents> = io(`${serverUrl}${BROWSER_NAMESPACE}`, {
    auth: { token: apiToken },
    transports: ["websocket"],
    forceNew: true,
  });
  socket.on("deployment:updated", (u) => settle(u.deploymentId, u.status));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    live = (await socket.timeout(5000).emitWithAck("room:join", liveRooms.fleet)).ok;
  } catch {
    live = false;
  }

  return {
    live,
    /** Resolves with the final status and performance.now() of the moment the end was seen. */
    async waitForEnd(deploymentId: string, timeoutMs: number): Promise<Finish> {
      const known = finished.get(deploymentId);
      if (known) return known;
      const deadline = performance.now() + timeoutMs;
      return new Promise<Finish>((resolve, reject) => {
        let timer: NodeJS.Timeout;
        const done = (f: Finish) => {
          clearTimeout(timer);
          waiters.delete(deploymentId);
          resolve(f);
        };
        waiters.set(deploymentId, done);
        const poll = async () => {
          if (!waiters.has(deploymentId)) return;
          if (performance.now() > deadline) {
            waiters.delete(deploymentId);
            return reject(new Error(`deployment ${deploymentId} did not finish within ${timeoutMs} ms`));
          }
          try {
            const info = await client.deployments.get.query({ deploymentId });
            settle(deploymentId, info.status);
          } catch {
            // try again on the next poll
          }
          if (waiters.has(deploymentId)) timer = setTimeout(poll, live ? 1000 : 20);
        };
        timer = setTimeout(poll, live ? 1000 : 20);
      });
    },
    close: () => socket.close(),
  };
}

export type DeploymentWatcher = Awaited<ReturnType<typeof openDeploymentWatcher>>;

/** Creates a deployment and waits for its end; wallMs runs from just before deployments.create to the end seen. */
export async function deployAndWait(
  client: LandlineClient,
  watcher: DeploymentWatcher,
  input: CreateDeploymentInput,
  timeoutMs = 120_000,
): Promise<{ deploymentId: string; wallMs: number; info: DeploymentInfo }> {
  const started = performance.now();
  const { deploymentId } = await client.deployments.create.mutate(input);
  const end = await watcher.waitForEnd(deploymentId, timeoutMs);
  const info = await client.deployments.get.query({ deploymentId });
  if (end.status !== "Succeeded") {
    throw new Error(`deployment ${deploymentId} ended ${end.status}: ${info.errorInformation?.message ?? "no error information"}`);
  }
  return { deploymentId, wallMs: end.at - started, info };
}

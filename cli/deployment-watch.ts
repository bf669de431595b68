import { TRPCClientError } from "@trpc/client";
import { io, type Socket } from "socket.io-client";
import { proxyAgentFor } from "../agent/proxy";
import { BROWSER_NAMESPACE, liveRooms, type BrowserToServerEvents, type ServerToBrowserEvents } from "../server/contracts/live-updates";
import type { LandlineClient } from "../server/client";
import type { Connection } from "./connection";
import { finishedDeploymentStatuses } from "../server/contracts/deployment";

export type DeploymentView = Awaited<ReturnType<LandlineClient["deployments"]["get"]["query"]>>;
export type TargetView = Awaited<ReturnType<LandlineClient["deployments"]["listTargets"]["query"]>>[number];
export type DeploymentSnapshot = { deployment: DeploymentView; targets: TargetView[] };

export const isFinished = (status: string) => (finishedDeploymentStatuses as readonly string[]).includes(status);

/** Polling interval while the live socket is down, and the safety-net interval while it is up. */
const POLL_MS = 1_000;
const SAFETY_POLL_MS = 10_000;
/** While waiting, the server may be unreachable this long (a restart) before the CLI gives up. */
const OUTAGE_TOLERANCE_MS = 120_000;

/** A failure to reach the server, as opposed to an answer from it. */
function isConnectionError(err: unknown): boolean {
  return err instanceof TRPCClientError && (err.data as { code?: string } | undefined)?.code === undefined;
}

export async function readSnapshot(client: LandlineClient, deploymentId: string): Promise<DeploymentSnapshot> {
  const [deployment, targets] = await Promise.all([client.deployments.get.query({ deploymentId }), client.deployments.listTargets.query({ deploymentId })]);
  return { deployment, targets };
}

/**
 * Follows a deployment until it finishes or `timeoutMs` passes. Live updates (Socket.IO /live) trigger a
 * re-read at once; without the socket it polls every second. `onSnapshot` sees every state read.
 */
export async function watchDeployment(
  conn: Connection,
  deploymentId: string,
  options: { timeoutMs: number | null; onSnapshot: (s: DeploymentSnapshot) => Promise<void> | void; onOutage?: (err: unknown) => void },
): Promise<{ snapshot: DeploymentSnapshot; timedOut: boolean }> {
  const deadline = options.timeoutMs === null ? Infinity : Date.now() + options.timeoutMs;
  let wake: (() => void) | null = null;
  let live = false;
  // Set by every update; an update that lands while a read is in flight must not wait for the next poll.
  let dirty = false;
  const socket: Socket<ServerToBrowserEvents, BrowserToServerEvents> = io(`${conn.url}${BROWSER_NAMESPACE}`, {
    auth: { token: conn.token },
    extraHeaders: { authorization: `Bearer ${conn.token}` },
    transports: ["websocket"],
    reconnectionDelayMax: 5_000,
    // Typed as a string in socket.io-client, passed to the WebSocket as its http.Agent.
    agent: proxyAgentFor(conn.url) as unknown as string,
  });
  const poke = () => {
    dirty = true;
    wake?.();
  };
  socket.on("connect", () => {
    socket.emit("room:join", liveRooms.deployment(deploymentId), (reply) => {
      live = reply?.ok === true;
      poke();
    });
  });
  socket.on("disconnect", () => {
    live = false;
    // Back to polling at once: a server restart or a network problem is when updates are most likely missed.
    poke();
  });
  socket.on("deployment:updated", (u) => u.deploymentId === deploymentId && poke());
  socket.on("target:updated", (u) => u.deploymentId === deploymentId && poke());
  const readTolerantly = async (): Promise<DeploymentSnapshot> => {
    let unreachableSince: number | null = null;
    for (;;) {
      try {
        return await readSnapshot(conn.client, deploymentId);
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        if (unreachableSince === null) options.onOutage?.(err);
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > OUTAGE_TOLERANCE_MS || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
  };
  try {
    for (;;) {
      dirty = false;
      const snapshot = await readTolerantly();
      await options.onSnapshot(snapshot);
      if (isFinished(snapshot.deployment.status)) return { snapshot, timedOut: false };
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { snapshot, timedOut: true };
      if (dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, live ? SAFETY_POLL_MS : POLL_MS));
        wake = () => {
          clearTimeout(timer);
          // Coalesce bursts of updates into one read.
          setTimeout(resolve, 50);
        };
      });
      wake = null;
    }
  } finally {
    socket.close();
  }
}

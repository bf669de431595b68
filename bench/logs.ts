import fs from "node:fs";
import Database from "better-sqlite3";
import { io } from "socket.io-client";
import { BROWSER_NAMESPACE, liveRooms, type BrowserToServerEvents, type ServerToBrowserEvents } from "../server/contracts/live-updates";
import type { Socket } from "socket.io-client";
import type { Benchmark } from "./benchmark";
import { figure } from "./benchmark";
import { startBenchServer } from "./bench-server";
import { packNoopBundle } from "./bundle-fixtures";
import { openDeploymentWatcher, prepareBenchGroup, type DeploymentWatcher } from "./deployment-runner";
import { LatencyHistogram } from "./latency-histogram";
import { sampleRss } from "./process-stats";
import { simHosts, startSimFleet, type SimFleet } from "./sim-fleet";

const APPLICATION = "bench-logs";
const GROUP = "all";
const LINE_BYTES = 100;
/** The real agent's largest batch (agent/connection.ts maxBatchLines): a hook printing flat out fills every batch. */
const BATCH_LINES = 1000;
const MB = 1024 * 1024;

/** A /live subscriber in the logs rooms of the given targets; latency is measured from the time written in each line. */
async function subscribeToLogs(serverUrl: string, apiToken: string, targetIds: string[]) {
  const latency = new LatencyHistogram();
  let received = 0;
  const socket: Socket<ServerToBrowserEvents, BrowserToServerEvents> = io(`${serverUrl}${BROWSER_NAMESPACE}`, {
    auth: { token: apiToken },
    transports: ["websocket"],
    forceNew: true,
  });
  socket.on("log:lines", (update) => {
    const now = Date.now();
    for (const line of update.lines) {
      if (line.stream !== "stdout") continue;
      received++;
      latency.record(now - Number(line.text.slice(0, line.text.indexOf(" "))));
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  for (const targetId of targetIds) {
    const reply = await socket.timeout(5000).emitWithAck("room:join", liveRooms.targetLogs(targetId));
    if (!reply.ok) throw new Error(`joining the logs room of ${targetId} was refused: ${reply.error}`);
  }
  return { latency, received: () => received, close: () => socket.close() };
}

/** B3: many agents streaming hook output through the server to SQLite and to one live subscriber. */
export const logsBenchmark: Benchmark = {
  name: "logs",
  summary: "100 simulated agents print 100-byte lines flat out for 30 s (one batch in flight each) to SQLite and a /live subscriber",
  async run(options) {
    const agentCount = options.quick ? 20 : 100;
    const durationMs = options.quick ? 10_000 : 30_000;
    // Millions of log rows make this data directory large: start empty and remove it afterwards.
    const server = await startBenchServer({ scenario: "logs", dataRoot: options.dataRoot, fresh: true, cpuProfile: options.cpuProfile });
    let fleet: SimFleet | null = null;
    let watcher: DeploymentWatcher | null = null;
    let subscriber: Awaited<ReturnType<typeof subscribeToLogs>> | null = null;
    try {
      const { client } = server;
      const bundle = await packNoopBundle(server.scenarioDir);
      const revision = await prepareBenchGroup(server, { applicationName: APPLICATION, deploymentGroupName: GROUP, benchTag: "logs" }, bundle.file);
      fleet = await startSimFleet({
        serverUrl: server.url,
        enrollToken: await server.enrollmentToken(),
        hosts: simHosts("logs", agentCount, () => [{ key: "bench", value: "logs" }]),
        workers: 2,
        credentialsFile: `${server.scenarioDir}/sim-credentials.json`,
        mode: { kind: "logs", streamEvent: "BeforeInstall" },
      });
      await fleet.connect(agentCount);
      watcher = await openDeploymentWatcher(server.url, server.apiToken, client);
      const { deploymentId } = await client.deployments.create.mutate({
        applicationName: APPLICATION,
        deploymentGroupName: GROUP,
        revisionId: revision.revisionId,
      });
      const targets = await client.deployments.listTargets.query({ deploymentId });
      subscriber = await subscribeToLogs(
        server.url,
        server.apiToken,
        targets.map((t) => t.targetId),
      );
      await fleet.waitFor((s) => s.streamWaiting >= agentCount, 60_000);

      const rss = sampleRss(server.pid, 500);
      const cpuBefore = server.cpuSeconds() ?? 0;
      const loadBefore = fleet.cpuSeconds() + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
      options.log(`logs: ${agentCount} agents streaming for ${durationMs / 1000} s`);
      await fleet.stream(durationMs, BATCH_LINES, LINE_BYTES);
      const cpuSeconds = (server.cpuSeconds() ?? 0) - cpuBefore;
      // Simulated agents and the subscriber share the load core: near 100% here means the client, not the server, sets the pace.
      const loadCpuSeconds = fleet.cpuSeconds() + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 - loadBefore;
      const end = await watcher.waitForEnd(deploymentId, 120_000);
      const memory = rss.stop();
      const warm = rss.samples.find((s) => s.at >= rss.samples[0].at + durationMs / 3)?.rss ?? memory.first;
      // Let the subscriber drain what is still on the wire.
      for (let last = -1; last !== subscriber.received();) {
        last = subscriber.received();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const stats = await fleet.stats();
      const db = new Database(server.databasePath, { readonly: true, fileMustExist: true });
      const stored = (db.prepare("SELECT count(*) AS n FROM log_lines WHERE deployment_id = ? AND stream = 'stdout'").get(deploymentId) as { n: number }).n;
      db.close();
      const seconds = ((stats.streamLastAckAt ?? 0) - (stats.streamStartedAt ?? 0)) / 1000;
      const perSecond = stored / seconds;
      const lost = stats.linesSent - stored;
      const p50 = subscriber.latency.percentile(50);
      const p99 = subscriber.latency.percentile(99);
      const growth = (memory.last - warm) / warm;
      options.log(
        `logs: ${stored} of ${stats.linesSent} lines stored in ${seconds.toFixed(1)} s; deployment ${end.status}; subscriber got ${subscriber.received()}`,
      );
      return {
        figures: [
          figure(
            "logs",
            `${agentCount} agents × 100-byte lines: lines persisted per second`,
            perSecond,
            "lines/s",
            { atLeast: 50_000 },
            `${((perSecond * LINE_BYTES) / MB).toFixed(1)} MB/s of text; CPU: server ${((cpuSeconds / seconds) * 100).toFixed(0)}%, agents + subscriber ${((loadCpuSeconds / seconds) * 100).toFixed(0)}% of a core`,
          ),
          figure(
            "logs",
            "lines lost (sent − rows in SQLite)",
            lost,
            "lines",
            { text: "0", met: lost === 0 },
            `${stats.linesSent.toLocaleString("en-US")} sent, ${stored.toLocaleString("en-US")} stored`,
          ),
          figure("logs", "line written → /live subscriber: p50", p50, "ms"),
          figure(
            "logs",
            "line written → /live subscriber: p99",
            p99,
            "ms",
            { below: 1000 },
            `${subscriber.received().toLocaleString("en-US")} lines received; max ${Math.round(subscriber.latency.max)} ms`,
          ),
          figure(
            "logs",
            "server RSS at the end of the run",
            memory.last / MB,
            "MB",
            { text: "flat (≤ +10% after the first third)", met: growth <= 0.1 },
            `start ${(memory.first / MB).toFixed(0)} MB, after a third ${(warm / MB).toFixed(0)} MB, peak ${(memory.peak / MB).toFixed(0)} MB`,
          ),
        ],
        details: {
          agentCount,
          durationMs,
          batchLines: BATCH_LINES,
          stored,
          seconds,
          cpuSeconds,
          loadCpuSeconds,
          memory,
          warm,
          simStats: stats,
          deploymentStatus: end.status,
        },
      };
    } finally {
      subscriber?.close();
      watcher?.close();
      await fleet?.stop();
      await server.stop();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  },
};

import { spawn } from "node:child_process";
import { bundleDownloadPath } from "../server/contracts/agent-protocol";
import type { Benchmark } from "./benchmark";
import { figure } from "./benchmark";
import { startBenchServer } from "./bench-server";
import { packLargeBundle } from "./bundle-fixtures";
import { deployAndWait, openDeploymentWatcher, prepareBenchGroup, type DeploymentWatcher } from "./deployment-runner";
import { pinnedCommand, readCpuSeconds, sampleRss, SERVER_CORE } from "./process-stats";
import { simHosts, startSimFleet, type SimFleet } from "./sim-fleet";

const APPLICATION = "bench-bundle";
const GROUP = "all";
const MB = 1024 * 1024;

type DownloadRun = Awaited<ReturnType<SimFleet["download"]>> & { serverCpuSeconds: number; clientCpuSeconds: number };

const PAIRS = 3;
const rate = (r: DownloadRun) => r.bytes / MB / (r.wallMs / 1000);
const cpuNote = (r: DownloadRun) =>
  `server ${(r.serverCpuSeconds / (r.bytes / 1024 ** 3)).toFixed(2)} CPU s/GB, clients ${(r.clientCpuSeconds / (r.bytes / 1024 ** 3)).toFixed(2)} CPU s/GB`;

/** Starts bench/plain-file-server.ts on the server core; resolves with its URL. */
async function startPlainFileServer(file: string) {
  const [command, ...prefix] = [...pinnedCommand(SERVER_CORE), process.execPath];
  const child = spawn(command, [...prefix, "--import", "tsx", "bench/plain-file-server.ts", file], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`plain file server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/bundle`, pid: child.pid!, stop: () => child.kill("SIGTERM") };
}

/** B5: concurrent agent downloads of one large bundle, against a plain streaming server as the ceiling. */
export const bundleBenchmark: Benchmark = {
  name: "bundle",
  summary: "100 simulated agents download a 100 MB bundle at once: throughput vs a plain Node file server, server RSS growth",
  async run(options) {
    const agentCount = options.quick ? 20 : 100;
    const bytes = (options.quick ? 20 : 100) * MB;
    const server = await startBenchServer({ scenario: "bundle", dataRoot: options.dataRoot, fresh: options.fresh, cpuProfile: options.cpuProfile });
    let fleet: SimFleet | null = null;
    let watcher: DeploymentWatcher | null = null;
    let ceilingServer: Awaited<ReturnType<typeof startPlainFileServer>> | null = null;
    try {
      const { client } = server;
      const file = await packLargeBundle(server.scenarioDir, bytes);
      const revision = await prepareBenchGroup(server, { applicationName: APPLICATION, deploymentGroupName: GROUP, benchTag: "bundle" }, file);
      fleet = await startSimFleet({
        serverUrl: server.url,
        enrollToken: await server.enrollmentToken(),
        hosts: simHosts("bundle", agentCount, () => [{ key: "bench", value: "bundle" }]),
        workers: 2,
        credentialsFile: `${server.scenarioDir}/sim-credentials.json`,
      });
      await fleet.connect(agentCount);
      watcher = await openDeploymentWatcher(server.url, server.apiToken, client);
      // Agents may download only bundles of deployments that target them; the simulated hooks skip the download.
      await deployAndWait(client, watcher, { applicationName: APPLICATION, deploymentGroupName: GROUP, revisionId: revision.revisionId });

      // Paired rounds (ceiling, then Landline, back to back) so that load from elsewhere on the machine hits both
      // alike; the pair with the median ratio is reported. The first pair also warms the clients and the page cache.
      ceilingServer = await startPlainFileServer(file);
      const landlineUrl = `${server.url}${bundleDownloadPath(revision.sha256)}`;
      const rss = sampleRss(server.pid, 100);
      const timed = async (url: string, withCredential: boolean, serverPid: number): Promise<DownloadRun> => {
        const server0 = readCpuSeconds(serverPid) ?? 0;
        const clients0 = fleet!.cpuSeconds();
        const result = await fleet!.download(url, withCredential);
        return { ...result, serverCpuSeconds: (readCpuSeconds(serverPid) ?? 0) - server0, clientCpuSeconds: fleet!.cpuSeconds() - clients0 };
      };
      const rounds: { ceiling: DownloadRun; landline: DownloadRun; ratio: number }[] = [];
      for (let round = 0; round < PAIRS; round++) {
        const ceilingRun = await timed(ceilingServer.url, false, ceilingServer.pid);
        const landlineRun = await timed(landlineUrl, true, server.pid);
        rounds.push({ ceiling: ceilingRun, landline: landlineRun, ratio: rate(landlineRun) / rate(ceilingRun) });
      }
      const memory = rss.stop();
      const { ceiling, landline, ratio } = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
      const expected = agentCount * revision.size;
      options.log(`bundle: Landline ${rate(landline).toFixed(0)} MB/s, ceiling ${rate(ceiling).toFixed(0)} MB/s (${(ratio * 100).toFixed(0)}%)`);
      const complete = rounds.every((r) => r.landline.bytes === expected && r.landline.failures === 0);
      return {
        figures: [
          figure(
            "bundle",
            `${agentCount} agents × ${bytes / MB} MB: Landline throughput`,
            rate(landline),
            "MB/s",
            undefined,
            `${(landline.wallMs / 1000).toFixed(1)} s; ${complete ? "every byte arrived" : `${landline.failures} failed, ${landline.bytes} of ${expected} bytes`}; ${cpuNote(landline)}`,
          ),
          figure(
            "bundle",
            "loopback ceiling: plain Node server, same file, same clients",
            rate(ceiling),
            "MB/s",
            undefined,
            `${(ceiling.wallMs / 1000).toFixed(1)} s; ${cpuNote(ceiling)}`,
          ),
          figure(
            "bundle",
            "Landline throughput as a share of the ceiling (median of 3 pairs)",
            ratio * 100,
            "%",
            { text: "≥ 80 %", met: complete && ratio >= 0.8 },
            `pairs: ${rounds.map((r) => `${Math.round(r.ratio * 100)}%`).join(", ")}`,
          ),
          figure(
            "bundle",
            "server RSS growth during the downloads",
            (memory.peak - memory.first) / MB,
            "MB",
            { below: 100 },
            `from ${(memory.first / MB).toFixed(0)} MB`,
          ),
        ],
        details: { agentCount, bundleBytes: revision.size, rounds, memory: { first: memory.first, peak: memory.peak, last: memory.last } },
      };
    } finally {
      ceilingServer?.stop();
      watcher?.close();
      await fleet?.stop();
      await server.stop();
    }
  },
};

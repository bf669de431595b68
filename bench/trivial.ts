import type { LandlineClient } from "../server/client";
import type { Benchmark } from "./benchmark";
import { figure } from "./benchmark";
import { startBenchServer } from "./bench-server";
import { packNoopBundle } from "./bundle-fixtures";
import { deployAndWait, openDeploymentWatcher, prepareBenchGroup, type DeploymentWatcher } from "./deployment-runner";
import { median } from "./latency-histogram";
import { startRealAgents, type RealAgents } from "./real-agents";
import { measureShFloor } from "./sh-floor";

const APPLICATION = "bench-trivial";

/** Sum of the lifecycle events' own durations (agent-reported start → end) of the deployment's one target. */
async function timeInsideEvents(client: LandlineClient, deploymentId: string): Promise<number> {
  const [target] = await client.deployments.listTargets.query({ deploymentId });
  const detail = await client.deployments.getTarget.query({ targetId: target.targetId });
  return detail.lifecycleEvents.reduce((sum, e) => sum + (e.duration ?? 0), 0);
}
const GROUP = "one-host";

/** B2's trivial deployment: one real agent, five no-op hooks, compared with doing the same work by hand. */
export const trivialBenchmark: Benchmark = {
  name: "trivial",
  summary: "one real agent, a bundle with five no-op hooks: deployments.create → Succeeded (median of 10) vs the sh floor",
  async run(options) {
    const runs = options.quick ? 3 : 10;
    const server = await startBenchServer({ scenario: "trivial", dataRoot: options.dataRoot, fresh: options.fresh, cpuProfile: options.cpuProfile });
    let agents: RealAgents | null = null;
    let watcher: DeploymentWatcher | null = null;
    try {
      const { client } = server;
      const bundle = await packNoopBundle(server.scenarioDir);
      const revision = await prepareBenchGroup(server, { applicationName: APPLICATION, deploymentGroupName: GROUP, benchTag: "trivial" }, bundle.file);
      agents = await startRealAgents(server, { names: ["trivial-host"], tags: [{ key: "bench", value: "trivial" }] });
      watcher = await openDeploymentWatcher(server.url, server.apiToken, client);
      const input = { applicationName: APPLICATION, deploymentGroupName: GROUP, revisionId: revision.revisionId };
      options.log("trivial: warm-up deployment (the first one has no ApplicationStop scripts to run)");
      await deployAndWait(client, watcher, input, 60_000);
      const walls: number[] = [];
      const serverSide: number[] = [];
      const insideEvents: number[] = [];
      for (let i = 0; i < runs; i++) {
        const { deploymentId, wallMs, info } = await deployAndWait(client, watcher, input, 60_000);
        walls.push(wallMs);
        if (info.completeTime !== null) serverSide.push(info.completeTime - info.createTime);
        insideEvents.push(await timeInsideEvents(client, deploymentId));
      }
      const floor = await measureShFloor(bundle.file, bundle.scripts, runs);
      const wall = median(walls);
      const limit = Math.min(2 * floor + 200, 500);
      options.log(`trivial: median ${wall.toFixed(0)} ms over ${runs} (floor ${floor.toFixed(1)} ms, live updates ${watcher.live ? "on" : "off: polling"})`);
      return {
        figures: [
          figure(
            "trivial",
            `1 real agent, 5 no-op hooks: create → Succeeded (median of ${runs})`,
            wall,
            "ms",
            { below: limit },
            `goal = min(2 × floor + 200, 500)`,
          ),
          figure("trivial", "floor: sha256 + unpack + 5 × sh no-op (median)", floor, "ms"),
          figure("trivial", "server-recorded createTime → completeTime (median)", median(serverSide), "ms"),
          figure(
            "trivial",
            "of which inside the 7 lifecycle events, as the agent reports them (median)",
            median(insideEvents),
            "ms",
            undefined,
            "the rest is dispatch, acknowledgement and log delivery between events",
          ),
        ],
        details: { walls, serverSide, insideEvents, floor, live: watcher.live, revision },
      };
    } finally {
      watcher?.close();
      await agents?.stop();
      await server.stop();
    }
  },
};

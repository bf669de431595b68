import { inPlaceLifecycleEvents } from "../server/contracts/deployment";
import type { Benchmark, Figure } from "./benchmark";
import { figure } from "./benchmark";
import { startBenchServer } from "./bench-server";
import { packNoopBundle } from "./bundle-fixtures";
import { deployAndWait, ensureDeploymentGroup, openDeploymentWatcher, stopLeftoverDeployments, uploadRevision } from "./deployment-runner";
import { median } from "./latency-histogram";
import { simHosts, startSimFleet } from "./sim-fleet";

const APPLICATION = "bench-fanout";
const EVENTS_PER_HOST = inPlaceLifecycleEvents.length;

/** B2/B6 fan-out: simulated agents with instant hooks, AllAtOnce and OneAtATime. */
export const fanoutBenchmark: Benchmark = {
  name: "fanout",
  summary: "100 and 1,000 simulated agents with instant hooks: AllAtOnce (both) and OneAtATime (100), create → Succeeded",
  async run(options) {
    const large = options.quick ? 300 : 1000;
    const small = 100;
    const server = await startBenchServer({ scenario: "fanout", dataRoot: options.dataRoot, fresh: options.fresh, cpuProfile: options.cpuProfile });
    let fleet: Awaited<ReturnType<typeof startSimFleet>> | null = null;
    let watcher: Awaited<ReturnType<typeof openDeploymentWatcher>> | null = null;
    try {
      const { client } = server;
      await stopLeftoverDeployments(client);
      const groups = { small: `first-${small}`, large: `all-${large}` };
      await ensureDeploymentGroup(client, {
        applicationName: APPLICATION,
        deploymentGroupName: groups.small,
        onPremisesTagSet: [[{ type: "KEY_ONLY", key: `first-${small}` }]],
      });
      await ensureDeploymentGroup(client, {
        applicationName: APPLICATION,
        deploymentGroupName: groups.large,
        onPremisesTagSet: [[{ type: "KEY_ONLY", key: `first-${large}` }]],
      });
      const revision = await uploadRevision(server.url, server.apiToken, APPLICATION, (await packNoopBundle(server.scenarioDir)).file);

      const hosts = simHosts("fanout", large, (i) => [
        { key: "bench", value: "fanout" },
        ...(i < small ? [{ key: `first-${small}`, value: "" }] : []),
        { key: `first-${large}`, value: "" },
      ]);
      fleet = await startSimFleet({
        serverUrl: server.url,
        enrollToken: await server.enrollmentToken(),
        hosts,
        workers: large > 500 ? 2 : 1,
        credentialsFile: `${server.scenarioDir}/sim-credentials.json`,
      });
      const connectMs = await fleet.connect(large);
      options.log(`fanout: ${large} simulated agents connected in ${(connectMs / 1000).toFixed(1)} s`);
      watcher = await openDeploymentWatcher(server.url, server.apiToken, client);
      const deploy = (group: string, config: string) =>
        deployAndWait(
          client,
          watcher!,
          { applicationName: APPLICATION, deploymentGroupName: group, revisionId: revision.revisionId, deploymentConfigName: config },
          300_000,
        );

      await deploy(groups.small, "CodeDeployDefault.AllAtOnce");
      const smallAll: number[] = [];
      for (let i = 0; i < 3; i++) smallAll.push((await deploy(groups.small, "CodeDeployDefault.AllAtOnce")).wallMs);
      const largeAll = (await deploy(groups.large, "CodeDeployDefault.AllAtOnce")).wallMs;
      options.log(`fanout: AllAtOnce ${small}: ${median(smallAll).toFixed(0)} ms; ${large}: ${largeAll.toFixed(0)} ms`);
      const smallOne = (await deploy(groups.small, "CodeDeployDefault.OneAtATime")).wallMs;
      options.log(`fanout: OneAtATime ${small}: ${smallOne.toFixed(0)} ms`);
      const stats = await fleet.stats();

      const eventsPerSecond = (hostCount: number, ms: number) => (hostCount * EVENTS_PER_HOST) / (ms / 1000);
      const figures: Figure[] = [
        figure(
          "fanout",
          `AllAtOnce, ${small} hosts: create → Succeeded (median of 3)`,
          median(smallAll) / 1000,
          "s",
          undefined,
          `${Math.round(eventsPerSecond(small, median(smallAll))).toLocaleString("en-US")} host-events/s`,
        ),
        figure(
          "fanout",
          `AllAtOnce, ${large.toLocaleString("en-US")} hosts: create → Succeeded`,
          largeAll / 1000,
          "s",
          large === 1000 ? { below: 5 } : undefined,
          `${Math.round(eventsPerSecond(large, largeAll)).toLocaleString("en-US")} host-events/s; one batch, so this is the per-batch overhead`,
        ),
        figure(
          "fanout",
          `OneAtATime, ${small} hosts: create → Succeeded`,
          smallOne / 1000,
          "s",
          undefined,
          `${Math.round(eventsPerSecond(small, smallOne)).toLocaleString("en-US")} host-events/s`,
        ),
        figure(
          "fanout",
          `OneAtATime, ${small} hosts: overhead per host (batch)`,
          smallOne / small,
          "ms",
          { below: 30 },
          "hooks take 0 ms, so all of it is overhead",
        ),
      ];
      return { figures, details: { connectMs, smallAll, largeAll, smallOne, eventsPerHost: EVENTS_PER_HOST, simErrors: stats.errorSamples, simStats: stats } };
    } finally {
      watcher?.close();
      await fleet?.stop();
      await server.stop();
    }
  },
};

import type { Benchmark, Figure } from "./benchmark";
import { figure } from "./benchmark";
import { startBenchServer, type BenchServer } from "./bench-server";
import { measureCpuShare } from "./process-stats";
import { simHosts, startSimFleet, type SimFleet } from "./sim-fleet";

const SETTLE_MS = 5_000;
/** prom-client samples the event loop with a 10 ms timer; its histogram holds the whole interval, so the delay is the excess. */
const LOOP_SAMPLE_INTERVAL_MS = 10;
const CPU_WINDOW_MS = 10_000;
const KB = 1024;

type Sample = { rss: number; heap: number };

async function sample(server: BenchServer): Promise<Sample> {
  const metrics = await server.metrics();
  return { rss: server.rss() ?? 0, heap: metrics.get("nodejs_heap_size_used_bytes") ?? 0 };
}

/** Idle cost of N connected agents: memory above the baseline, CPU and event-loop delay over a quiet window. */
async function measureStep(server: BenchServer, fleet: SimFleet, n: number, baseline: Sample, log: (line: string) => void) {
  const connectMs = await fleet.connect(n, 50);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await server.metrics(); // resets the event-loop delay histogram, so the next scrape covers the CPU window only
  const cpu = await measureCpuShare(server.pid, CPU_WINDOW_MS);
  const metrics = await server.metrics();
  const now = await sample(server);
  const step = {
    n,
    connectMs,
    rssPerAgent: (now.rss - baseline.rss) / n,
    heapPerAgent: (now.heap - baseline.heap) / n,
    rss: now.rss,
    heap: now.heap,
    cpuShare: cpu,
    eventLoopP99Ms: Math.max(0, (metrics.get("nodejs_eventloop_lag_p99_seconds") ?? NaN) * 1000 - LOOP_SAMPLE_INTERVAL_MS),
    eventLoopMaxMs: Math.max(0, (metrics.get("nodejs_eventloop_lag_max_seconds") ?? NaN) * 1000 - LOOP_SAMPLE_INTERVAL_MS),
  };
  log(
    `idle: ${n} agents connected in ${(connectMs / 1000).toFixed(1)} s; ${(step.rssPerAgent / KB).toFixed(1)} KB RSS/agent, CPU ${(cpu * 100).toFixed(1)}%, loop p99 ${step.eventLoopP99Ms.toFixed(1)} ms`,
  );
  return step;
}

/** Restarts the server under N connected agents; times until every agent has said hello to the new process. */
async function measureReconnect(server: BenchServer, fleet: SimFleet, n: number) {
  const since = Date.now();
  const killedAt = performance.now();
  await server.restart("SIGTERM");
  const listeningAt = performance.now();
  const cpuBefore = server.cpuSeconds() ?? 0;
  let ninetyNineAt: number | null = null;
  for (;;) {
    const stats = await fleet.stats(since);
    if (ninetyNineAt === null && stats.readySince >= 0.99 * n) ninetyNineAt = performance.now();
    if (stats.readySince >= n) break;
    if (performance.now() - listeningAt > 120_000) throw new Error(`only ${stats.readySince} of ${n} agents reconnected within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const allAt = performance.now();
  return {
    fromListeningMs: allAt - listeningAt,
    fromKillMs: allAt - killedAt,
    restartMs: listeningAt - killedAt,
    ninetyNineFromListeningMs: (ninetyNineAt ?? allAt) - listeningAt,
    cpuSecondsDuringStorm: (server.cpuSeconds() ?? 0) - cpuBefore,
  };
}

/** B1/B7: what connected but idle agents cost the server, and how fast they come back after a restart. */
export const idleBenchmark: Benchmark = {
  name: "idle",
  summary: "1,000 / 5,000 / 10,000 idle simulated agents: server RSS and heap per agent, idle CPU, event-loop p99, reconnect after restart",
  async run(options) {
    const steps = options.quick ? [200, 500, 1000] : [1000, 5000, 10_000];
    const max = steps.at(-1)!;
    const descriptorsNeeded = max + 1000;
    const server = await startBenchServer({ scenario: "idle", dataRoot: options.dataRoot, fresh: options.fresh, cpuProfile: options.cpuProfile });
    let fleet: SimFleet | null = null;
    try {
      fleet = await startSimFleet({
        serverUrl: server.url,
        enrollToken: await server.enrollmentToken(),
        hosts: simHosts("idle", max, () => [{ key: "bench", value: "idle" }]),
        workers: Math.max(1, Math.ceil(max / 2500)),
        credentialsFile: `${server.scenarioDir}/sim-credentials.json`,
      });
      // Enrolling thousands of hosts warms caches; a fresh process gives a clean baseline.
      await server.restart();
      const openFiles = server.openFileLimit();
      if (openFiles !== null && openFiles < descriptorsNeeded)
        throw new Error(`the server may open only ${openFiles} files, and ${max} agents need about ${descriptorsNeeded}; raise the hard limit (ulimit -Hn)`);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const baseline = await sample(server);
      options.log(`idle: baseline RSS ${(baseline.rss / KB / KB).toFixed(0)} MB, heap ${(baseline.heap / KB / KB).toFixed(0)} MB`);
      const measured = [];
      for (const n of steps) measured.push(await measureStep(server, fleet, n, baseline, options.log));
      const reconnect = await measureReconnect(server, fleet, max);
      options.log(
        `idle: ${max} agents back ${(reconnect.fromListeningMs / 1000).toFixed(1)} s after the new server listened (${(reconnect.fromKillMs / 1000).toFixed(1)} s after the kill)`,
      );

      const figures: Figure[] = [];
      for (const step of measured) {
        const atMax = step.n === max && !options.quick;
        const label = step.n.toLocaleString("en-US");
        figures.push(
          figure(
            "idle",
            `${label} agents: server RSS per agent`,
            step.rssPerAgent / KB,
            "KB",
            atMax ? { text: "≤ 30 KB", met: step.rssPerAgent / KB <= 30 } : undefined,
            `heap ${(step.heapPerAgent / KB).toFixed(1)} KB/agent; RSS ${(step.rss / KB / KB).toFixed(0)} MB`,
          ),
          figure("idle", `${label} agents: server CPU while idle (10 s)`, step.cpuShare * 100, "% of a core", atMax ? { below: 5 } : undefined),
          figure(
            "idle",
            `${label} agents: event-loop delay p99 (from the server's /metrics)`,
            step.eventLoopP99Ms,
            "ms",
            undefined,
            `max ${step.eventLoopMaxMs.toFixed(0)} ms; connected in ${(step.connectMs / 1000).toFixed(1)} s`,
          ),
        );
      }
      figures.push(
        figure(
          "idle",
          `${max.toLocaleString("en-US")} agents: all reconnected after a server restart`,
          reconnect.fromListeningMs / 1000,
          "s",
          options.quick ? undefined : { below: 30 },
          `timed from the new process listening; 99% at ${(reconnect.ninetyNineFromListeningMs / 1000).toFixed(1)} s; ${(reconnect.fromKillMs / 1000).toFixed(1)} s from the kill`,
        ),
      );
      return { figures, details: { baseline, steps: measured, reconnect, serverOpenFileLimit: server.openFileLimit(), simStats: await fleet.stats() } };
    } finally {
      await fleet?.stop();
      await server.stop();
    }
  },
};

import fs from "node:fs";
import path from "node:path";
import type { HostTag } from "../server/contracts/resources";
import { spawnAgent, type SpawnedAgent } from "../server/test/spawn-agent";
import type { BenchServer } from "./bench-server";
import { LOAD_CORE, pinProcess } from "./process-stats";

/**
 * Starts real agents (agent/main.ts), pinned to the load-generator core unless `pin` is false. Each run enrolls them afresh: a
 * stored agent credential names the server URL, and the bench server's port changes between runs, so an
 * earlier host of the same name is deregistered first (which frees the name).
 */
export async function startRealAgents(server: BenchServer, options: { names: string[]; tags: HostTag[]; startConcurrency?: number; pin?: boolean }) {
  const rootBase = path.join(server.scenarioDir, "agents");
  for (const name of options.names) {
    const existing = await server.client.hosts.get.query({ hostName: name }).catch(() => null);
    if (existing && existing.status !== "Deregistered") await server.client.hosts.deregister.mutate({ hostName: name });
  }
  const enrollToken = await server.enrollmentToken(options.names.length);
  const agents: SpawnedAgent[] = [];
  const stop = () => Promise.all(agents.map((a) => a.kill("SIGTERM")));
  try {
    const queue = [...options.names];
    const lanes = Array.from({ length: options.startConcurrency ?? 4 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const rootDir = path.join(rootBase, name);
        fs.rmSync(rootDir, { recursive: true, force: true });
        const agent = await spawnAgent({ serverUrl: server.url, enrollToken, name, tags: options.tags, rootDir, timeoutMs: 60_000 });
        agents.push(agent);
        pinProcess(agent.process.pid!, options.pin === false ? "all" : LOAD_CORE);
      }
    });
    await Promise.all(lanes);
  } catch (error) {
    await stop();
    throw error;
  }
  return { agents, stop };
}

export type RealAgents = Awaited<ReturnType<typeof startRealAgents>>;

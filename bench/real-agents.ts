import fs from "node:fs";
import path from "node:path";
import type { HostTag } from "../server/contracts/resources";
import { spawnAgent, type SpawnedAgent } from "../server/test/spawn-agent";
import type { BenchServer } from "./bench-server";
import { LOAD_CORE, pinProcess } from "./process-stats";

/** Installs the agent as the README says: the standalone file from /api/agent/download, fetched with an enrollment token. */
async function downloadAgentProgram(server: BenchServer, enrollToken: string): Promise<string> {
  const res = await fetch(`${server.url}/api/agent/download`, { headers: { authorization: `Bearer ${enrollToken}` } });
  if (!res.ok) throw new Error(`/api/agent/download answered ${res.status}: ${await res.text()}`);
  const file = path.join(server.scenarioDir, "landline-agent.mjs");
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()), { mode: 0o755 });
  return file;
}

/**
 * Starts real agents from the standalone file a host installs (not agent/main.ts under tsx, which doubles an
 * agent's memory and with it the cost of forking each hook process), pinned to the load-generator core
 * unless `pin` is false. Each run enrolls them afresh: a stored agent credential names the server URL, and
 * the bench server's port changes between runs, so an earlier host of the same name is deregistered first.
 */
export async function startRealAgents(server: BenchServer, options: { names: string[]; tags: HostTag[]; startConcurrency?: number; pin?: boolean }) {
  const rootBase = path.join(server.scenarioDir, "agents");
  for (const name of options.names) {
    const existing = await server.client.hosts.get.query({ hostName: name }).catch(() => null);
    if (existing && existing.status !== "Deregistered") await server.client.hosts.deregister.mutate({ hostName: name });
  }
  const enrollToken = await server.enrollmentToken(options.names.length);
  const program = await downloadAgentProgram(server, enrollToken);
  const agents: SpawnedAgent[] = [];
  const stop = () => Promise.all(agents.map((a) => a.kill("SIGTERM")));
  try {
    const queue = [...options.names];
    const lanes = Array.from({ length: options.startConcurrency ?? 4 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const rootDir = path.join(rootBase, name);
        fs.rmSync(rootDir, { recursive: true, force: true });
        const agent = await spawnAgent({ serverUrl: server.url, program, enrollToken, name, tags: options.tags, rootDir, timeoutMs: 60_000 });
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

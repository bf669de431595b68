import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Benchmark } from "./benchmark";
import { figure } from "./benchmark";
import { prepareScenarioDir, startBenchServer } from "./bench-server";
import { NOOP_HOOK_EVENTS, packNoopBundle } from "./bundle-fixtures";
import { deployAndWait, openDeploymentWatcher, prepareBenchGroup, type DeploymentWatcher } from "./deployment-runner";
import { median } from "./latency-histogram";
import { pinnedCommand } from "./process-stats";
import { startRealAgents, type RealAgents } from "./real-agents";

const run = promisify(execFile);
const APPLICATION = "bench-ansible";
const GROUP = "all";

function hasAnsible(): boolean {
  try {
    execFileSync("ansible-playbook", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Debian's ansible-core, installed with apt-get when missing (needs root). */
async function ensureAnsible(log: (line: string) => void): Promise<void> {
  if (hasAnsible()) return;
  log("ansible: installing Debian's ansible-core with apt-get");
  await run("apt-get", ["update", "-qq"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  await run("apt-get", ["install", "-y", "-qq", "ansible-core"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, maxBuffer: 16 * 1024 * 1024 });
  if (!hasAnsible()) throw new Error("ansible-playbook is still missing after apt-get install ansible-core");
}

/** An inventory of `hosts` local hosts and a playbook of one no-op command task per hook event. */
function writePlaybook(dir: string, hosts: number): { inventory: string; playbook: string } {
  fs.mkdirSync(dir, { recursive: true });
  const inventory = path.join(dir, "inventory.ini");
  const lines = Array.from(
    { length: hosts },
    (_, i) => `host${String(i + 1).padStart(2, "0")} ansible_connection=local ansible_python_interpreter=/usr/bin/python3`,
  );
  fs.writeFileSync(inventory, `[bench]\n${lines.join("\n")}\n`);
  const playbook = path.join(dir, "playbook.yml");
  const tasks = NOOP_HOOK_EVENTS.map((event) => `    - name: ${event}\n      command: /bin/true\n`).join("");
  fs.writeFileSync(playbook, `- hosts: bench\n  gather_facts: false\n  tasks:\n${tasks}`);
  return { inventory, playbook };
}

async function timePlaybook(files: { inventory: string; playbook: string }, forks: number, hosts: number): Promise<number> {
  const started = performance.now();
  const [command, ...args] = [...pinnedCommand("all"), "ansible-playbook", "-i", files.inventory, files.playbook, "--forks", String(forks)];
  const { stdout } = await run(command, args, {
    env: { ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_RETRY_FILES_ENABLED: "0", ANSIBLE_HOST_KEY_CHECKING: "0" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const elapsed = performance.now() - started;
  const ok = stdout.match(/ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/g) ?? [];
  if (ok.length !== hosts) throw new Error(`ansible-playbook did not succeed on all ${hosts} hosts:\n${stdout.slice(-2000)}`);
  return elapsed;
}

/** B6's incumbent: the same five no-op steps on 20 hosts through ansible-playbook and through Landline. */
export const ansibleBenchmark: Benchmark = {
  name: "ansible",
  summary: "5 no-op steps on 20 hosts: ansible-playbook (local connection, forks 5 and 20) vs Landline with 20 real agents, AllAtOnce",
  async run(options) {
    const hosts = options.quick ? 5 : 20;
    await ensureAnsible(options.log);
    // Ansible runs first, alone on the machine; it uses both cores.
    const files = writePlaybook(path.join(prepareScenarioDir(options.dataRoot, "ansible-playbook", false).dir), hosts);
    const forks5 = await timePlaybook(files, 5, hosts);
    const forks20 = await timePlaybook(files, hosts, hosts);
    options.log(`ansible: forks 5 ${(forks5 / 1000).toFixed(1)} s, forks ${hosts} ${(forks20 / 1000).toFixed(1)} s`);

    // Ansible gets both cores, so Landline does too: neither the server nor the agents are pinned here.
    const server = await startBenchServer({
      scenario: "ansible",
      dataRoot: options.dataRoot,
      fresh: options.fresh,
      cpuProfile: options.cpuProfile,
      pin: false,
    });
    let agents: RealAgents | null = null;
    let watcher: DeploymentWatcher | null = null;
    try {
      const { client } = server;
      const bundle = await packNoopBundle(server.scenarioDir);
      const revision = await prepareBenchGroup(server, { applicationName: APPLICATION, deploymentGroupName: GROUP, benchTag: "ansible" }, bundle.file);
      const names = Array.from({ length: hosts }, (_, i) => `ansible-host-${String(i + 1).padStart(2, "0")}`);
      agents = await startRealAgents(server, { names, tags: [{ key: "bench", value: "ansible" }], pin: false });
      watcher = await openDeploymentWatcher(server.url, server.apiToken, client);
      const input = { applicationName: APPLICATION, deploymentGroupName: GROUP, revisionId: revision.revisionId };
      await deployAndWait(client, watcher, input, 120_000);
      const walls: number[] = [];
      for (let i = 0; i < 3; i++) walls.push((await deployAndWait(client, watcher, input, 120_000)).wallMs);
      const landline = median(walls);
      const ratio = Math.min(forks5, forks20) / landline;
      options.log(`ansible: Landline ${(landline / 1000).toFixed(2)} s (median of 3), ${ratio.toFixed(1)}× faster than the faster Ansible run`);
      return {
        figures: [
          figure("ansible", `ansible-playbook, ${hosts} local hosts × 5 no-op tasks, forks 5`, forks5 / 1000, "s"),
          figure("ansible", `ansible-playbook, ${hosts} local hosts × 5 no-op tasks, forks ${hosts}`, forks20 / 1000, "s"),
          figure(
            "ansible",
            `Landline, ${hosts} real agents × 5 no-op hooks, AllAtOnce (median of 3)`,
            landline / 1000,
            "s",
            undefined,
            "server and agents share both cores, as Ansible does",
          ),
          figure(
            "ansible",
            "speed-up of Landline over the faster Ansible run",
            ratio,
            "×",
            { atLeast: 10 },
            `over forks 5: ${(forks5 / landline).toFixed(1)}×`,
          ),
        ],
        details: { hosts, forks5, forks20, walls, ansibleVersion: execFileSync("ansible-playbook", ["--version"], { encoding: "utf8" }).split("\n")[0] },
      };
    } finally {
      watcher?.close();
      await agents?.stop();
      await server.stop();
    }
  },
};

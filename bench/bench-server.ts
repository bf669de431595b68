import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createLandlineClient, type LandlineClient } from "../server/client";
import { REPO_ROOT, spawnServer, TEST_ADMIN, type SpawnedServer } from "../server/test/spawn-server";
import { pinProcess, raiseOpenFileLimit, readCpuSeconds, readRssBytes, SERVER_CORE } from "./process-stats";

const run = promisify(execFile);

export type BenchServerOptions = {
  /** Names the data directory under dataRoot; reused between runs while the schema is unchanged. */
  scenario: string;
  dataRoot: string;
  /** Start from an empty data directory even when a reusable one exists. */
  fresh: boolean;
  /** Write a V8 CPU profile of the server into <scenario>/profiles when it exits. */
  cpuProfile?: boolean;
  /** Pin the server to the server core (default); false lets it use every core. */
  pin?: boolean;
  /** Serve the UI too (the production build, made first when missing). */
  ui?: boolean;
};

type ScenarioState = { fingerprint: string; apiToken: string | null };

/** Changes whenever the migration changes, so a data directory made by an older schema is not reused. */
function schemaFingerprint(): string {
  const hash = createHash("sha256");
  const dir = path.join(REPO_ROOT, "drizzle");
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort())
    hash.update(fs.readFileSync(path.join(dir, file)));
  return hash.digest("hex").slice(0, 16);
}

/** The scenario's directory: server data, cached credentials and bundles. Emptied when stale or `fresh`. */
export function prepareScenarioDir(
  dataRoot: string,
  scenario: string,
  fresh: boolean,
): { dir: string; state: ScenarioState; saveState: (s: ScenarioState) => void } {
  const dir = path.join(dataRoot, scenario);
  const stateFile = path.join(dir, "state.json");
  const fingerprint = schemaFingerprint();
  let state: ScenarioState | null = null;
  try {
    state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as ScenarioState;
  } catch {
    // first run
  }
  if (fresh || !state || state.fingerprint !== fingerprint) {
    fs.rmSync(dir, { recursive: true, force: true });
    state = { fingerprint, apiToken: null };
  }
  fs.mkdirSync(dir, { recursive: true });
  const saveState = (s: ScenarioState) => fs.writeFileSync(stateFile, JSON.stringify(s), { mode: 0o600 });
  saveState(state);
  return { dir, state, saveState };
}

async function createApiToken(dataDir: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "server/admin-cli.ts", "create-token", "--email", TEST_ADMIN.email, "--name", "bench"], {
    cwd: REPO_ROOT,
    env: { ...process.env, LANDLINE_DATA_DIR: dataDir },
  });
  const token = stdout.trim().split("\n").at(-1)?.trim();
  if (!token) throw new Error(`admin-cli create-token printed no token:\n${stdout}`);
  return token;
}

async function isTokenAccepted(client: LandlineClient): Promise<boolean> {
  try {
    await client.applications.list.query();
    return true;
  } catch (error) {
    if ((error as { data?: { code?: string } }).data?.code === "UNAUTHORIZED") return false;
    throw error;
  }
}

/** Parses Prometheus text into "name{labels}" -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

export type BenchServer = Awaited<ReturnType<typeof startBenchServer>>;

/** Spawns the real server (production mode, API only) pinned to the server core, with an admin API token. */
export async function startBenchServer(options: BenchServerOptions) {
  const scenario = prepareScenarioDir(options.dataRoot, options.scenario, options.fresh);
  const dataDir = path.join(scenario.dir, "server");
  const metricsToken = randomBytes(24).toString("hex");
  const env: Record<string, string> = { NODE_ENV: "production", LANDLINE_METRICS_TOKEN: metricsToken, LANDLINE_LOG_LEVEL: "warn" };
  if (options.cpuProfile) {
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import tsx --import ${path.join(REPO_ROOT, "bench", "cpu-profile-preload.ts")}`.trim();
    env.LANDLINE_BENCH_PROFILE_DIR = path.join(scenario.dir, "profiles");
  }
  let openFileLimit: number | null = null;
  const placeProcess = (s: SpawnedServer) => {
    pinProcess(s.process.pid!, options.pin === false ? "all" : SERVER_CORE);
    openFileLimit = raiseOpenFileLimit(s.process.pid!);
  };
  let server: SpawnedServer = await spawnServer({ dataDir, env, ui: options.ui });
  placeProcess(server);

  let apiToken = scenario.state.apiToken ?? "";
  let client = createLandlineClient({ url: server.url, token: apiToken });
  if (!apiToken || !(await isTokenAccepted(client))) {
    apiToken = await createApiToken(dataDir);
    client = createLandlineClient({ url: server.url, token: apiToken });
    scenario.saveState({ ...scenario.state, apiToken });
  }

  return {
    url: server.url,
    dataDir,
    scenarioDir: scenario.dir,
    databasePath: path.join(dataDir, "landline.db"),
    apiToken,
    client,
    get pid(): number {
      return server.process.pid!;
    },
    output: () => server.output(),
    /** The server's open-file limit after raising it (each agent connection holds one descriptor). */
    openFileLimit: () => openFileLimit,
    rss: () => readRssBytes(server.process.pid!),
    cpuSeconds: () => readCpuSeconds(server.process.pid!),

    /** Scrapes /metrics (which also resets the event-loop delay histogram behind nodejs_eventloop_lag_*). */
    async metrics(): Promise<Map<string, number>> {
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
      return parseMetrics(await res.text());
    },

    /** A fresh enrollment token good for many hosts. */
    async enrollmentToken(maxUses = 20_000): Promise<string> {
      const created = await client.enrollmentTokens.create.mutate({ name: `bench ${options.scenario}`, maxUses, expiresHours: 24, allowHostTags: true });
      return created.token;
    },

    /** Stops the server with `signal` and starts it again on the same port and data directory; returns when it listens. */
    async restart(signal: NodeJS.Signals = "SIGTERM"): Promise<{ downMs: number }> {
      const started = performance.now();
      await server.kill(signal);
      server = await server.restart();
      placeProcess(server);
      return { downMs: performance.now() - started };
    },

    async stop(): Promise<void> {
      await server.kill("SIGTERM");
    },
  };
}

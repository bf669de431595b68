import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { openBrowser, signIn } from "../e2e/support/browser";
import { activeDeploymentStatuses, type ListDeploymentsInput } from "../server/contracts/deployment";
import type { AuditLogListInput } from "../server/contracts/accounts";
import { TEST_ADMIN } from "../server/test/spawn-server";
import type { Benchmark, BenchmarkOptions, Figure } from "./benchmark";
import { figure } from "./benchmark";
import { startBenchServer, type BenchServer } from "./bench-server";
import { packNoopBundle } from "./bundle-fixtures";
import { deployAndWait, ensureDeploymentGroup, openDeploymentWatcher, prepareBenchGroup } from "./deployment-runner";
import { growHistory, measureStorage, type HistoryLayout, type StorageFigures } from "./history-database";
import { median } from "./latency-histogram";
import { sampleRss } from "./process-stats";
import { startRealAgents } from "./real-agents";
import { waitFor } from "../server/test/wait-for";

const NAME = "history";
const APPLICATION = "history";
const GROUP = "prod";
const OTHER_APPLICATIONS = ["history-billing", "history-search", "history-images", "history-mail"];
const HOSTS = ["history-1", "history-2", "history-3"];
/** Real deployments the history is copied from. */
const SEEDS = 6;
const ACTORS = [TEST_ADMIN.email, "dora@example.com", "ci (token)", "sam@example.com", "system"];
/** Repeats of each API call; the median is reported. */
const CALLS = 9;

type Sizes = { small: number; large: number };
type Measurements = Record<string, number>;
type HistoryState = { seedDeploymentIds: string[] };

const listFilters: [string, Omit<ListDeploymentsInput, "limit" | "cursor">, number][] = [
  ["deployments.list", {}, 50],
  ["deployments.list application", { applicationName: APPLICATION }, 50],
  ["deployments.list group name (5 groups)", { deploymentGroupName: GROUP }, 50],
  ["deployments.list application + group", { applicationName: APPLICATION, deploymentGroupName: GROUP }, 50],
  ["deployments.list status=Failed", { status: "Failed" }, 50],
  ["deployments.list active statuses (overview)", { status: [...activeDeploymentStatuses] }, 200],
];

const auditFilters: [string, Omit<AuditLogListInput, "limit" | "cursor">][] = [
  ["auditLog.list", {}],
  ["auditLog.list actor", { actor: "dora" }],
  ["auditLog.list action", { action: "deployments.create" }],
  ["auditLog.list resource type", { resourceType: "deployment" }],
  ["auditLog.list last 30 days", { from: Date.now() - 30 * 86_400_000, to: Date.now() }],
];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  await fn();
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** A keyset position 90% of the way into the history (from the newest), for the deep pages. */
function deepCursors(file: string): { deployments: string; auditId: number } {
  const db = new Database(file, { readonly: true });
  try {
    const n = (db.prepare("SELECT count(*) AS n FROM deployments").get() as { n: number }).n;
    const d = db.prepare("SELECT created_at AS at, id FROM deployments ORDER BY created_at, id LIMIT 1 OFFSET ?").get(Math.floor(n / 10)) as {
      at: number;
      id: string;
    };
    const audit = db.prepare("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 10 FROM audit_log)").get() as { id: number };
    return { deployments: `${d.at}:${d.id}`, auditId: audit.id };
  } finally {
    db.close();
  }
}

function layoutOf(file: string, seedDeploymentIds: string[]): HistoryLayout {
  const db = new Database(file, { readonly: true });
  try {
    const groupOf = db.prepare<[string, string], { applicationId: string; deploymentGroupId: string }>(
      "SELECT a.id AS applicationId, g.id AS deploymentGroupId FROM applications a JOIN deployment_groups g ON g.application_id = a.id WHERE a.name = ? AND g.name = ?",
    );
    return { seedDeploymentIds, measured: groupOf.get(APPLICATION, GROUP)!, others: OTHER_APPLICATIONS.map((a) => groupOf.get(a, GROUP)!), actors: ACTORS };
  } finally {
    db.close();
  }
}

/** Navigation → the page's first deployment link shown with no tRPC request still open. */
async function pageLoad(page: Page, url: string): Promise<number> {
  let open = 0;
  const isTrpc = (u: string) => u.includes("/api/trpc/");
  const onRequest = (r: { url: () => string }) => isTrpc(r.url()) && open++;
  const onDone = (r: { url: () => string }) => isTrpc(r.url()) && open--;
  page.on("request", onRequest);
  page.on("requestfinished", onDone);
  page.on("requestfailed", onDone);
  try {
    const started = performance.now();
    await page.goto(url);
    await page.locator('a[href^="/deployments/d-"]').first().waitFor({ timeout: 60_000 });
    await waitFor(() => open === 0, { timeoutMs: 60_000, what: "the page's tRPC requests to finish", intervalMs: 5 });
    return performance.now() - started;
  } finally {
    page.off("request", onRequest);
    page.off("requestfinished", onDone);
    page.off("requestfailed", onDone);
  }
}

async function measurePages(server: BenchServer, runs: number): Promise<Measurements> {
  const browser = await openBrowser();
  try {
    await signIn(browser.page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    const out: Measurements = {};
    for (const [name, route] of [
      ["overview page", "/"],
      ["deployments page", "/deployments"],
    ] as const) {
      await pageLoad(browser.page, `${server.url}${route}`);
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) samples.push(await pageLoad(browser.page, `${server.url}${route}`));
      out[`${name}: navigation → first rows, requests done`] = median(samples);
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** One database size: seeds it (once; the data directory is reused), grows it, restarts the server on it and measures. */
async function measureSize(
  options: BenchmarkOptions,
  size: keyof Sizes,
  deployments: number,
  runs: number,
): Promise<{ m: Measurements; storage: StorageFigures; rss: { first: number; peak: number } }> {
  const scenario = `${NAME}-${size}`;
  const server = await startBenchServer({ scenario, dataRoot: options.dataRoot, fresh: options.fresh, cpuProfile: options.cpuProfile, ui: true });
  let agents: Awaited<ReturnType<typeof startRealAgents>> | null = null;
  let watcher: Awaited<ReturnType<typeof openDeploymentWatcher>> | null = null;
  try {
    const { client } = server;
    const bundle = await packNoopBundle(server.scenarioDir);
    const revision = await prepareBenchGroup(server, { applicationName: APPLICATION, deploymentGroupName: GROUP, benchTag: NAME }, bundle.file);
    for (const applicationName of OTHER_APPLICATIONS) {
      await ensureDeploymentGroup(client, {
        applicationName,
        deploymentGroupName: GROUP,
        onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "bench", value: `${NAME}-none` }]],
      });
    }
    const input = { applicationName: APPLICATION, deploymentGroupName: GROUP, revisionId: revision.revisionId };
    agents = await startRealAgents(server, { names: HOSTS, tags: [{ key: "bench", value: NAME }] });
    watcher = await openDeploymentWatcher(server.url, server.apiToken, client);

    const stateFile = path.join(server.scenarioDir, "history.json");
    let state: HistoryState | null = fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, "utf8")) as HistoryState) : null;
    if (!state) {
      options.log(`${scenario}: ${SEEDS} real deployments to copy from`);
      const seedDeploymentIds: string[] = [];
      for (let i = 0; i < SEEDS; i++) seedDeploymentIds.push((await deployAndWait(client, watcher, input, 120_000)).deploymentId);
      state = { seedDeploymentIds };
      fs.writeFileSync(stateFile, JSON.stringify(state));
    }
    const added = growHistory(server.databasePath, layoutOf(server.databasePath, state.seedDeploymentIds), deployments, (line) =>
      options.log(`${scenario}: ${line}`),
    );
    options.log(`${scenario}: ${added.toLocaleString("en-US")} deployments added; restarting the server on it`);
    watcher.close();
    await server.restart();
    watcher = await openDeploymentWatcher(server.url, server.apiToken, client);
    const storage = measureStorage(server.databasePath);
    const cursors = deepCursors(server.databasePath);

    const rss = sampleRss(server.pid, 20);
    const m: Measurements = {};
    await deployAndWait(client, watcher, input, 120_000);
    const walls: number[] = [];
    for (let i = 0; i < runs; i++) walls.push((await deployAndWait(client, watcher, input, 120_000)).wallMs);
    m["create → Succeeded (3 real agents, no-op hooks)"] = median(walls);
    for (const [name, filter, limit] of listFilters) {
      m[`${name}: first page`] = await timed(() => client.deployments.list.query({ ...filter, limit }));
      m[`${name}: deep page`] = await timed(() => client.deployments.list.query({ ...filter, limit, cursor: cursors.deployments }));
    }
    for (const [name, filter] of auditFilters) {
      m[`${name}: first page`] = await timed(() => client.auditLog.list.query({ ...filter, limit: 50 }));
      m[`${name}: deep page`] = await timed(() => client.auditLog.list.query({ ...filter, limit: 50, cursor: cursors.auditId }));
    }
    Object.assign(m, await measurePages(server, runs));
    const { first, peak } = rss.stop();
    options.log(`${scenario}: ${JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
    return { m, storage, rss: { first, peak } };
  } finally {
    watcher?.close();
    await agents?.stop();
    await server.stop();
  }
}

const MB = 1024 * 1024;

/** Months of history: the same measurements on a small database and on one grown to 100,000 deployments. */
export const historyBenchmark: Benchmark = {
  name: NAME,
  summary:
    "100,000 deployments copied from real ones vs a small database: create → Succeeded, deployments.list and auditLog.list per filter (first and deep page), overview and deployments pages in Chromium, server RSS peak, bytes per log line and per deployment",
  async run(options) {
    const sizes: Sizes = { small: 60, large: options.quick ? 20_000 : 100_000 };
    const runs = options.quick ? 3 : 5;
    const small = await measureSize(options, "small", sizes.small, runs);
    const large = await measureSize(options, "large", sizes.large, runs);
    const label = `${large.storage.deployments.toLocaleString("en-US")} deployments`;
    const figures: Figure[] = [];
    for (const [name, value] of Object.entries(large.m)) {
      const base = small.m[name];
      const ratio = value / base;
      figures.push(
        figure(NAME, `${name} (${label})`, value, "ms", { text: "≤ 1.2 × small", met: ratio <= 1.2 }, `small: ${base.toFixed(1)} ms, ×${ratio.toFixed(2)}`),
      );
    }
    const rssGrowth = (large.rss.peak - small.rss.peak) / MB;
    figures.push(
      figure(
        NAME,
        `server RSS peak (${label})`,
        large.rss.peak / MB,
        "MB",
        { text: "≤ small + 50 MB", met: rssGrowth <= 50 },
        `small: ${(small.rss.peak / MB).toFixed(0)} MB, +${rssGrowth.toFixed(0)} MB`,
      ),
      figure(
        NAME,
        `bytes per log line (${large.storage.logLines.toLocaleString("en-US")} lines)`,
        large.storage.bytesPerLogLine,
        "B",
        undefined,
        `small: ${small.storage.bytesPerLogLine.toFixed(0)} B; table and indexes`,
      ),
      figure(
        NAME,
        "bytes per deployment (targets, events, audit entry, indexes)",
        large.storage.bytesPerDeployment,
        "B",
        undefined,
        `small: ${small.storage.bytesPerDeployment.toFixed(0)} B`,
      ),
      figure(NAME, "database file", large.storage.fileBytes / MB, "MB", undefined, `small: ${(small.storage.fileBytes / MB).toFixed(1)} MB`),
    );
    return { figures, details: { small, large } };
  },
};

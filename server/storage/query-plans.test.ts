import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordAudit } from "./audit-rows";
import type { Deps } from "../deps";
import { ScriptedAgents, seedDeploymentGroup, startTestOrchestrator, type SeededGroup } from "../test/deployment-fixtures";
import { waitFor } from "../test/wait-for";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import type { Db } from "./database";
import * as schema from "./schema";

/** Tables that grow with history: reading one without an index is a cost that grows with every deployment. */
const HISTORY_TABLES = ["deployments", "deployment_targets", "lifecycle_events", "log_lines", "audit_log", "host_group_results"];

let deps: ReturnType<typeof createTestDeps>;
let recording: Deps;
let statements: string[];
let sqlite: Database.Database;

beforeEach(() => {
  deps = createTestDeps();
  statements = [];
  // A second connection to the same file that reports each statement it runs, with its values inlined.
  sqlite = new Database(deps.env.databasePath, { verbose: (message) => statements.push(String(message)) });
  sqlite.pragma("foreign_keys = ON");
  recording = { ...deps, db: drizzle(sqlite, { schema }) as unknown as Db };
});

afterEach(() => {
  sqlite.close();
  deps.cleanup();
});

/** EXPLAIN QUERY PLAN detail lines of every SELECT `run` executes. */
async function plansOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  statements.length = 0;
  await run();
  const selects = statements.filter((s) => /^\s*SELECT/i.test(s));
  return selects.map((sql) => ({ sql, plan: (deps.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail) }));
}

/** Fails with the statement and its plan when a history table is read without an index or sorted outside one. */
function expectIndexed(plans: { sql: string; plan: string[] }[], filtered: boolean): void {
  expect(plans.length).toBeGreaterThan(0);
  for (const { sql, plan } of plans) {
    const where = `${sql}\n  ${plan.join("\n  ")}`;
    expect(
      plan.some((p) => p.includes("TEMP B-TREE FOR ORDER BY")),
      `sorted outside an index: ${where}`,
    ).toBe(false);
    for (const table of HISTORY_TABLES) {
      const scans = plan.filter((p) => new RegExp(`^SCAN ${table}\\b`).test(p));
      // Without a filter, walking the list's order index until the page is full is the plan; with one, only a search.
      const bad = filtered ? scans : scans.filter((p) => !p.includes("USING"));
      expect(bad, `scans ${table}: ${where}`).toEqual([]);
    }
  }
}

async function runDeployment(g: SeededGroup, agents: ScriptedAgents, revisionId: string): Promise<string> {
  const caller = callerFor(recording, insertTestUser(deps, "deployer"));
  const { deploymentId } = await caller.deployments.create({ applicationName: g.applicationName, deploymentGroupName: g.deploymentGroupName, revisionId });
  await waitFor(() => (deps.db.$client.prepare("SELECT status FROM deployments WHERE id = ?").get(deploymentId) as { status: string }).status === "Succeeded", {
    timeoutMs: 20_000,
    what: deploymentId,
  });
  return deploymentId;
}

describe("list queries read through an index for both filter and order", () => {
  it("deployments.list with each filter, on its first page and after a cursor", async () => {
    const agents = new ScriptedAgents();
    startTestOrchestrator(recording, agents);
    const a = seedDeploymentGroup(deps, { hosts: 2 });
    const b = seedDeploymentGroup(deps, { hosts: 1 });
    for (const h of [...a.hostIds, ...b.hostIds]) agents.connected.add(h);
    await runDeployment(a, agents, a.revisionIds[0]);
    await runDeployment(a, agents, a.revisionIds[1]);
    await runDeployment(b, agents, b.revisionIds[0]);
    const caller = callerFor(recording, insertTestUser(deps, "viewer"));
    const filters = [
      {},
      { applicationName: a.applicationName },
      { deploymentGroupName: "prod" },
      { applicationName: a.applicationName, deploymentGroupName: "prod" },
      { status: "Succeeded" as const },
      { status: ["Failed", "Succeeded"] as ("Failed" | "Succeeded")[] },
      { applicationName: a.applicationName, status: "Succeeded" as const },
      { applicationName: a.applicationName, deploymentGroupName: "prod", status: "Succeeded" as const },
    ];
    for (const filter of filters) {
      const filtered = Object.keys(filter).length > 0;
      const first = await caller.deployments.list({ ...filter, limit: 1 });
      expect(first.nextCursor, JSON.stringify(filter)).not.toBeNull();
      expectIndexed(await plansOf(() => caller.deployments.list({ ...filter, limit: 1 })), filtered);
      expectIndexed(await plansOf(() => caller.deployments.list({ ...filter, limit: 1, cursor: first.nextCursor })), filtered);
    }
  }, 60_000);

  it("starting a deployment reads each host's last result, not the group's history", async () => {
    const agents = new ScriptedAgents();
    startTestOrchestrator(recording, agents);
    const g = seedDeploymentGroup(deps, { hosts: 2 });
    for (const h of g.hostIds) agents.connected.add(h);
    await runDeployment(g, agents, g.revisionIds[0]);
    const plans = await plansOf(() => runDeployment(g, agents, g.revisionIds[1]));
    expectIndexed(
      plans.filter((p) => /deployment_targets/.test(p.sql) && /ORDER BY|host_group_results/i.test(p.sql)),
      true,
    );
  }, 60_000);

  it("auditLog.list with each filter, on its first page and after a cursor", async () => {
    const admin = insertTestUser(deps, "admin", "ada@example.com");
    const other = insertTestUser(deps, "admin", "bob@example.com");
    const start = Date.now() - 100_000;
    for (let i = 0; i < 40; i++) {
      const principal = i % 2 ? admin : other;
      recordAudit(
        deps.db,
        { principal, ip: null },
        { action: i % 3 ? "users.create" : "hosts.deregister", resourceType: i % 3 ? "user" : "host", resourceId: `r-${i % 4}` },
        start + i * 1000,
      );
    }
    const caller = callerFor(recording, admin);
    const filters = [
      {},
      { actor: "ADA@" },
      { actor: "example.com" },
      { userId: admin.userId },
      { action: "users.create" },
      { resourceType: "host" },
      { resourceType: "user", resourceId: "r-1" },
      { from: start + 5_000, to: start + 30_000 },
    ];
    for (const filter of filters) {
      const filtered = Object.keys(filter).length > 0;
      const first = await caller.auditLog.list({ ...filter, limit: 2 });
      expect(first.nextCursor, JSON.stringify(filter)).not.toBeNull();
      expectIndexed(await plansOf(() => caller.auditLog.list({ ...filter, limit: 2 })), filtered);
      expectIndexed(await plansOf(() => caller.auditLog.list({ ...filter, limit: 2, cursor: first.nextCursor! })), filtered);
    }
  });
});

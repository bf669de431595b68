import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOG_TAIL_CHARS } from "../contracts/deployment";
import { insertHistoricDeployment, ScriptedAgents, seedDeploymentGroup, startTestOrchestrator } from "../test/deployment-fixtures";
import { waitFor } from "../test/wait-for";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { listDeployments } from "./deployment-queries";

let deps: ReturnType<typeof createTestDeps>;
let agents: ScriptedAgents;

beforeEach(() => {
  deps = createTestDeps();
  agents = new ScriptedAgents();
  startTestOrchestrator(deps, agents);
});

afterEach(() => deps.cleanup());

describe("a failed lifecycle event's log tail", () => {
  it("is stored once, as log lines, and read back from them with the event's diagnostics", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1 });
    const hostId = g.hostIds[0];
    agents.connected.add(hostId);
    agents.outcome = (_host, spec) => (spec.lifecycleEvent === "AfterInstall" ? "hold" : "Succeeded");
    const caller = callerFor(deps, insertTestUser(deps, "deployer"));
    const { deploymentId } = await caller.deployments.create({ applicationName: g.applicationName, deploymentGroupName: "prod", revisionId: g.revisionIds[0] });
    await waitFor(() => agents.runs.some((r) => r.spec.lifecycleEvent === "AfterInstall"), { timeoutMs: 10_000, what: "AfterInstall to run" });
    const run = agents.runs.find((r) => r.spec.lifecycleEvent === "AfterInstall")!;
    const [target] = await caller.deployments.listTargets({ deploymentId });

    const insertLine = deps.db.$client.prepare(
      `INSERT INTO log_lines (deployment_id, target_id, event_name, host_id, host_seq, at, stream, text) VALUES (?, ?, ?, ?, ?, 0, 'stdout', ?)`,
    );
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i} ${"x".repeat(60)}`);
    lines.forEach((text, i) => insertLine.run(deploymentId, target.targetId, "AfterInstall", hostId, i + 1, text));
    insertLine.run(deploymentId, target.targetId, "Install", hostId, 500, "an earlier event's line");
    const logTail = lines.join("\n").slice(-LOG_TAIL_CHARS);
    const result = agents.result(run.spec.commandId, "Failed");
    deps.db.$client.prepare("UPDATE hosts SET last_log_seq = ? WHERE id = ?").run(lines.length, hostId);
    await agents.orchestrator!.recordEventFinished(hostId, { ...result, lastLogSeq: lines.length, diagnostics: { ...result.diagnostics, logTail } });
    await waitFor(() => (deps.db.$client.prepare("SELECT status FROM deployments WHERE id = ?").get(deploymentId) as { status: string }).status === "Failed", {
      timeoutMs: 10_000,
    });

    const stored = deps.db.$client.prepare("SELECT diagnostics FROM lifecycle_events WHERE target_id = ? AND name = 'AfterInstall'").get(target.targetId) as {
      diagnostics: string;
    };
    expect(stored.diagnostics).not.toContain("line 119");
    const detail = await caller.deployments.getTarget({ targetId: target.targetId });
    const failed = detail.lifecycleEvents.find((e) => e.lifecycleEventName === "AfterInstall")!;
    expect(failed.diagnostics).toMatchObject({ errorCode: "ScriptFailed", message: "Failed" });
    expect(failed.diagnostics!.logTail).toBe(logTail);
  }, 30_000);
});

describe("deployments.list pages", () => {
  it("merge groups of the same name in different applications and several statuses newest first, ties by id, with no row twice", () => {
    const a = seedDeploymentGroup(deps, { hosts: 1 });
    const b = seedDeploymentGroup(deps, { hosts: 1 });
    const statuses = ["Succeeded", "Failed", "Stopped"] as const;
    const base = Date.now() - 1_000_000;
    for (let i = 0; i < 30; i++) {
      const g = i % 2 ? a : b;
      // Pairs share a creation time, so the id decides their order.
      insertHistoricDeployment(deps.db, g, statuses[i % 3], base + Math.floor(i / 2) * 1000);
    }
    const filter = { deploymentGroupName: "prod", status: ["Succeeded", "Failed"] as ("Succeeded" | "Failed")[] };
    const all = listDeployments(deps.db, { ...filter, limit: 200 }).items;
    expect(all).toHaveLength(20);
    const expected = [...all].sort((x, y) => y.createTime - x.createTime || (x.deploymentId < y.deploymentId ? 1 : -1));
    expect(all.map((d) => d.deploymentId)).toEqual(expected.map((d) => d.deploymentId));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = listDeployments(deps.db, { ...filter, limit: 3, cursor });
      paged.push(...page.items.map((d) => d.deploymentId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(expected.map((d) => d.deploymentId));
  });
});

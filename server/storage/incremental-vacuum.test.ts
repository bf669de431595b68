import fs from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { insertHistoricDeployment, seedDeploymentGroup } from "../test/deployment-fixtures";
import { waitFor } from "../test/wait-for";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { startWalCheckpointer, type WalCheckpointer } from "./wal-checkpointer";

let deps: ReturnType<typeof createTestDeps> | null = null;
let checkpointer: WalCheckpointer | null = null;

afterEach(async () => {
  await checkpointer?.stop();
  deps?.cleanup();
  checkpointer = deps = null;
});

/** About 20 MB of log lines over 20 finished deployments of one application. */
function growHistory(d: NonNullable<typeof deps>): ReturnType<typeof seedDeploymentGroup> {
  const g = seedDeploymentGroup(d, { hosts: 1 });
  const insertLine = d.db.$client.prepare(
    `INSERT INTO log_lines (deployment_id, target_id, event_name, host_id, host_seq, at, stream, text) VALUES (?, 't-x', 'Install', ?, ?, 0, 'stdout', ?)`,
  );
  const text = "x".repeat(1000);
  let seq = 0;
  for (let i = 0; i < 20; i++) {
    d.db.transaction((tx) => {
      const id = insertHistoricDeployment(tx, g, "Succeeded", Date.now() - 1000 + i);
      for (let n = 0; n < 1000; n++) insertLine.run(id, g.hostIds[0], ++seq, text);
    });
  }
  return g;
}

describe("space freed by deletions goes back to the disk", () => {
  it("deleting an application shrinks the database file", async () => {
    deps = createTestDeps();
    const file = deps.env.databasePath;
    checkpointer = startWalCheckpointer(deps.db, file, { intervalMs: 20 });
    const g = growHistory(deps);
    await waitFor(() => fs.statSync(file).size > 20_000_000, { timeoutMs: 20_000, what: "the history to reach the database file" });
    const grown = fs.statSync(file).size;

    const result = await callerFor(deps, insertTestUser(deps, "deployer")).applications.delete({ applicationName: g.applicationName });
    expect(result.deletedDeployments).toBe(20);

    await waitFor(() => fs.statSync(file).size < grown - 18_000_000, { timeoutMs: 20_000, what: "the database file to shrink" });
    const check = new Database(file, { readonly: true });
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    check.close();
  }, 60_000);

  it("a database file made before incremental vacuum is converted once when opened", async () => {
    deps = createTestDeps();
    const file = deps.env.databasePath;
    deps.db.$client.pragma("auto_vacuum = NONE");
    deps.db.$client.exec("VACUUM");
    expect(deps.db.$client.pragma("auto_vacuum", { simple: true })).toBe(0);
    deps.db.$client.close();
    const { openDatabase } = await import("./database");
    const reopened = openDatabase(file);
    expect(reopened.$client.pragma("auto_vacuum", { simple: true })).toBe(2);
    expect(reopened.$client.prepare("SELECT count(*) AS n FROM deployment_configs").get()).toMatchObject({ n: expect.any(Number) });
    deps.db = reopened;
  });
});

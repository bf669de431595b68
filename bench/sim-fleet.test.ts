import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBenchServer, type BenchServer } from "./bench-server";
import { packNoopBundle } from "./bundle-fixtures";
import { ensureDeploymentGroup, openDeploymentWatcher, uploadRevision } from "./deployment-runner";
import { simHosts, startSimFleet } from "./sim-fleet";

describe("simulated agents against the real server", () => {
  let dataRoot: string;
  let server: BenchServer;

  beforeAll(async () => {
    dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "landline-bench-test-"));
    server = await startBenchServer({ scenario: "sim-test", dataRoot, fresh: true });
    await ensureDeploymentGroup(server.client, {
      applicationName: "sim-test",
      deploymentGroupName: "all",
      onPremisesTagSet: [[{ type: "KEY_AND_VALUE", key: "bench", value: "sim-test" }]],
      deploymentConfigName: "CodeDeployDefault.AllAtOnce",
    });
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataRoot, { recursive: true, force: true });
  });

  it("run every lifecycle event of a deployment and store every streamed log line, then reconnect from cached credentials", async () => {
    const revision = await uploadRevision(server.url, server.apiToken, "sim-test", (await packNoopBundle(server.scenarioDir)).file);
    const credentialsFile = path.join(server.scenarioDir, "sim-credentials.json");
    const hosts = simHosts("sim", 3, () => [{ key: "bench", value: "sim-test" }]);
    const fleet = await startSimFleet({
      serverUrl: server.url,
      enrollToken: await server.enrollmentToken(3),
      hosts,
      workers: 2,
      credentialsFile,
      mode: { kind: "logs", streamEvent: "AfterInstall" },
    });
    const watcher = await openDeploymentWatcher(server.url, server.apiToken, server.client);
    try {
      await fleet.connect(3);
      const { deploymentId } = await server.client.deployments.create.mutate({
        applicationName: "sim-test",
        deploymentGroupName: "all",
        revisionId: revision.revisionId,
      });
      await fleet.waitFor((s) => s.streamWaiting === 3, 20_000);
      await fleet.stream(300, 10, 100);
      expect((await watcher.waitForEnd(deploymentId, 20_000)).status).toBe("Succeeded");

      // The server acknowledges the last results just after it announces the deployment's end.
      await fleet.waitFor((s) => s.resultsAcked === 3 * 7, 5_000);
      const stats = await fleet.stats();
      expect(stats.errorSamples).toEqual([]);
      const targets = await server.client.deployments.listTargets.query({ deploymentId });
      for (const t of targets) {
        const detail = await server.client.deployments.getTarget.query({ targetId: t.targetId });
        expect(detail.lifecycleEvents.map((e) => e.status)).toEqual(Array(7).fill("Succeeded"));
      }
      const db = new Database(server.databasePath, { readonly: true });
      const stored = (db.prepare("SELECT count(*) AS n FROM log_lines WHERE deployment_id = ? AND stream = 'stdout'").get(deploymentId) as { n: number }).n;
      db.close();
      expect(stats.linesSent).toBeGreaterThan(0);
      expect(stored).toBe(stats.linesSent);
    } finally {
      watcher.close();
      await fleet.stop();
    }

    // A token that cannot enroll anyone: the second start must use the cached credentials only.
    const again = await startSimFleet({ serverUrl: server.url, enrollToken: "lle_not-a-real-token", hosts, workers: 1, credentialsFile });
    try {
      await again.connect(3);
      expect((await again.stats()).ready).toBe(3);
    } finally {
      await again.stop();
    }
  });
});

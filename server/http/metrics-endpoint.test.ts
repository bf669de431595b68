import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createApiToken } from "../auth/api-tokens";
import { createApplication } from "../catalog/applications";
import { createDeploymentGroup } from "../catalog/deployment-groups";
import type { Deps } from "../deps";
import { instrumentRequests } from "../metrics/http-metrics";
import { createMetrics } from "../metrics/metrics";
import { createStorageHealth } from "../storage/storage-health";
import { insertTestDeployment, insertTestHost, insertTestRevision } from "../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { handleMetrics } from "./metrics-endpoint";

const METRICS_TOKEN = "metrics-token-0123456789";

let deps: (Deps & { cleanup: () => void }) | null = null;
let server: Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
  deps?.cleanup();
  deps = null;
});

/** A real HTTP server answering /metrics the way main.ts wires it, with the counters main.ts feeds. */
async function serve(env: Record<string, string>) {
  deps = createTestDeps(env);
  const registry = new Registry();
  const metrics = createMetrics(registry, deps.db, createStorageHealth(deps.env.dataDir, deps.now), deps.env.dataDir);
  deps.services.metrics = metrics;
  const d = deps;
  server = createServer(
    instrumentRequests(metrics, (req, res) => {
      if (req.url === "/metrics") void handleMetrics(d, registry, req, res);
      else res.writeHead(404).end();
    }),
  );
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  const scrape = (token?: string) => fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { deps: d, metrics, url, scrape };
}

function seedFleet(d: Deps) {
  const now = Date.now();
  const app = createApplication(d.db, { applicationName: "shop" }, now);
  const group = createDeploymentGroup(d.db, { applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [] }, now);
  const { revisionId } = insertTestRevision(d, app.applicationId);
  for (const status of ["Succeeded", "Succeeded", "Failed"] as const) {
    insertTestDeployment(d, { applicationId: app.applicationId, deploymentGroupId: group.deploymentGroupId, revisionId, status });
  }
  insertTestHost(d, "web-1", [], { online: true });
  insertTestHost(d, "web-2", [], { online: false });
  insertTestHost(d, "web-3", [], { online: false });
  insertTestHost(d, "gone", [], { online: false, deregisteredAt: now });
}

function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe("/metrics", () => {
  it("refuses a scrape without the metrics token or with a wrong one", async () => {
    const { scrape } = await serve({ LANDLINE_METRICS_TOKEN: METRICS_TOKEN });
    expect((await scrape()).status).toBe(401);
    expect((await scrape("metrics-token-wrong-0000")).status).toBe(401);
    expect((await scrape(METRICS_TOKEN.slice(0, -1))).status).toBe(401);
  });

  it("reports deployments and hosts from the database and what the hooks counted", async () => {
    const { deps: d, metrics, scrape } = await serve({ LANDLINE_METRICS_TOKEN: METRICS_TOKEN });
    seedFleet(d);
    metrics.agentConnected();
    metrics.agentConnected();
    metrics.agentDisconnected();
    metrics.logLinesIngested(42);
    metrics.deploymentFinished("Succeeded", 12.5);
    metrics.eventFinished("AfterInstall", "Failed", 0.7);
    metrics.webhookDeliveryAttempted("retrying");
    await callerFor(d, insertTestUser(d, "viewer")).applications.list();

    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(sample(text, 'landline_deployments{status="Succeeded"}')).toBe(2);
    expect(sample(text, 'landline_deployments{status="Failed"}')).toBe(1);
    expect(sample(text, 'landline_deployments{status="InProgress"}')).toBe(0);
    expect(sample(text, 'landline_hosts{status="online"}')).toBe(1);
    expect(sample(text, 'landline_hosts{status="offline"}')).toBe(2);
    expect(sample(text, "landline_agent_connects_total")).toBe(2);
    expect(sample(text, "landline_agent_disconnects_total")).toBe(1);
    expect(sample(text, "landline_log_lines_ingested_total")).toBe(42);
    expect(sample(text, 'landline_deployment_duration_seconds_count{status="Succeeded"}')).toBe(1);
    expect(sample(text, 'landline_deployment_duration_seconds_sum{status="Succeeded"}')).toBe(12.5);
    expect(sample(text, 'landline_deployment_duration_seconds_bucket{le="15",status="Succeeded"}')).toBe(1);
    expect(sample(text, 'landline_deployment_duration_seconds_bucket{le="5",status="Succeeded"}')).toBe(0);
    expect(sample(text, 'landline_lifecycle_event_duration_seconds_count{event="AfterInstall",status="Failed"}')).toBe(1);
    expect(sample(text, 'landline_webhook_deliveries_total{outcome="retrying"}')).toBe(1);
    expect(sample(text, 'landline_trpc_requests_total{procedure="applications.list",type="query",ok="true"}')).toBe(1);
    // The refused and accepted scrapes before this one went through the instrumented listener.
    const again = await (await scrape(METRICS_TOKEN)).text();
    expect(sample(again, 'landline_http_requests_total{method="GET",route="/metrics",status="200"}')).toBe(1);
  });

  it("accepts an admin API token when no metrics token is configured, and refuses other roles", async () => {
    const { deps: d, scrape } = await serve({});
    const admin = insertTestUser(d, "admin");
    const deployer = insertTestUser(d, "deployer");
    const adminToken = createApiToken(d.db, admin, { name: "prometheus" }, Date.now()).token;
    const deployerToken = createApiToken(d.db, deployer, { name: "ci" }, Date.now()).token;
    expect((await scrape()).status).toBe(401);
    expect((await scrape("llt_not-a-token")).status).toBe(401);
    expect((await scrape(deployerToken)).status).toBe(403);
    const res = await scrape(adminToken);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("# TYPE landline_deployments gauge");
  });
});

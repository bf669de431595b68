import { isNull, sql } from "drizzle-orm";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { deploymentStatuses } from "../contracts/deployment";
import type { Db } from "../storage/database";
import { readFreeBytes, type StorageHealth } from "../storage/storage-health";
import { deployments, hosts } from "../storage/schema";

export type WebhookDeliveryOutcome = "succeeded" | "retrying" | "failed";

/** One-line hooks other modules call; all durations are in seconds. */
export interface Metrics {
  agentConnected(): void;
  agentDisconnected(): void;
  logLinesIngested(count: number): void;
  /** A deployment reached Succeeded, Failed or Stopped after running `seconds` (start to completion). */
  deploymentFinished(status: string, seconds: number): void;
  /** A lifecycle event on one host finished with `status` after `seconds`. */
  eventFinished(event: string, status: string, seconds: number): void;
  webhookDeliveryAttempted(outcome: WebhookDeliveryOutcome): void;
  /** `route` must be a route pattern (bounded set), never a raw URL. */
  httpRequestFinished(method: string, route: string, status: number, seconds: number): void;
  trpcRequestFinished(procedure: string, type: string, ok: boolean, seconds: number): void;
}

const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Registers Landline's series on `registry` (created by main.ts, never the global default) and returns the hooks. */
export function createMetrics(registry: Registry, db: Db, storage: Pick<StorageHealth, "current">, dataDir: string): Metrics {
  const registers = [registry];
  new Gauge({
    name: "landline_storage_failing",
    help: "1 while the server cannot store data in its data directory (full disk, quota, I/O errors), else 0",
    registers,
    collect() {
      this.set(storage.current() ? 1 : 0);
    },
  });
  new Gauge({
    name: "landline_data_dir_free_bytes",
    help: "Free bytes on the file system holding the data directory",
    registers,
    async collect() {
      const free = await readFreeBytes(dataDir);
      if (free !== null) this.set(free);
    },
  });
  new Gauge({
    name: "landline_deployments",
    help: "Deployments by status (all time), read from the database on scrape",
    labelNames: ["status"],
    registers,
    collect() {
      const rows = db
        .select({ status: deployments.status, n: sql<number>`count(*)` })
        .from(deployments)
        .groupBy(deployments.status)
        .all();
      const counts = new Map(rows.map((r) => [r.status, r.n]));
      for (const status of deploymentStatuses) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: "landline_hosts",
    help: "Registered hosts by agent connection, read from the database on scrape",
    labelNames: ["status"],
    registers,
    collect() {
      const rows = db
        .select({ online: hosts.online, n: sql<number>`count(*)` })
        .from(hosts)
        .where(isNull(hosts.deregisteredAt))
        .groupBy(hosts.online)
        .all();
      this.set({ status: "online" }, rows.find((r) => r.online)?.n ?? 0);
      this.set({ status: "offline" }, rows.find((r) => !r.online)?.n ?? 0);
    },
  });
  const deploymentDuration = new Histogram({
    name: "landline_deployment_duration_seconds",
    help: "Time from a deployment's start to its completion",
    labelNames: ["status"],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400],
    registers,
  });
  const eventDuration = new Histogram({
    name: "landline_lifecycle_event_duration_seconds",
    help: "Duration of one lifecycle event on one host",
    labelNames: ["event", "status"],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers,
  });
  const agentConnects = new Counter({ name: "landline_agent_connects_total", help: "Agent connections accepted", registers });
  const agentDisconnects = new Counter({ name: "landline_agent_disconnects_total", help: "Agent disconnections", registers });
  const logLines = new Counter({ name: "landline_log_lines_ingested_total", help: "Hook output lines stored", registers });
  const webhookDeliveries = new Counter({
    name: "landline_webhook_deliveries_total",
    help: "Webhook delivery attempts by outcome (retrying: failed attempt that will be retried)",
    labelNames: ["outcome"],
    registers,
  });
  const httpRequests = new Counter({ name: "landline_http_requests_total", help: "HTTP requests", labelNames: ["method", "route", "status"], registers });
  const httpDuration = new Histogram({
    name: "landline_http_request_duration_seconds",
    help: "HTTP request duration until the response finished",
    labelNames: ["method", "route"],
    buckets: httpBuckets,
    registers,
  });
  const trpcRequests = new Counter({ name: "landline_trpc_requests_total", help: "tRPC procedure calls", labelNames: ["procedure", "type", "ok"], registers });
  const trpcDuration = new Histogram({
    name: "landline_trpc_request_duration_seconds",
    help: "tRPC procedure duration",
    labelNames: ["procedure", "type"],
    buckets: httpBuckets,
    registers,
  });

  return {
    agentConnected: () => agentConnects.inc(),
    agentDisconnected: () => agentDisconnects.inc(),
    logLinesIngested: (count) => {
      if (count > 0) logLines.inc(count);
    },
    deploymentFinished: (status, seconds) => deploymentDuration.observe({ status }, Math.max(0, seconds)),
    eventFinished: (event, status, seconds) => eventDuration.observe({ event, status }, Math.max(0, seconds)),
    webhookDeliveryAttempted: (outcome) => webhookDeliveries.inc({ outcome }),
    httpRequestFinished: (method, route, status, seconds) => {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    trpcRequestFinished: (procedure, type, ok, seconds) => {
      trpcRequests.inc({ procedure, type, ok: String(ok) });
      trpcDuration.observe({ procedure, type }, seconds);
    },
  };
}

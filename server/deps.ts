import type { SignInLimiter } from "./auth/sign-in-limiter";
import type { Env } from "./env";
import type { Metrics } from "./metrics/metrics";
import type { Notifier } from "./notifications/notifier";
import type { DeploymentCommands } from "./orchestrator/deployment-commands";
import type { Orchestrator } from "./orchestrator/orchestrator";
import type { LivePublisher } from "./orchestrator/ports";
import type { RevokedConnections } from "./sockets/revoked-connections";
import type { Db } from "./storage/database";
import type { StorageHealth } from "./storage/storage-health";

/**
 * Everything a request handler may reach, built once in main.ts (or in a test).
 * Adapters receive it; nothing here is created at import time.
 */
export type Deps = {
  db: Db;
  env: Env;
  /** Epoch ms; injectable so tests and the engine loop agree on time. */
  now: () => number;
  /** Services wired in main.ts; every one is always present. */
  services: Services;
};

/** Long-lived services wired in main.ts. */
export type Services = {
  /** Emits server -> browser live updates (see contracts/live-updates.ts). */
  live: LivePublisher;
  /** Carries deployment decisions out (server/orchestrator). */
  orchestrator: Orchestrator;
  /** The deployment use cases: create, stop, roll back, schedule (server/orchestrator/deployment-commands.ts). */
  deployments: DeploymentCommands;
  /** Counts failed sign-ins per account and address (server/auth/sign-in-limiter.ts). */
  signInLimiter: SignInLimiter;
  /** Records webhook deliveries for deployment events and runs the delivery loop (server/notifications). */
  notifier: Notifier;
  /** Whether the data directory takes writes (server/storage/storage-health.ts). */
  storageHealth: StorageHealth;
  /** Ends socket connections whose session, API token or host was revoked (server/sockets); call after revoking. */
  connections: RevokedConnections;
  /** Prometheus hooks: one call per thing counted (server/metrics). */
  metrics: Metrics;
};

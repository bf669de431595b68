import type { Env } from "./env";
import type { Db } from "./storage/database";

/**
 * Everything a request handler may reach, built once in main.ts (or in a test).
 * Adapters receive it; nothing here is created at import time.
 */
export type Deps = {
  db: Db;
  env: Env;
  /** Epoch ms; injectable so tests and the engine loop agree on time. */
  now: () => number;
  /** Services registered by main.ts; optional ones are absent in narrow unit tests. */
  services: Partial<Services>;
};

/** Long-lived services wired in main.ts. Each owner adds its own field. */
export interface Services {
  /** Emits server -> browser live updates (see contracts/live-updates.ts). */
  live: import("./sockets/live-publisher").LivePublisher;
  /** Carries deployment decisions out (server/orchestrator). */
  orchestrator: import("./orchestrator/orchestrator").Orchestrator;
  /** Counts failed sign-ins per account and address (server/auth/sign-in-limiter.ts). */
  signInLimiter: import("./auth/sign-in-limiter").SignInLimiter;
  /** Records webhook deliveries for deployment events and runs the delivery loop (server/notifications). */
  notifier: import("./notifications/notifier").Notifier;
  /** Whether the data directory takes writes (server/storage/storage-health.ts). */
  storageHealth: import("./storage/storage-health").StorageHealth;
  /** Ends socket connections whose session, API token or host was revoked (server/sockets); call after revoking. */
  connections: import("./sockets/revoked-connections").RevokedConnections;
  /** Prometheus hooks: one call per thing counted (server/metrics). */
  metrics: import("./metrics/metrics").Metrics;
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal";
import type { Role } from "../contracts/resources";
import { Registry } from "prom-client";
import { createSignInLimiter } from "../auth/sign-in-limiter";
import type { Deps } from "../deps";
import { loadEnv } from "../env";
import { createMetrics } from "../metrics/metrics";
import { createNotifier } from "../notifications/notifier";
import type { AgentGateway } from "../orchestrator/ports";
import { silentLivePublisher } from "../sockets/live-publisher";
import { openDatabase } from "../storage/database";
import { createStorageHealth } from "../storage/storage-health";
import { seedPredefinedConfigs } from "../storage/seed";
import { users } from "../storage/schema";
import { createCallerFactory, type TrpcContext } from "../trpc/init";
import { appRouter } from "../trpc/router";
import { wireTestOrchestrator } from "./deployment-fixtures";

/** A fresh data directory with a migrated SQLite file; removed by cleanup(). */
export function createTestDeps(overrides: Record<string, string> = {}): Deps & { cleanup: () => void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-test-"));
  const env = loadEnv({ LANDLINE_DATA_DIR: dataDir, NODE_ENV: "test", ...overrides });
  const db = openDatabase(env.databasePath);
  seedPredefinedConfigs(db);
  const storageHealth = createStorageHealth(dataDir, () => deps.now());
  const metrics = createMetrics(new Registry(), db, storageHealth, dataDir);
  const deps: Deps & { cleanup: () => void } = {
    db,
    env,
    now: () => Date.now(),
    services: {
      metrics,
      signInLimiter: createSignInLimiter(),
      storageHealth,
      // No socket server runs here, so there is no connection to end.
      connections: { endRevokedConnections() {} },
      notifier: createNotifier({ db, env, now: () => deps.now(), metrics }),
    } as Deps["services"],
    cleanup: () => {
      db.$client.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  wireTestOrchestrator(deps, noAgentsConnected, silentLivePublisher);
  return deps;
}

/** The fleet of a test that starts no agent: every host is offline. */
const noAgentsConnected: AgentGateway = { sendCommand: async () => null, cancelCommand: async () => false, isConnected: () => false };

/** Inserts a user row directly (password hash is a placeholder: it cannot sign in). */
export function insertTestUser(deps: Deps, role: Role, email = `${role}-${randomUUID().slice(0, 8)}@example.com`): Principal {
  const id = randomUUID();
  deps.db.insert(users).values({ id, email, passwordHash: "!", role }).run();
  return { userId: id, email, role, via: "session", credentialId: "test" };
}

const createCaller = createCallerFactory(appRouter);

/** A tRPC caller acting as `principal` (null: anonymous). */
export function callerFor(deps: Deps, principal: Principal | null, extra: Partial<TrpcContext> = {}) {
  const headers: Record<string, string | string[]> = {};
  const ctx: TrpcContext = { ...deps, principal, ip: "127.0.0.1", setHeader: (n, v) => (headers[n.toLowerCase()] = v), ...extra };
  const caller = createCaller(ctx);
  // The caller is a proxy that turns every property into a procedure path, so Object.assign cannot add to it.
  return new Proxy(caller, {
    get: (target, key, receiver) => (key === "responseHeaders" ? headers : Reflect.get(target, key, receiver)),
  }) as typeof caller & { responseHeaders: Record<string, string | string[]> };
}

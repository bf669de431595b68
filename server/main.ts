import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { parse as parseCookie } from "cookie";
import { collectDefaultMetrics, Registry } from "prom-client";
import { Server as SocketServer } from "socket.io";
import { resolvePrincipal } from "./auth/principal";
import { bootstrapAdminFromEnv } from "./auth/bootstrap";
import { createSignInLimiter } from "./auth/sign-in-limiter";
import type { Deps } from "./deps";
import { EnvError, loadEnv } from "./env";
import { handleAgentDownload } from "./http/agent-download";
import { handleAgentEnroll } from "./http/agent-enroll";
import { handleCliDownload } from "./http/cli-download";
import { handleMetrics } from "./http/metrics-endpoint";
import { handleBundleDownload } from "./http/bundle-download";
import { handleRevisionUpload } from "./http/revision-upload";
import { removeStaleUploads } from "./bundles/bundle-store";
import { instrumentRequests } from "./metrics/http-metrics";
import { createMetrics } from "./metrics/metrics";
import { createNotifier } from "./notifications/notifier";
import { startLocalAgent } from "./local-agent";
import { startOrchestrator } from "./orchestrator/start";
import { attachAgentNamespace } from "./sockets/agent-namespace";
import { attachBrowserNamespace } from "./sockets/browser-namespace";
import { openDatabase } from "./storage/database";
import { createStorageHealth } from "./storage/storage-health";
import { startWalCheckpointer } from "./storage/wal-checkpointer";
import { clientAddress } from "./http/client-address";
import { compressResponses } from "./http/compress-responses";
import { armRequestDeadline, UPLOAD_TIMEOUT_MS } from "./http/request-deadline";
import { guardTrpcRequests } from "./http/trpc-request-gate";
import { seedPredefinedConfigs } from "./storage/seed";
import { appRouter } from "./trpc/router";

const REVOCATION_SWEEP_MS = 30_000;

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv(process.env);
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const db = openDatabase(env.databasePath);
  const checkpointer = startWalCheckpointer(db, env.databasePath);
  seedPredefinedConfigs(db);
  await removeStaleUploads(env.dataDir);
  const deps: Deps = { db, env, now: () => Date.now(), services: {} };
  const storageHealth = createStorageHealth(env.dataDir, deps.now);
  deps.services.storageHealth = storageHealth;
  const metricsRegistry = new Registry();
  collectDefaultMetrics({ register: metricsRegistry });
  const metrics = createMetrics(metricsRegistry, db, storageHealth, env.dataDir);
  deps.services.metrics = metrics;
  const notifier = createNotifier(deps, { retryDelaysMs: env.LANDLINE_WEBHOOK_RETRY_SECONDS.map((s) => s * 1000) });
  deps.services.notifier = notifier;
  deps.services.signInLimiter = createSignInLimiter();
  try {
    await bootstrapAdminFromEnv(deps);
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: ({ req, res }) => ({
      ...deps,
      principal: resolvePrincipal(db, req.headers, deps.now(), parseCookie),
      ip: clientAddress(env, req),
      setHeader: (name: string, value: string | string[]) => res.appendHeader(name, value),
    }),
  });

  const compressedTrpc = guardTrpcRequests(env, compressResponses(trpcHandler));

  let nextHandle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  const route = (req: IncomingMessage, res: ServerResponse): Promise<void> | void => {
    const url = req.url ?? "/";
    if (url.startsWith("/api/trpc/")) return compressedTrpc(req, res);
    if (url === "/api/agent/enroll") return handleAgentEnroll(deps, req, res);
    if (url === "/api/agent/download") return handleAgentDownload(deps, req, res);
    if (url.startsWith("/api/agent/bundles/") || /^\/api\/revisions\/[^/?]+\/bundle/.test(url)) return handleBundleDownload(deps, req, res);
    if (url === "/api/revisions" || url.startsWith("/api/revisions?")) return handleRevisionUpload(deps, req, res);
    if (url === "/metrics" || url.startsWith("/metrics?")) return handleMetrics(deps, metricsRegistry, req, res);
    if (url === "/api/cli/download") return handleCliDownload(deps, req, res);
    if (url === "/healthz") {
      const storage = storageHealth.current();
      res
        .writeHead(storage ? 503 : 200, { "content-type": "application/json", "cache-control": "no-store" })
        .end(JSON.stringify(storage ? { ok: false, storage: { ok: false, ...storage } } : { ok: true, storage: { ok: true } }));
      return;
    }
    if (nextHandle) return nextHandle(req, res);
    res.writeHead(404, { "content-type": "text/plain" }).end("Not found (UI disabled)");
  };
  // The request listener is installed before Socket.IO attaches, so /socket.io/* never reaches Next.
  const httpServer = createServer(
    {
      headersTimeout: env.LANDLINE_HEADERS_TIMEOUT_SECONDS * 1000,
      // The ceiling for every request; each one gets a far shorter body deadline below, which only an authenticated upload extends.
      requestTimeout: UPLOAD_TIMEOUT_MS,
      // How often Node checks the two timeouts above; its default of 30 s would let a slow client stay 30 s longer.
      connectionsCheckingInterval: 1000,
    },
    instrumentRequests(metrics, (req, res) => {
      Promise.resolve(route(req, res)).catch((err: unknown) => {
        storageHealth.recordFailure(err);
        console.error("request failed", req.method, req.url?.split("?")[0], err);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "Internal server error" }));
        else res.destroy();
      });
    }),
  );
  const io = new SocketServer(httpServer, { serveClient: false, maxHttpBufferSize: 8 * 1024 * 1024 });
  // Prepended after Socket.IO took over the request listener, so its polling requests get the deadline too.
  httpServer.prependListener("request", (req, res) => armRequestDeadline(req, res, env.LANDLINE_BODY_TIMEOUT_SECONDS * 1000));
  const browserNamespace = attachBrowserNamespace(io, deps);
  deps.services.live = browserNamespace;
  const agentNamespace = attachAgentNamespace(io, deps);
  deps.services.connections = {
    endRevokedConnections() {
      browserNamespace.endRevokedConnections();
      agentNamespace.endRevokedConnections();
    },
  };
  // Catches what no request here revoked: sessions and tokens expiring, and the admin command's changes.
  const revocationSweep = setInterval(() => deps.services.connections?.endRevokedConnections(), REVOCATION_SWEEP_MS);
  const stopOrchestrator = startOrchestrator(deps, io);
  notifier.start();

  let closeNext: () => Promise<void> = async () => {};
  if (env.LANDLINE_SERVE_UI === "true") {
    const { default: next } = await import("next");
    const dev = env.NODE_ENV !== "production";
    const app = next({ dev, hostname: "localhost", port: env.PORT, httpServer });
    await app.prepare();
    const handle = app.getRequestHandler();
    nextHandle = (req, res) => handle(req, res);
    closeNext = () => app.close();
  }

  httpServer.listen(env.PORT, env.HOST, () => {
    const addr = httpServer.address();
    const port = typeof addr === "object" && addr ? addr.port : env.PORT;
    console.log(`Landline ready on http://localhost:${port} (data in ${env.dataDir})`);
    if (env.LANDLINE_LOCAL_AGENT === "true") stopLocalAgent = startLocalAgent(deps, `http://127.0.0.1:${port}`);
  });
  let stopLocalAgent = () => {};

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    stopLocalAgent();
    stopOrchestrator();
    clearInterval(revocationSweep);
    notifier.stop();
    io.close();
    await closeNext().catch(() => {});
    await checkpointer.stop();
    db.$client.close();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

await main();

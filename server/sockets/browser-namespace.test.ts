import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../auth/principal";
import { createSession, deleteSession } from "../auth/sessions";
import { hashSecret } from "../auth/secrets";
import { BROWSER_NAMESPACE, liveRooms } from "../contracts/live-updates";
import type { LivePublisher } from "../orchestrator/ports";
import { createTestDeps, insertTestUser } from "../test/test-context";
import { attachBrowserNamespace } from "./browser-namespace";
import { waitFor } from "../test/wait-for";

let deps: ReturnType<typeof createTestDeps>;
let http: HttpServer;
let ioServer: Server;
let live: LivePublisher;
let url: string;
const sockets: Socket[] = [];

beforeEach(async () => {
  deps = createTestDeps();
  http = createServer();
  ioServer = new Server(http, { serveClient: false });
  live = attachBrowserNamespace(ioServer, deps);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await new Promise<void>((resolve) => ioServer.close(() => resolve()));
  deps.cleanup();
});

function browser(headers: Record<string, string>): Socket {
  const socket = connect(`${url}${BROWSER_NAMESPACE}`, { transports: ["websocket"], extraHeaders: headers, reconnection: false });
  sockets.push(socket);
  return socket;
}

const outcome = (s: Socket) =>
  new Promise<string>((resolve) => {
    s.on("connect", () => resolve("connected"));
    s.on("connect_error", (err) => resolve(err.message));
  });

describe("browser namespace", () => {
  it("accepts a session cookie from the same site and delivers updates of joined rooms only", async () => {
    const user = insertTestUser(deps, "viewer");
    const { secret } = createSession(deps.db, deps.env, { userId: user.userId, ip: null }, deps.now());
    const s = browser({ cookie: `${SESSION_COOKIE}=${secret}`, origin: url });
    expect(await outcome(s)).toBe("connected");
    const seen: string[] = [];
    s.on("deployment:updated", (u: { deploymentId: string }) => seen.push(u.deploymentId));
    expect(await s.timeout(5_000).emitWithAck("room:join", liveRooms.deployment("d-AAAAAAAAA"))).toEqual({ ok: true });
    const update = { status: "InProgress" as const, overview: { Pending: 0, InProgress: 1, Succeeded: 0, Failed: 0, Skipped: 0 }, completedAt: null };
    live.publish(liveRooms.deployment("d-BBBBBBBBB"), "deployment:updated", { deploymentId: "d-BBBBBBBBB", ...update });
    live.publish(liveRooms.deployment("d-AAAAAAAAA"), "deployment:updated", { deploymentId: "d-AAAAAAAAA", ...update });
    // Both were published on one connection in order, so an update for the unjoined room would arrive first.
    await waitFor(() => seen.includes("d-AAAAAAAAA"), { timeoutMs: 5_000, what: "the joined room's update" });
    expect(seen).toEqual(["d-AAAAAAAAA"]);

    deleteSession(deps.db, hashSecret(secret));
    expect(await s.timeout(5_000).emitWithAck("room:join", liveRooms.fleet)).toEqual({ ok: false, error: "Your session has ended; sign in again" });
  });

  it.each([
    { name: "refuses a connection without credentials", headers: () => ({}), expected: "Sign in or send an API token" },
    {
      name: "refuses a session cookie sent from another site",
      headers: (secret: string) => ({ cookie: `${SESSION_COOKIE}=${secret}`, origin: "https://evil.example" }),
      expected: "Cross-site connection refused",
    },
    { name: "refuses an unknown session", headers: () => ({ cookie: `${SESSION_COOKIE}=lls_nope` }), expected: "Sign in or send an API token" },
  ])("$name", async ({ headers, expected }) => {
    const user = insertTestUser(deps, "viewer");
    const { secret } = createSession(deps.db, deps.env, { userId: user.userId, ip: null }, deps.now());
    expect(await outcome(browser(headers(secret)))).toBe(expected);
  });
});

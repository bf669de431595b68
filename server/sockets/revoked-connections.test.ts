import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AGENT_NAMESPACE, AGENT_PROTOCOL_VERSION } from "../contracts/agent-protocol";
import { BROWSER_NAMESPACE, liveRooms } from "../contracts/live-updates";
import { waitFor } from "../test/wait-for";
import { TEST_FACTS } from "../test/scripted-agent";
import { spawnServer, TEST_ADMIN, type SpawnedServer } from "../test/spawn-server";

let server: SpawnedServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await spawnServer();
});
afterAll(() => server.kill());
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function signIn(email = TEST_ADMIN.email, password = TEST_ADMIN.password): Promise<string> {
  const reply = await fetch(`${server.url}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email, password }),
  });
  expect(reply.status).toBe(200);
  return (reply.headers.get("set-cookie") ?? "").split(";")[0];
}

async function mutate<T>(cookie: string, procedure: string, input: unknown): Promise<T> {
  const reply = await fetch(`${server.url}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, cookie },
    body: JSON.stringify(input),
  });
  const body = (await reply.json()) as { result?: { data: T }; error?: { message: string } };
  if (!body.result) throw new Error(`${procedure}: ${body.error?.message}`);
  return body.result.data;
}

/** A /live socket that has joined the fleet room; `ended` resolves when the server disconnects it. */
async function liveSocket(auth: { cookie: string } | { token: string }): Promise<{ socket: Socket; ended: Promise<string> }> {
  const socket = connect(`${server.url}${BROWSER_NAMESPACE}`, {
    transports: ["websocket"],
    reconnection: false,
    ...("cookie" in auth ? { extraHeaders: { cookie: auth.cookie, origin: server.url } } : { auth: { token: auth.token } }),
  });
  sockets.push(socket);
  const ended = new Promise<string>((resolve) => socket.on("disconnect", (reason) => resolve(reason)));
  await new Promise<void>((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
  expect(await socket.timeout(5_000).emitWithAck("room:join", liveRooms.fleet)).toEqual({ ok: true });
  return { socket, ended };
}

/** Resolves with the disconnect reason, or "still connected" after a generous deadline. */
function within(ended: Promise<string>, ms = 5_000): Promise<string> {
  return Promise.race([ended, new Promise<string>((resolve) => setTimeout(() => resolve("still connected"), ms))]);
}

async function enrollHost(cookie: string, name: string): Promise<{ hostId: string; credential: string }> {
  const { token } = await mutate<{ token: string }>(cookie, "enrollmentTokens.create", { maxUses: 1, expiresHours: 1, tags: [] });
  const reply = await fetch(`${server.url}/api/agent/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, name, tags: [], facts: TEST_FACTS }),
  });
  expect(reply.status).toBe(200);
  return (await reply.json()) as { hostId: string; credential: string };
}

describe("revoking a credential ends its live connections at once (real server)", () => {
  it("signing out ends the session's /live socket", async () => {
    const cookie = await signIn();
    const { ended } = await liveSocket({ cookie });
    await mutate(cookie, "auth.signOut", null);
    expect(await within(ended)).toBe("io server disconnect");
  });

  it("revoking an API token ends the sockets it opened", async () => {
    const cookie = await signIn();
    const created = await mutate<{ id: string; token: string }>(cookie, "apiTokens.create", { name: "watcher" });
    const { ended } = await liveSocket({ token: created.token });
    await mutate(cookie, "apiTokens.revoke", { id: created.id });
    expect(await within(ended)).toBe("io server disconnect");
  });

  it.each([
    ["disabling a user ends their sockets", "users.update", (id: string) => ({ id, disabled: true })],
    ["deleting a user ends their sockets", "users.delete", (id: string) => ({ id })],
    ["resetting a user's password ends their sockets", "users.resetPassword", (id: string) => ({ id, password: "amber-valley-teapot-19" })],
  ])("%s", async (_name, procedure, input) => {
    const admin = await signIn();
    const email = `watcher-${procedure.replace(/\W/g, "")}@example.com`;
    const user = await mutate<{ id: string }>(admin, "users.create", { email, role: "viewer", password: "quiet-harbor-lantern-47" });
    const { ended } = await liveSocket({ cookie: await signIn(email, "quiet-harbor-lantern-47") });
    await mutate(admin, procedure, input(user.id));
    expect(await within(ended)).toBe("io server disconnect");
  });

  it("deregistering a host ends its agent's socket and refuses it from then on", async () => {
    const cookie = await signIn();
    const host = await enrollHost(cookie, "revoked-host");
    const agent = connect(`${server.url}${AGENT_NAMESPACE}`, {
      auth: { credential: host.credential, protocolVersion: AGENT_PROTOCOL_VERSION },
      transports: ["websocket"],
      reconnection: false,
    });
    sockets.push(agent);
    const ended = new Promise<string>((resolve) => agent.on("disconnect", (reason) => resolve(reason)));
    await new Promise<void>((resolve) => agent.on("connect", resolve));
    const hello = { protocolVersion: AGENT_PROTOCOL_VERSION, facts: TEST_FACTS, commands: [], lastLogSeq: 0 };
    expect(await agent.timeout(5_000).emitWithAck("agent:hello", hello)).toMatchObject({ ok: true, hostId: host.hostId });

    await mutate(cookie, "hosts.deregister", { hostName: "revoked-host" });
    expect(await within(ended)).toBe("io server disconnect");

    const again = connect(`${server.url}${AGENT_NAMESPACE}`, {
      auth: { credential: host.credential, protocolVersion: AGENT_PROTOCOL_VERSION },
      transports: ["websocket"],
      reconnection: false,
    });
    sockets.push(again);
    expect(await new Promise<string>((resolve) => again.on("connect_error", (err) => resolve(err.message)))).toMatch(/deregistered host credential/);
  });

  it("after every revocation, a fresh session still gets live updates", async () => {
    const cookie = await signIn();
    const { socket } = await liveSocket({ cookie });
    const seen: string[] = [];
    socket.on("host:updated", (update: { name: string }) => seen.push(update.name));
    const host = await enrollHost(cookie, "healthy-host");
    const agent = connect(`${server.url}${AGENT_NAMESPACE}`, {
      auth: { credential: host.credential, protocolVersion: AGENT_PROTOCOL_VERSION },
      transports: ["websocket"],
      reconnection: false,
    });
    sockets.push(agent);
    await waitFor(() => seen.includes("healthy-host"), { timeoutMs: 10_000, what: "host:updated for healthy-host" });
    expect(socket.connected).toBe(true);
  });
});

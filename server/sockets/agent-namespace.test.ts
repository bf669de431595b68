import { eq } from "drizzle-orm";
import { io as connect } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateHostCredential } from "../auth/host-credentials";
import { createApiToken } from "../auth/api-tokens";
import { AGENT_NAMESPACE, AGENT_PROTOCOL_VERSION } from "../contracts/agent-protocol";
import { BROWSER_NAMESPACE, liveRooms, type LiveLogLine } from "../contracts/live-updates";
import { hosts, logLines } from "../storage/schema";
import { seedDeploymentGroup } from "../test/deployment-fixtures";
import { waitFor } from "../test/wait-for";
import { ScriptedAgent, TEST_FACTS } from "../test/scripted-agent";
import { startSocketTestServer, type SocketTestServer } from "../test/socket-test-server";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";

let deps: ReturnType<typeof createTestDeps>;
let server: SocketTestServer;
let url: string;
const closers: (() => void)[] = [];

beforeEach(async () => {
  deps = createTestDeps({ LANDLINE_AGENT_GRACE_SECONDS: "60" });
  server = await startSocketTestServer(deps);
  url = server.url;
});

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await server.close();
  deps.cleanup();
});

function credentialFor(hostId: string): string {
  const { credential, credentialHash } = generateHostCredential(hostId);
  deps.db.update(hosts).set({ credentialHash }).where(eq(hosts.id, hostId)).run();
  return credential;
}

function agent(credential: string, options: { protocolVersion?: number } = {}): ScriptedAgent {
  const a = new ScriptedAgent(url, credential, options);
  closers.push(() => a.close());
  return a;
}

function connectError(credential: unknown, protocolVersion: unknown): Promise<string> {
  const socket = connect(`${url}${AGENT_NAMESPACE}`, { auth: { credential, protocolVersion }, transports: ["websocket"], reconnection: false });
  closers.push(() => socket.close());
  return new Promise((resolve) => socket.on("connect_error", (err) => resolve(err.message)));
}

describe("agent namespace over a real Socket.IO server", () => {
  it("refuses a wrong credential and a wrong protocol version with a clear message", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1, online: false });
    const credential = credentialFor(g.hostIds[0]);
    expect(await connectError(`${g.hostIds[0]}.llh_wrong-secret-value`, 1)).toMatch(/Unknown, wrong or deregistered host credential/);
    expect(await connectError(credential, 99)).toBe(
      "Agent protocol version 99 is not supported; this server speaks version 1. Install the agent that matches the server",
    );
    expect(await connectError(undefined, 1)).toMatch(/^Invalid agent handshake: credential/);
  });

  it("refuses agent:hello from a host deregistered while it was connected, and disconnects it", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1, online: false });
    const socket = connect(`${url}${AGENT_NAMESPACE}`, {
      auth: { credential: credentialFor(g.hostIds[0]), protocolVersion: AGENT_PROTOCOL_VERSION },
      transports: ["websocket"],
      reconnection: false,
    });
    closers.push(() => socket.close());
    await new Promise<void>((resolve) => socket.on("connect", resolve));
    deps.db.update(hosts).set({ deregisteredAt: Date.now() }).where(eq(hosts.id, g.hostIds[0])).run();
    const hello = { protocolVersion: AGENT_PROTOCOL_VERSION, facts: TEST_FACTS, commands: [], lastLogSeq: 0 };
    expect(await socket.timeout(5_000).emitWithAck("agent:hello", hello)).toEqual({ ok: false, error: expect.stringMatching(/deregistered host credential/) });
    await waitFor(() => !socket.connected, { timeoutMs: 5_000, what: "the deregistered host's socket to close" });
  });

  it("deploys through a connected agent, storing its log lines once and streaming them to browsers", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1, online: false });
    const a = agent(credentialFor(g.hostIds[0]));
    a.behavior = (spec) => ({ status: "Succeeded", lines: [`${spec.lifecycleEvent} line 1`, `${spec.lifecycleEvent} line 2`] });
    await a.ready();
    expect(a.helloAcks[0]).toMatchObject({ ok: true, hostId: g.hostIds[0], ackedLogSeq: 0 });
    expect(deps.db.select().from(hosts).where(eq(hosts.id, g.hostIds[0])).get()).toMatchObject({ online: true, facts: { agentVersion: "scripted-1" } });

    const user = insertTestUser(deps, "viewer");
    const { token } = createApiToken(deps.db, { userId: user.userId, role: "viewer" }, { name: "cli" }, deps.now());
    const browser = connect(`${url}${BROWSER_NAMESPACE}`, { auth: { token }, transports: ["websocket"] });
    closers.push(() => browser.close());
    const streamed: LiveLogLine[] = [];
    const statuses: string[] = [];
    browser.on("log:lines", (u: { lines: LiveLogLine[] }) => streamed.push(...u.lines));
    browser.on("deployment:updated", (u: { status: string }) => statuses.push(u.status));
    expect(await browser.timeout(5_000).emitWithAck("room:join", liveRooms.fleet)).toEqual({ ok: true });
    expect(await browser.timeout(5_000).emitWithAck("room:join", "secrets")).toEqual({ ok: false, error: "Unknown room" });

    const caller = callerFor(deps, insertTestUser(deps, "deployer"));
    const { deploymentId } = await caller.deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    const [target] = await caller.deployments.listTargets({ deploymentId });
    expect(await browser.timeout(5_000).emitWithAck("room:join", liveRooms.targetLogs(target.targetId))).toEqual({ ok: true });
    await waitFor(() => statuses.includes("Succeeded"), { timeoutMs: 10_000, what: "deployment to succeed" });

    const logs = await caller.deployments.logs({ deploymentId });
    expect(logs.complete).toBe(true);
    expect(logs.lines.map((l) => l.text)).toEqual(a.executed.flatMap((id) => [1, 2].map((n) => `${id.split(".").pop()} line ${n}`)));
    expect(logs.lines.every((l) => l.hostName === target.hostName && l.targetId === target.targetId)).toBe(true);
    const page = await caller.deployments.logs({ deploymentId, limit: 5 });
    expect(page.complete).toBe(false);
    const rest = await caller.deployments.logs({ deploymentId, afterSeq: page.nextSeq, eventName: "ValidateService" });
    expect(rest.lines.map((l) => l.text)).toEqual(["ValidateService line 1", "ValidateService line 2"]);
    await waitFor(() => streamed.length >= 2, { timeoutMs: 5_000, what: "live log lines" });
    expect(streamed.every((l) => l.targetId === target.targetId)).toBe(true);

    // A reconnecting agent that resends lines the server already has does not duplicate them.
    const stored = deps.db.select().from(logLines).all().length;
    const resent = await a.socket.timeout(5_000).emitWithAck("log:appended", {
      lines: [{ seq: 1, commandId: a.executed[0], at: Date.now(), stream: "stdout", text: "duplicate" }],
    });
    expect(resent).toEqual({ ackedSeq: 14 });
    expect(deps.db.select().from(logLines).all().length).toBe(stored);
  });

  it("stores a large batch in order under the same seqs browsers were sent", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1, online: false });
    const a = agent(credentialFor(g.hostIds[0]));
    // 257 lines in one event: two multi-row INSERTs and single-row ones for the rest.
    const many = Array.from({ length: 257 }, (_, i) => `line ${i + 1}`);
    // ApplicationStop waits until the browser has joined the logs room.
    a.behavior = (spec) =>
      spec.lifecycleEvent === "ApplicationStop" ? { status: "hold" } : { status: "Succeeded", lines: spec.lifecycleEvent === "BeforeInstall" ? many : [] };
    await a.ready();
    const user = insertTestUser(deps, "viewer");
    const { token } = createApiToken(deps.db, { userId: user.userId, role: "viewer" }, { name: "cli" }, deps.now());
    const browser = connect(`${url}${BROWSER_NAMESPACE}`, { auth: { token }, transports: ["websocket"] });
    closers.push(() => browser.close());
    const streamed: LiveLogLine[] = [];
    browser.on("log:lines", (u: { lines: LiveLogLine[] }) => streamed.push(...u.lines));
    const caller = callerFor(deps, insertTestUser(deps, "deployer"));
    const { deploymentId } = await caller.deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    const [target] = await caller.deployments.listTargets({ deploymentId });
    expect(await browser.timeout(5_000).emitWithAck("room:join", liveRooms.targetLogs(target.targetId))).toEqual({ ok: true });
    await waitFor(() => a.executed.length === 1, { timeoutMs: 5_000, what: "ApplicationStop to be held" });
    a.release(a.executed[0]);
    await waitFor(() => streamed.filter((l) => l.stream === "stdout").length >= 257, { timeoutMs: 10_000, what: "257 live lines" });

    const rows = deps.db.select().from(logLines).where(eq(logLines.eventName, "BeforeInstall")).all();
    expect(rows.map((r) => r.text)).toEqual(many);
    expect(rows.map((r) => r.hostSeq)).toEqual([...rows.map((r) => r.hostSeq)].sort((x, y) => x - y));
    const live = streamed.filter((l) => l.eventName === "BeforeInstall");
    expect(live.map((l) => [l.seq, l.text])).toEqual(rows.map((r) => [r.id, r.text]));
  });

  it("answers a malformed payload in the ack and refuses reports on another host's commands", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 2, online: false });
    const owner = agent(credentialFor(g.hostIds[0]));
    const intruder = agent(credentialFor(g.hostIds[1]));
    owner.behavior = () => ({ status: "hold" });
    await Promise.all([owner.ready(), intruder.ready()]);
    expect(await intruder.socket.timeout(5_000).emitWithAck("event:finished", { commandId: 42 } as never)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Invalid event:finished: commandId/),
    });
    const caller = callerFor(deps, insertTestUser(deps, "deployer"));
    const { deploymentId } = await caller.deployments.create({
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      revisionId: g.revisionIds[0],
    });
    await waitFor(() => owner.received.length === 1, { timeoutMs: 5_000, what: "a command on the first host" });
    const commandId = owner.received[0].commandId;
    const forged = await intruder.socket.timeout(5_000).emitWithAck("event:finished", {
      commandId,
      status: "Failed",
      startedAt: 1,
      finishedAt: 2,
      diagnostics: { errorCode: "ScriptFailed", scriptName: null, message: "forged", logTail: "" },
      scriptSource: null,
      lastLogSeq: 0,
    });
    expect(forged).toEqual({ ok: false, error: `Command ${commandId} belongs to another host` });
    await intruder.socket.timeout(5_000).emitWithAck("log:appended", { lines: [{ seq: 1, commandId, at: 1, stream: "stdout", text: "forged" }] });
    const logs = await caller.deployments.logs({ deploymentId });
    expect(logs.lines).toEqual([]);
    expect((await caller.deployments.get({ deploymentId })).status).toBe("InProgress");
  });

  it("keeps only the newest connection of a host", async () => {
    const g = seedDeploymentGroup(deps, { hosts: 1, online: false });
    const credential = credentialFor(g.hostIds[0]);
    const first = agent(credential);
    await first.ready();
    first.socket.io.opts.reconnection = false;
    const disconnected = new Promise<string>((resolve) => first.socket.on("disconnect", (reason) => resolve(reason)));
    const second = agent(credential);
    await second.ready();
    expect(await disconnected).toBe("io server disconnect");
    // The replaced connection's disconnect must not mark the host offline; that nothing happens is the behaviour under
    // test, so give its handler time to (wrongly) run.
    await new Promise((r) => setTimeout(r, 50));
    expect(deps.db.select({ online: hosts.online }).from(hosts).where(eq(hosts.id, g.hostIds[0])).get()?.online).toBe(true);
  });
});

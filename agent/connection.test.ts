import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import yazl from "yazl";
import type { CommandSpec } from "../server/contracts/agent-protocol";
import type { LifecycleEventName } from "../server/contracts/deployment";
import { CommandExecutor } from "./command-executor";
import { AgentConnection } from "./connection";
import { currentBootId, isProcessGroupAlive } from "./hook-runner";
import { Journal } from "./journal";
import { createLayout, ensureRootDirs, type Layout } from "./layout";
import { startProtocolServer, type ProtocolServer } from "./test/protocol-server";
import { waitFor } from "../server/test/wait-for";

let tmp: string;
let layout: Layout;
let server: ProtocolServer;
let agentLog: string[];
const running: { journal: Journal; connection: AgentConnection; executor: CommandExecutor }[] = [];

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "landline-protocol-"));
  layout = createLayout(path.join(tmp, "agent"));
  ensureRootDirs(layout);
  agentLog = [];
});

afterEach(async () => {
  for (const agent of running.splice(0)) {
    agent.connection.close();
    await agent.executor.shutdown();
    agent.journal.close();
  }
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function startAgent(credential = server.credential) {
  const journal = Journal.open(layout.stateDir);
  const executor = new CommandExecutor({
    layout,
    journal,
    serverUrl: server.url,
    credential,
    hostName: "web-1",
    maxRevisions: 5,
    log: (m) => agentLog.push(m),
    killGraceMs: 500,
    outputGraceMs: 500,
  });
  const connection = new AgentConnection({
    serverUrl: server.url,
    credential,
    journal,
    executor,
    facts: () => ({
      hostname: "web-1",
      platform: "linux",
      osRelease: "6",
      arch: "x64",
      agentVersion: "0.1.0",
      nodeVersion: process.version,
      freeDiskBytes: 1,
      rootDir: layout.root,
    }),
    log: (m) => agentLog.push(m),
    reconnectDelayMs: 100,
    reconnectDelayMaxMs: 300,
    refusedDelayMs: 1000,
    refusedDelayMaxMs: 2000,
    ackTimeoutMs: 3000,
  });
  const agent = { journal, connection, executor };
  running.push(agent);
  return agent;
}

async function bundle(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name, { mode: name.endsWith(".sh") ? 0o100755 : 0o100644 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

let commandCounter = 0;
function command(event: LifecycleEventName, sha256: string, size: number, deploymentId = "d-DEPLOY001"): CommandSpec {
  return {
    commandId: `cmd-${++commandCounter}`,
    lifecycleEvent: event,
    deploymentId,
    applicationName: "shop",
    deploymentGroupName: "prod",
    deploymentGroupId: "dg-1",
    revision: { revisionId: "rev-1", sha256, bundleType: "zip", size },
    fileExistsBehavior: "OVERWRITE",
    defaultHookTimeoutSeconds: 60,
  };
}

async function run(spec: CommandSpec, timeoutMs = 15_000) {
  expect(await server.sendCommand(spec)).toEqual({ commandId: spec.commandId, accepted: true });
  await waitFor(() => server.results.some((r) => r.commandId === spec.commandId), { timeoutMs, what: `result of ${spec.lifecycleEvent}` });
  return server.results.find((r) => r.commandId === spec.commandId)!;
}

const startScript = (body: string) => ({
  "appspec.yml": `version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: ${tmp}/www\nhooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n      timeout: 30\n`,
  "site/index.html": "hello",
  "scripts/start.sh": `#!/bin/sh\n${body}\n`,
});

async function connected() {
  await waitFor(() => agentLog.some((l) => l.startsWith("connected to")), { timeoutMs: 10_000, what: "agent connection" });
}

/** A protocol server, a connected agent, and a bundle whose ApplicationStart runs `script`, already downloaded. */
async function startWithDownloadedBundle(script: string) {
  server = await startProtocolServer();
  const body = await bundle(startScript(script));
  const sha = server.addBundle(body);
  const agent = startAgent();
  agent.connection.start();
  await connected();
  await run(command("DownloadBundle", sha, body.length));
  return { sha, body };
}

describe("agent protocol against a real Socket.IO server", () => {
  it("runs a deployment's events: download with resume, install, hooks, each result after its lines", async () => {
    server = await startProtocolServer({ dropFirstDownloadAfterBytes: 200 });
    const body = await bundle(startScript('echo "starting in $(pwd)"\necho "deployment $DEPLOYMENT_ID"'));
    const sha = server.addBundle(body);
    const agent = startAgent();
    agent.connection.start();
    await connected();
    expect(server.hellos[0]).toMatchObject({ protocolVersion: 1, lastLogSeq: 0, commands: [] });

    const stop = await run(command("ApplicationStop", sha, body.length));
    expect(stop).toMatchObject({ status: "Succeeded", scriptSource: null });
    const download = await run(command("DownloadBundle", sha, body.length));
    expect(download).toMatchObject({ status: "Succeeded", diagnostics: { errorCode: "Success" } });
    expect(server.downloads.map((d) => [d.range, d.authorized])).toEqual([
      [null, true],
      ["bytes=200-", true],
    ]);
    expect((await run(command("Install", sha, body.length))).status).toBe("Succeeded");
    expect(fs.readFileSync(path.join(tmp, "www/index.html"), "utf8")).toBe("hello");
    const start = command("ApplicationStart", sha, body.length);
    const started = await run(start);
    expect(started).toMatchObject({ status: "Succeeded", scriptSource: { deploymentId: "d-DEPLOY001", revisionId: "rev-1", sha256: sha } });
    const archive = layout.archiveDir("dg-1", "d-DEPLOY001");
    expect(
      server
        .linesOf(start.commandId)
        .filter((l) => l.stream === "stdout")
        .map((l) => l.text),
    ).toEqual([`starting in ${archive}`, "deployment d-DEPLOY001"]);
    expect(server.violations).toEqual([]);
    expect(server.stored.map((l) => l.seq)).toEqual(Array.from({ length: server.stored.length }, (_, i) => i + 1));
  });

  it("after the server drops the connection mid-command, every line arrives exactly once and in order, then the result", async () => {
    const { sha, body } = await startWithDownloadedBundle('i=1; while [ $i -le 300 ]; do echo "line $i"; i=$((i+1)); sleep 0.005; done');
    const start = command("ApplicationStart", sha, body.length);
    expect(await server.sendCommand(start)).toMatchObject({ accepted: true });
    await waitFor(() => server.linesOf(start.commandId).length > 20, { timeoutMs: 10_000, what: "first lines" });
    server.dropAgent();
    await waitFor(() => server.results.some((r) => r.commandId === start.commandId), { timeoutMs: 20_000, what: "result after reconnect" });
    const result = server.results.find((r) => r.commandId === start.commandId)!;
    expect(result.status).toBe("Succeeded");
    expect(server.hellos.length).toBeGreaterThanOrEqual(2);
    const output = server
      .linesOf(start.commandId)
      .filter((l) => l.stream === "stdout")
      .map((l) => l.text);
    expect(output).toEqual(Array.from({ length: 300 }, (_, i) => `line ${i + 1}`));
    expect(server.stored.at(-1)!.seq).toBe(result.lastLogSeq);
    expect(server.violations).toEqual([]);
  });

  it("runs a re-sent command once, and answers a re-sent finished command with its result", async () => {
    const counter = path.join(tmp, "runs.txt");
    const { sha, body } = await startWithDownloadedBundle(`echo run >> "${counter}"\nsleep 0.5`);
    const start = command("ApplicationStart", sha, body.length);
    expect(await server.sendCommand(start)).toMatchObject({ accepted: true });
    expect(await server.sendCommand(start)).toMatchObject({ accepted: true });
    await waitFor(() => server.results.some((r) => r.commandId === start.commandId), { timeoutMs: 10_000 });
    expect(await server.sendCommand(start)).toMatchObject({ accepted: true });
    await waitFor(() => server.results.filter((r) => r.commandId === start.commandId).length === 2, { timeoutMs: 5000, what: "re-sent result" });
    expect(fs.readFileSync(counter, "utf8")).toBe("run\n");
    const [first, second] = server.results.filter((r) => r.commandId === start.commandId);
    expect(second).toEqual(first);
  });

  it("refuses a command of another deployment while one runs, and cancels by killing the process group", async () => {
    const { sha, body } = await startWithDownloadedBundle(`sleep 30 &\necho $! > "${tmp}/child.pid"\nwait`);
    const start = command("ApplicationStart", sha, body.length);
    expect(await server.sendCommand(start)).toMatchObject({ accepted: true });
    await waitFor(() => fs.existsSync(path.join(tmp, "child.pid")), { timeoutMs: 5000, what: "script start" });
    const other = await server.sendCommand(command("ApplicationStop", sha, body.length, "d-OTHER0001"));
    expect(other).toMatchObject({ accepted: false, reason: expect.stringContaining("busy with deployment d-DEPLOY001") });
    expect(await server.cancelCommand({ commandId: start.commandId, reason: "stopped by alice" })).toEqual({ ok: true });
    await waitFor(() => server.results.some((r) => r.commandId === start.commandId), { timeoutMs: 5000, what: "cancelled result" });
    expect(server.results.find((r) => r.commandId === start.commandId)).toMatchObject({
      status: "Failed",
      diagnostics: { errorCode: "Cancelled", message: "Cancelled: stopped by alice" },
    });
    const child = Number(fs.readFileSync(path.join(tmp, "child.pid"), "utf8"));
    await waitFor(() => !fs.existsSync(`/proc/${child}`) || fs.readFileSync(`/proc/${child}/stat`, "utf8").includes(") Z"), {
      timeoutMs: 3000,
      what: "child killed",
    });
  });

  it("after a restart, fails the interrupted command with FailedAfterRestart and kills its leftover processes", async () => {
    server = await startProtocolServer();
    const leftover = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
    const journal = Journal.open(layout.stateDir);
    const spec = command("ApplicationStart", "e".repeat(64), 1);
    journal.recordReceived(spec);
    journal.recordRunning(spec.commandId, 1000);
    journal.recordProcessGroup(spec.commandId, { pgid: leftover.pid!, bootId: currentBootId() });
    journal.appendLine(spec.commandId, "stdout", "before the crash");
    journal.close();

    const agent = startAgent();
    await agent.executor.recoverAfterRestart();
    expect(isProcessGroupAlive(leftover.pid!)).toBe(false);
    agent.connection.start();
    await connected();
    expect(server.hellos[0].commands).toEqual([expect.objectContaining({ commandId: spec.commandId, state: "finished" })]);
    await waitFor(() => server.results.length === 1, { timeoutMs: 5000, what: "recovered result" });
    expect(server.results[0]).toMatchObject({ commandId: spec.commandId, status: "Failed", startedAt: 1000, diagnostics: { errorCode: "FailedAfterRestart" } });
    expect(server.linesOf(spec.commandId).map((l) => l.text)[0]).toBe("before the crash");
    expect(server.violations).toEqual([]);
  });

  it("retries slowly and says so when the server rejects the credential", async () => {
    server = await startProtocolServer();
    const agent = startAgent("host-1.not-the-right-secret");
    const started = Date.now();
    agent.connection.start();
    await waitFor(() => agentLog.some((l) => l.includes("rejected this host's credential")), { timeoutMs: 10_000, what: "the rejection in the log" });
    // The retry rate is the behaviour under test: count the handshakes over a fixed 1.5 s window.
    await new Promise((r) => setTimeout(r, Math.max(0, started + 1500 - Date.now())));
    expect(server.handshakes).toBeGreaterThanOrEqual(1);
    expect(server.handshakes).toBeLessThanOrEqual(3);
  });

  it("delivers a result only after the server acknowledged the command's lines", async () => {
    const { sha, body } = await startWithDownloadedBundle("i=0; while [ $i -lt 50 ]; do echo x$i; i=$((i+1)); done");
    server.setLogAckDelay(300);
    const result = await run(command("ApplicationStart", sha, body.length));
    expect(result.status).toBe("Succeeded");
    expect(server.violations).toEqual([]);
    expect(server.stored.at(-1)!.seq).toBeGreaterThanOrEqual(result.lastLogSeq);
  });

  it("trusts no acknowledgement above its own highest seq: keeps the lines, holds the result and sends both once the server is honest", async () => {
    const { sha, body } = await startWithDownloadedBundle("i=0; while [ $i -lt 50 ]; do echo y$i; i=$((i+1)); done");
    server.forgeLogAcks(2);
    const result = await run(command("ApplicationStart", sha, body.length));
    expect(result.status).toBe("Succeeded");
    expect(
      server
        .linesOf(result.commandId)
        .filter((l) => l.stream === "stdout")
        .map((l) => l.text),
    ).toEqual(Array.from({ length: 50 }, (_, i) => `y${i}`));
    expect(server.violations).toEqual([]);
    expect(agentLog.some((l) => /acknowledged log line 9007199254740991, but this agent has written only up to/.test(l))).toBe(true);
  });
});

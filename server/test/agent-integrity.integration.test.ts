import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_NAMESPACE, AGENT_PROTOCOL_VERSION, type LogLine } from "../contracts/agent-protocol";
import { runCli } from "./run-cli";
import { startRealFleet, type FleetGroup, type RealFleet } from "./real-fleet";
import { spawnAgent } from "./spawn-agent";
import { zipBuffer } from "./test-archives";

/**
 * Real agents and the real server, with a hostile client that holds the host's credential (read from the
 * agent's root, as anyone with access to the host could) and speaks the agent protocol with forged numbers.
 */
let fleet: RealFleet;
let group: FleetGroup;

function bundle(script: string, event = "ApplicationStart"): Promise<Buffer> {
  return zipBuffer([
    { name: "appspec.yml", body: `version: 0.0\nos: linux\nhooks:\n  ${event}:\n    - location: scripts/hook.sh\n      timeout: 600\n` },
    { name: "scripts/hook.sh", body: `#!/bin/sh\n${script}\n` },
  ]);
}

async function logTexts(deploymentId: string): Promise<string[]> {
  return (await fleet.api.deployments.logs.query({ deploymentId, limit: 5000 })).lines.map((l) => l.text);
}

/** Connects as host h1 with its own credential, emits one event and returns the server's reply. */
async function sendAsHost(event: "log:appended", payload: { lines: LogLine[] }): Promise<unknown> {
  const { credential } = JSON.parse(fs.readFileSync(path.join(fleet.agents.get("h1")!.rootDir, "credential.json"), "utf8")) as { credential: string };
  const socket = io(`${fleet.server.url}${AGENT_NAMESPACE}`, {
    auth: { credential, protocolVersion: AGENT_PROTOCOL_VERSION },
    transports: ["websocket"],
    reconnection: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return await socket.timeout(10_000).emitWithAck(event, payload);
  } finally {
    socket.close();
  }
}

const forgedLine = (seq: number): LogLine => ({ seq, commandId: "forged", at: Date.now(), stream: "stdout", text: "forged" });

async function deploysNormally(marker: string): Promise<void> {
  const revisionId = await fleet.uploadRevision(group.applicationName, await bundle(`echo "${marker}"`));
  const id = await fleet.deploy(group, revisionId);
  expect((await fleet.waitForDeployment(id, 60_000)).status).toBe("Succeeded");
  const logs = await fleet.api.deployments.logs.query({ deploymentId: id, limit: 5000 });
  expect(logs.complete).toBe(true);
  expect(logs.lines.map((l) => l.text)).toContain(marker);
}

beforeAll(async () => {
  fleet = await startRealFleet({ hosts: ["h1", "h2"], serverEnv: { LANDLINE_AGENT_GRACE_SECONDS: "3" } });
  group = await fleet.createGroup();
}, 120_000);

afterAll(async () => {
  await fleet?.close();
});

describe("an agent's log numbers the server cannot check", () => {
  it("refuses a batch whose seq jumps far ahead, and the host keeps deploying with every line stored", async () => {
    await deploysNormally("before the forged batch");
    const reply = await sendAsHost("log:appended", { lines: [forgedLine(Number.MAX_SAFE_INTEGER)] });
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/does not follow the stored seq/) });
    await deploysNormally("after a jump to 2^53-1");
  }, 120_000);

  it("refuses a batch that leaves a gap, storing nothing past it", async () => {
    const reply = await sendAsHost("log:appended", { lines: [forgedLine(1_000_000)] });
    expect(reply).toMatchObject({ ok: false });
    await deploysNormally("after a gap");
  }, 120_000);

  it("stops a deployment whose hook is running while a forged batch arrives", async () => {
    const revisionId = await fleet.uploadRevision(group.applicationName, await bundle('echo "long hook"; sleep 300'));
    const id = await fleet.deploy(group, revisionId);
    await expect
      .poll(async () => (await fleet.api.deployments.logs.query({ deploymentId: id, limit: 100 })).lines.map((l) => l.text), { timeout: 30_000 })
      .toContain("long hook");
    await sendAsHost("log:appended", { lines: [forgedLine(Number.MAX_SAFE_INTEGER)] });
    await fleet.api.deployments.stop.mutate({ deploymentId: id });
    expect((await fleet.waitForDeployment(id, 20_000)).status).toBe("Stopped");
    await deploysNormally("after the stop");
  }, 120_000);
});

describe("two agents with one host's credential", () => {
  it("shows the host's connections replacing each other on hosts.get and hosts.list, and deploys once the copy is gone", async () => {
    expect((await fleet.api.hosts.get.query({ hostName: "h2" })).connectionChurn).toBeNull();
    const copyRoot = fs.mkdtempSync(path.join(os.tmpdir(), "landline-agent-copy-"));
    fs.copyFileSync(path.join(fleet.agents.get("h2")!.rootDir, "credential.json"), path.join(copyRoot, "credential.json"));
    const copy = await spawnAgent({ serverUrl: fleet.server.url, name: "h2", rootDir: copyRoot, waitForConnection: false });
    try {
      await expect.poll(async () => (await fleet.api.hosts.get.query({ hostName: "h2" })).connectionChurn, { timeout: 60_000, interval: 500 }).not.toBeNull();
      const churn = (await fleet.api.hosts.get.query({ hostName: "h2" })).connectionChurn!;
      expect(churn.replacements).toBeGreaterThanOrEqual(3);
      expect((await fleet.api.hosts.list.query({})).find((h) => h.hostName === "h2")?.connectionChurn).toMatchObject({ replacements: expect.any(Number) });
    } finally {
      await copy.kill("SIGKILL");
      fs.rmSync(copyRoot, { recursive: true, force: true });
    }
    await deploysNormally("after the second agent left");
  }, 120_000);
});

describe("a verdict and the lines that arrive after it", () => {
  it("keeps an agent's late lines out of the tail shown with an AgentLost verdict", async () => {
    const h1Only = await fleet.createGroup({ hosts: ["h1"] });
    const revisionId = await fleet.uploadRevision(h1Only.applicationName, await bundle('echo "installing slowly"; sleep 120', "BeforeInstall"));
    const id = await fleet.deploy(h1Only, revisionId);
    await expect.poll(() => logTexts(id), { timeout: 30_000 }).toContain("installing slowly");
    await fleet.agents.get("h1")!.kill("SIGKILL");
    expect(await fleet.waitForDeployment(id, 30_000)).toMatchObject({ status: "Failed", errorInformation: { code: "AGENT_ISSUE" } });
    await fleet.startAgent("h1");
    await expect.poll(async () => (await logTexts(id)).some((t) => t.includes("restarted while BeforeInstall")), { timeout: 30_000 }).toBe(true);

    const report = JSON.parse(await runCli(fleet.server.url, fleet.apiToken, ["--json", "deployments", "get", id])) as {
      failures: { lifecycleEvent: string; errorCode: string; message: string; lastLines: string[] }[];
    };
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      lifecycleEvent: "BeforeInstall",
      errorCode: "AgentLost",
      message: expect.stringMatching(/lost its connection/),
    });
    expect(report.failures[0].lastLines.at(-1)).toBe("installing slowly");
    expect(report.failures[0].lastLines.join("\n")).not.toMatch(/restarted while/);
    const human = await runCli(fleet.server.url, fleet.apiToken, ["deployments", "get", id]);
    expect(human).toContain("installing slowly");
    expect(human).not.toMatch(/restarted while/);
    const [target] = await fleet.api.deployments.listTargets.query({ deploymentId: id });
    const detail = await fleet.api.deployments.getTarget.query({ targetId: target.targetId });
    const shown = detail.lifecycleEvents.find((e) => e.lifecycleEventName === "BeforeInstall")!.diagnostics!;
    expect(shown.logTail).toMatch(/installing slowly$/);
    await deploysNormally("after the late lines");
  }, 120_000);
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeploymentLogLine, LifecycleEventName } from "../contracts/deployment";
import { waitFor } from "./wait-for";
import { isProcessAlive, startRealFleet, type FleetGroup, type RealFleet } from "./real-fleet";
import { startTcpCutProxy, type TcpCutProxy } from "./tcp-cut-proxy";
import { zipBuffer, type TestEntry } from "./test-archives";

/**
 * Hook behaviours proven through the real server and three real agents; h3 dials through a TCP proxy the
 * tests can cut. Hook scripts write what they observe under $WORK_DIR, a world-writable temp directory.
 */
const HOSTS = ["h1", "h2", "h3"];
const isRoot = process.getuid?.() === 0;
const NOBODY_UID = 65534;
const NEEDS_ROOT = "the agents run as this test's user, and only an agent running as root can switch users or chown";

let fleet: RealFleet;
let proxy: TcpCutProxy;
let workDir: string;

type Hook = { event: string; script: string; timeout?: number; runas?: string };

/** A bundle whose hooks run scripts/<event>.sh; `appSpecExtra` is YAML placed before the hooks. */
function bundle(options: { hooks?: Hook[]; appSpecExtra?: string; files?: TestEntry[] }): Promise<Buffer> {
  const hooks = (options.hooks ?? [])
    .map((h) => `  ${h.event}:\n    - location: scripts/${h.event}.sh\n      timeout: ${h.timeout ?? 60}\n${h.runas ? `      runas: ${h.runas}\n` : ""}`)
    .join("");
  return zipBuffer([
    { name: "appspec.yml", body: `version: 0.0\nos: linux\n${options.appSpecExtra ?? ""}${hooks ? `hooks:\n${hooks}` : ""}` },
    ...(options.hooks ?? []).map((h) => ({ name: `scripts/${h.event}.sh`, body: `#!/bin/sh\n${h.script}\n` })),
    ...(options.files ?? []),
  ]);
}

async function deployBundle(group: FleetGroup, zip: Promise<Buffer>, extra: Parameters<RealFleet["deploy"]>[2] = {}): Promise<string> {
  return fleet.deploy(group, await fleet.uploadRevision(group.applicationName, await zip), extra);
}

async function targetsByHost(deploymentId: string) {
  const targets = await fleet.api.deployments.listTargets.query({ deploymentId });
  return new Map(targets.map((t) => [t.hostName, t]));
}

async function eventOf(targetId: string, event: LifecycleEventName) {
  const detail = await fleet.api.deployments.getTarget.query({ targetId });
  return detail.lifecycleEvents.find((e) => e.lifecycleEventName === event)!;
}

async function logLines(deploymentId: string, eventName: LifecycleEventName, targetId?: string): Promise<DeploymentLogLine[]> {
  return (await fleet.api.deployments.logs.query({ deploymentId, eventName, targetId, limit: 5000 })).lines;
}

function workFile(name: string): string {
  return path.join(workDir, name);
}

function readPids(file: string): number[] {
  return fs.readFileSync(file, "utf8").trim().split(/\s+/).map(Number);
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-hooks-"));
  fs.chmodSync(workDir, 0o1777);
  // The grace outlasts the 10 s connection cut, so the cut host's target is not failed as lost.
  fleet = await startRealFleet({ hosts: ["h1", "h2"], serverEnv: { LANDLINE_AGENT_GRACE_SECONDS: "30" }, agentEnv: { WORK_DIR: workDir } });
  proxy = await startTcpCutProxy(fleet.server.port);
  await fleet.startAgent("h3", { serverUrl: proxy.url });
}, 180_000);

afterAll(async () => {
  await fleet?.close();
  await proxy?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("hooks through the real server and agents", () => {
  it("fails an event whose script outlives its timeout with ScriptTimedOut and kills the script's whole process group", async () => {
    const group = await fleet.createGroup({ deploymentConfigName: "CodeDeployDefault.AllAtOnce" });
    const script = 'sleep 300 & bg=$!\nsleep 30 & fg=$!\necho "$$ $bg $fg" > "$WORK_DIR/timeout-$LANDLINE_HOST_NAME.pids"\nwait $fg';
    const started = Date.now();
    const id = await deployBundle(group, bundle({ hooks: [{ event: "ApplicationStart", script, timeout: 2 }] }));

    const pidsByHost = new Map<string, number[]>();
    try {
      await waitFor(
        () => {
          for (const h of HOSTS) {
            const file = workFile(`timeout-${h}.pids`);
            if (pidsByHost.has(h) || !fs.existsSync(file) || readPids(file).length !== 3) continue;
            const pids = readPids(file);
            expect(pids.every(isProcessAlive), `${h}'s hook processes run`).toBe(true);
            pidsByHost.set(h, pids);
          }
          return pidsByHost.size === HOSTS.length;
        },
        { timeoutMs: 30_000, what: "every host's hook to start" },
      );

      const info = await fleet.waitForDeployment(id, 30_000);
      expect(info.status).toBe("Failed");
      expect(Date.now() - started).toBeLessThan(25_000);
      for (const [host, target] of await targetsByHost(id)) {
        expect(target, host).toMatchObject({ status: "Failed", failedEvent: "ApplicationStart" });
        expect((await eventOf(target.targetId, "ApplicationStart")).diagnostics).toMatchObject({
          errorCode: "ScriptTimedOut",
          scriptName: "scripts/ApplicationStart.sh",
          message: expect.stringContaining("failed to complete in 2 seconds"),
        });
      }
      const pids = [...pidsByHost.values()].flat();
      await waitFor(() => pids.every((p) => !isProcessAlive(p)), { timeoutMs: 10_000, what: "the timed-out scripts and their children to end" });
    } finally {
      for (const pid of [...pidsByHost.values()].flat()) if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
    }
  }, 60_000);

  it("does not hang on a background process that keeps the script's output open, and warns in the log", async () => {
    const group = await fleet.createGroup({ deploymentConfigName: "CodeDeployDefault.AllAtOnce" });
    const script = 'sleep 60 &\necho $! > "$WORK_DIR/background-$LANDLINE_HOST_NAME.pid"\necho "background started"';
    const pidFiles = HOSTS.map((h) => workFile(`background-${h}.pid`));
    try {
      const id = await deployBundle(group, bundle({ hooks: [{ event: "ApplicationStart", script }] }));
      const info = await fleet.waitForDeployment(id, 30_000);
      expect(info.status).toBe("Succeeded");
      for (const [host, target] of await targetsByHost(id)) {
        expect((await eventOf(target.targetId, "ApplicationStart")).duration, host).toBeLessThan(10_000);
        const lines = await logLines(id, "ApplicationStart", target.targetId);
        expect(lines.map((l) => l.text)).toContain("background started");
        expect(lines.some((l) => l.stream === "system" && l.text.startsWith("Warning: scripts/ApplicationStart.sh exited but a background process"))).toBe(
          true,
        );
      }
      const leftovers = pidFiles.flatMap(readPids);
      expect(leftovers.every(isProcessAlive), "the background processes keep running").toBe(true);
    } finally {
      for (const file of pidFiles) {
        if (!fs.existsSync(file)) continue;
        for (const pid of readPids(file)) if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
      }
    }
  }, 60_000);

  it("runs a script with runas: nobody as the user nobody and a script without runas as the agent's user", async ({ skip }) => {
    skip(!isRoot, NEEDS_ROOT);
    const group = await fleet.createGroup({ deploymentConfigName: "CodeDeployDefault.AllAtOnce" });
    const hooks = [
      { event: "BeforeInstall", script: 'id -un > "$WORK_DIR/runas-default-$LANDLINE_HOST_NAME"' },
      { event: "ApplicationStart", script: 'id -un > "$WORK_DIR/runas-nobody-$LANDLINE_HOST_NAME"', runas: "nobody" },
    ];
    const id = await deployBundle(group, bundle({ hooks }));
    expect((await fleet.waitForDeployment(id, 30_000)).status).toBe("Succeeded");
    for (const h of HOSTS) {
      expect(fs.readFileSync(workFile(`runas-default-${h}`), "utf8").trim()).toBe("root");
      expect(fs.readFileSync(workFile(`runas-nobody-${h}`), "utf8").trim()).toBe("nobody");
      expect(fs.statSync(workFile(`runas-nobody-${h}`)).uid).toBe(NOBODY_UID);
    }
  }, 60_000);

  it("applies the appspec's permissions to the installed files and created directories on each host", async ({ skip }) => {
    skip(!isRoot, NEEDS_ROOT);
    const destinationOf = (h: string) => workFile(`permissions-${h}/app`);
    const deployments = await Promise.all(
      HOSTS.map(async (h) => {
        const destination = destinationOf(h);
        const appSpecExtra =
          `files:\n  - source: content\n    destination: ${destination}\n` +
          `permissions:\n` +
          `  - object: ${destination}\n    pattern: "**"\n    mode: 640\n    owner: nobody\n    type:\n      - file\n` +
          `  - object: ${destination}\n    pattern: "**"\n    mode: 750\n    type:\n      - directory\n`;
        const files = [
          { name: "content/index.html", body: `<h1>${h}</h1>\n` },
          { name: "content/assets/app.js", body: "console.log(1);\n" },
        ];
        const group = await fleet.createGroup({ hosts: [h] });
        return deployBundle(group, bundle({ appSpecExtra, files }));
      }),
    );
    for (const id of deployments) expect((await fleet.waitForDeployment(id, 30_000)).status).toBe("Succeeded");
    for (const h of HOSTS) {
      const destination = destinationOf(h);
      for (const file of ["index.html", "assets/app.js"]) {
        const stat = fs.statSync(path.join(destination, file));
        expect({ file, mode: (stat.mode & 0o7777).toString(8), uid: stat.uid }).toEqual({ file, mode: "640", uid: NOBODY_UID });
      }
      const assets = fs.statSync(path.join(destination, "assets"));
      expect({ mode: (assets.mode & 0o7777).toString(8), uid: assets.uid }).toEqual({ mode: "750", uid: 0 });
      expect(fs.readFileSync(path.join(destination, "index.html"), "utf8")).toBe(`<h1>${h}</h1>\n`);
    }
  }, 60_000);

  it("honours file_exists_behavior for a file Landline did not install, the appspec's value winning over the deployment's", async () => {
    const group = await fleet.createGroup({ hosts: ["h1"] });
    /** Puts a foreign index.html at a fresh destination, deploys over it and returns the outcome. */
    const attempt = async (step: string, appSpecBehavior: string | null, option: "DISALLOW" | "OVERWRITE" | "RETAIN" | null) => {
      const destination = workFile(`file-exists/${step}`);
      fs.mkdirSync(destination, { recursive: true });
      fs.writeFileSync(path.join(destination, "index.html"), "old\n");
      const appSpecExtra = `${appSpecBehavior ? `file_exists_behavior: ${appSpecBehavior}\n` : ""}files:\n  - source: site\n    destination: ${destination}\n`;
      const id = await deployBundle(
        group,
        bundle({ appSpecExtra, files: [{ name: "site/index.html", body: "new\n" }] }),
        option ? { fileExistsBehavior: option } : {},
      );
      const info = await fleet.waitForDeployment(id, 30_000);
      const target = (await targetsByHost(id)).get("h1")!;
      return { id, info, target, file: path.join(destination, "index.html"), content: fs.readFileSync(path.join(destination, "index.html"), "utf8") };
    };

    const disallowed = await attempt("group-default", null, null);
    expect(disallowed.info).toMatchObject({ status: "Failed", fileExistsBehavior: "DISALLOW" });
    expect(disallowed.target).toMatchObject({ status: "Failed", failedEvent: "Install" });
    expect((await eventOf(disallowed.target.targetId, "Install")).diagnostics?.message).toContain(
      `a specified file already exists at this location: ${disallowed.file}`,
    );
    expect(disallowed.content).toBe("old\n");

    const overwritten = await attempt("overwrite", null, "OVERWRITE");
    expect(overwritten.info).toMatchObject({ status: "Succeeded", fileExistsBehavior: "OVERWRITE" });
    expect(overwritten.content).toBe("new\n");

    const retained = await attempt("retain", null, "RETAIN");
    expect(retained.info).toMatchObject({ status: "Succeeded", fileExistsBehavior: "RETAIN" });
    expect(retained.content).toBe("old\n");
    expect((await logLines(retained.id, "Install")).map((l) => l.text)).toContain(`Kept the existing file ${retained.file} (file_exists_behavior RETAIN)`);

    const appSpecOverwrites = await attempt("appspec-overwrite", "OVERWRITE", "RETAIN");
    expect(appSpecOverwrites.info.status).toBe("Succeeded");
    expect(appSpecOverwrites.content).toBe("new\n");

    const appSpecDisallows = await attempt("appspec-disallow", "DISALLOW", "OVERWRITE");
    expect(appSpecDisallows.info.status).toBe("Failed");
    expect((await eventOf(appSpecDisallows.target.targetId, "Install")).diagnostics?.message).toContain(appSpecDisallows.file);
    expect(appSpecDisallows.content).toBe("old\n");
  }, 90_000);

  it("finishes a hook through a 10-second connection cut with every log line stored once and in order, without restarting the agent", async () => {
    const agent = fleet.agents.get("h3")!;
    const pid = agent.process.pid;
    const group = await fleet.createGroup({ hosts: ["h3"] });
    const script = "for i in $(seq 1 150); do echo line-$i; sleep 0.1; done";
    const id = await deployBundle(group, bundle({ hooks: [{ event: "ApplicationStart", script, timeout: 120 }] }));
    const stdout = async () => (await logLines(id, "ApplicationStart")).filter((l) => l.stream === "stdout");
    await waitFor(async () => (await stdout()).length >= 10, { timeoutMs: 30_000, what: "the hook's first lines", intervalMs: 100 });
    const connectionsBefore = agent.output().match(/connected to \S+ as h3/g)!.length;
    const cutFrom = Date.now();
    await proxy.cut(10_000);
    const cutUntil = Date.now();

    const info = await fleet.waitForDeployment(id, 60_000);
    expect(info.status).toBe("Succeeded");
    const lines = await stdout();
    expect(lines.map((l) => l.text)).toEqual(Array.from({ length: 150 }, (_, i) => `line-${i + 1}`));
    expect(
      lines.some((l) => l.at > cutFrom + 1000 && l.at < cutUntil - 1000),
      "the hook kept writing while the connection was cut",
    ).toBe(true);
    expect(agent.process.pid).toBe(pid);
    expect(agent.process.exitCode).toBeNull();
    expect(agent.output()).toMatch(/disconnected from \S+ \(transport (close|error)\); reconnecting/);
    expect(agent.output().match(/connected to \S+ as h3/g)!.length).toBeGreaterThan(connectionsBefore);
  }, 90_000);

  it("succeeds AllAtOnce with one failing host of three", async () => {
    const group = await fleet.createGroup({ deploymentConfigName: "CodeDeployDefault.AllAtOnce" });
    const id = await deployBundle(group, bundle({ hooks: [{ event: "ApplicationStart", script: '[ "$LANDLINE_HOST_NAME" = h2 ] && exit 4\nexit 0' }] }));
    const info = await fleet.waitForDeployment(id, 30_000);
    expect(info).toMatchObject({ status: "Succeeded", errorInformation: null, deploymentOverview: { Succeeded: 2, Failed: 1, Skipped: 0 } });
    const targets = await targetsByHost(id);
    expect(HOSTS.map((h) => targets.get(h)!.status)).toEqual(["Succeeded", "Failed", "Succeeded"]);
  }, 60_000);

  // A fresh group has no healthy host, so target-order.ts deploys by host name: h1, h2, h3. With N = 3 HalfAtATime
  // needs M = 2 healthy hosts and takes one host at a time; a failure before two have succeeded fails the rest.
  it.each([
    ["Failed", "h2", ["Succeeded", "Failed", "Skipped"], { Succeeded: 1, Failed: 1, Skipped: 1 }],
    ["Succeeded", "h3", ["Succeeded", "Succeeded", "Failed"], { Succeeded: 2, Failed: 1, Skipped: 0 }],
  ] as const)(
    "ends HalfAtATime over three hosts %s when %s fails, deploying one host at a time",
    async (status, failing, statuses, overview) => {
      const group = await fleet.createGroup({ deploymentConfigName: "CodeDeployDefault.HalfAtATime" });
      const id = await deployBundle(
        group,
        bundle({ hooks: [{ event: "ApplicationStart", script: `[ "$LANDLINE_HOST_NAME" = ${failing} ] && exit 4\nexit 0` }] }),
      );
      const info = await fleet.waitForDeployment(id, 30_000);
      expect(info).toMatchObject({ status, deploymentOverview: overview });
      if (status === "Failed") expect(info.errorInformation?.code).toBe("HEALTH_CONSTRAINTS");
      const targets = await targetsByHost(id);
      expect(HOSTS.map((h) => targets.get(h)!.status)).toEqual(statuses);
      const [t1, t2] = HOSTS.map((h) => targets.get(h)!);
      expect(t2.startTime!).toBeGreaterThanOrEqual(t1.endTime!);
    },
    60_000,
  );
});

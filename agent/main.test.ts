import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import yazl from "yazl";
import { startConnectProxy } from "../server/test/connect-proxy";
import { spawnAgent, type SpawnedAgent } from "../server/test/spawn-agent";
import { REPO_ROOT } from "../server/test/spawn-server";
import { isProcessGroupAlive } from "./hook-runner";
import { startProtocolServer, type ProtocolServer } from "./test/protocol-server";
import { waitFor } from "../server/test/wait-for";
import { AGENT_VERSION } from "./version";

let tmp: string;
let server: ProtocolServer;
const agents: SpawnedAgent[] = [];

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "landline-agent-main-"));
  server = await startProtocolServer();
});

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.kill("SIGKILL");
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function start(options: Partial<Parameters<typeof spawnAgent>[0]> = {}) {
  const agent = await spawnAgent({ serverUrl: server.url, enrollToken: server.enrollToken, name: "web-1", rootDir: path.join(tmp, "root"), ...options });
  agents.push(agent);
  return agent;
}

/** Runs the agent to completion; asynchronous, because the server it talks to lives in this process. */
function runAgentToExit(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "agent/main.ts", ...args], { cwd: REPO_ROOT, timeout: 30_000 }, (error, _stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr }),
    );
  });
}

/**
 * Serves a zip of appspec.yml and the given executable scripts from the protocol server; returns the command
 * spec for one of its lifecycle events (DownloadBundle first).
 */
async function serveHookBundle(appspec: string, scripts: Record<string, string>) {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(appspec), "appspec.yml");
  for (const [name, body] of Object.entries(scripts)) zip.addBuffer(Buffer.from(body), name, { mode: 0o100755 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  const body = Buffer.concat(chunks);
  const sha256 = server.addBundle(body);
  return (commandId: string, lifecycleEvent: "DownloadBundle" | "ApplicationStart") => ({
    commandId,
    lifecycleEvent,
    deploymentId: `d-${sha256.slice(0, 9).toUpperCase()}`,
    applicationName: "shop",
    deploymentGroupName: "prod",
    deploymentGroupId: "dg-1",
    revision: { revisionId: `rev-${sha256.slice(0, 8)}`, sha256, bundleType: "zip" as const, size: body.length },
    fileExistsBehavior: "DISALLOW" as const,
    defaultHookTimeoutSeconds: 3600,
  });
}

describe("the agent program", () => {
  it("enrolls once, stores its credential privately and reuses it after a restart", async () => {
    const agent = await start({
      tags: [
        { key: "env", value: "prod" },
        { key: "role", value: "web" },
      ],
    });
    expect(agent.output()).toContain(`connected to ${server.url} as web-1`);
    expect(server.enrollments).toHaveLength(1);
    expect(server.enrollments[0]).toMatchObject({
      token: server.enrollToken,
      name: "web-1",
      tags: [
        { key: "env", value: "prod" },
        { key: "role", value: "web" },
      ],
      facts: { platform: os.platform(), agentVersion: AGENT_VERSION, rootDir: agent.rootDir },
    });
    const credentialFile = path.join(agent.rootDir, "credential.json");
    expect(fs.statSync(credentialFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(agent.rootDir).mode & 0o777).toBe(0o711);
    expect(JSON.parse(fs.readFileSync(credentialFile, "utf8"))).toEqual({
      serverUrl: server.url,
      hostId: "host-1",
      hostName: "web-1",
      credential: server.credential,
    });
    expect(agent.output()).not.toContain(server.credential);
    expect(agent.output()).not.toContain(server.enrollToken);

    const restarted = await agent.restart();
    agents.push(restarted);
    expect(server.enrollments).toHaveLength(1);
    expect(server.hellos).toHaveLength(2);
  });

  it("exits with a clear message when the enrollment token is refused", async () => {
    const result = await runAgentToExit(["--server", server.url, "--enroll", "wrong-token-0123456789", "--name", "web-1", "--root", path.join(tmp, "r")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the server refused the enrollment (401: invalid or expired enrollment token)");
  });

  it("exits with a clear message when it is not enrolled and has no token", async () => {
    const result = await runAgentToExit(["--server", server.url, "--root", path.join(tmp, "r")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("this host is not enrolled yet: start the agent with --server URL --enroll TOKEN");
  });

  it.each(["file", "stdin"] as const)("enrolls with the token from %s, and the token is not in its process list", async (enrollVia) => {
    const agent = await start({ enrollVia });
    expect(server.enrollments).toMatchObject([{ token: server.enrollToken, name: "web-1" }]);
    expect(fs.readFileSync(`/proc/${agent.process.pid}/cmdline`, "utf8")).not.toContain(server.enrollToken);
  });

  it("hides a token given on the command line from its process list once started", async () => {
    const agent = await start({ enrollVia: "argument" });
    expect(server.enrollments).toHaveLength(1);
    const cmdline = fs.readFileSync(`/proc/${agent.process.pid}/cmdline`, "utf8");
    expect(cmdline).toContain("--enroll <redacted>");
    expect(cmdline).not.toContain(server.enrollToken);
  });

  it("refuses two token sources at once, and an empty token file", async () => {
    const file = path.join(tmp, "token");
    fs.writeFileSync(file, server.enrollToken);
    const both = await runAgentToExit(["--server", server.url, "--enroll", server.enrollToken, "--enroll-file", file, "--root", path.join(tmp, "r")]);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain("give the enrollment token one way only");
    fs.writeFileSync(file, "\n");
    const empty = await runAgentToExit(["--server", server.url, "--enroll-file", file, "--root", path.join(tmp, "r")]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain(`${file} holds no enrollment token`);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "keeps its token and credential out of hooks' reach: no LANDLINE_ variables, no token in its command line, no credential for runas users (needs root)",
    async () => {
      const appspec = [
        "version: 0.0",
        "os: linux",
        "hooks:",
        "  ApplicationStart:",
        "    - location: peek.sh",
        "    - location: peek.sh",
        "      runas: nobody",
      ].join("\n");
      const peek = [
        "#!/bin/sh",
        'echo "user=$(id -un)"',
        "env | grep '^LANDLINE_' | sed 's/^/env:/'",
        "tr '\\0' ' ' < /proc/$PPID/cmdline | sed 's/^/cmdline:/'; echo",
        `cat "${path.join(tmp, "root", "credential.json")}" > /dev/null 2>&1 && echo credential=readable || echo credential=unreadable`,
      ].join("\n");
      const spec = await serveHookBundle(`${appspec}\n`, { "peek.sh": `${peek}\n` });

      fs.chmodSync(tmp, 0o711);
      await start({ enrollVia: "argument", env: { LANDLINE_AGENT_TAGS: "env=prod", LANDLINE_MAX_REVISIONS: "4" } });
      await server.sendCommand(spec("c-download", "DownloadBundle"));
      await waitFor(() => server.results.some((r) => r.commandId === "c-download"), { timeoutMs: 15_000, what: "download" });
      await server.sendCommand(spec("c-peek", "ApplicationStart"));
      await waitFor(() => server.results.some((r) => r.commandId === "c-peek"), { timeoutMs: 15_000, what: "hook result" });
      const lines = server.linesOf("c-peek").map((l) => l.text);
      const output = lines.join("\n");
      expect(
        server.results.find((r) => r.commandId === "c-peek"),
        output,
      ).toMatchObject({ status: "Succeeded" });
      expect(output).not.toContain(server.enrollToken);
      expect(output).not.toContain(server.credential);
      expect(
        lines
          .filter((l) => l.startsWith("env:"))
          .map((l) => l.split("=")[0])
          .sort(),
      ).toEqual(["env:LANDLINE_HOST_NAME", "env:LANDLINE_HOST_NAME", "env:LANDLINE_REVISION_SHA256", "env:LANDLINE_REVISION_SHA256"]);
      expect(lines.filter((l) => l.startsWith("cmdline:"))).toHaveLength(2);
      expect(lines).toEqual(expect.arrayContaining(["user=root", "user=nobody", "credential=readable", "credential=unreadable"]));
      expect(lines.indexOf("credential=unreadable")).toBeGreaterThan(lines.indexOf("user=nobody"));
    },
  );

  it("after being killed mid-hook, reports the event as FailedAfterRestart and stops the hook's processes", async () => {
    const spec = await serveHookBundle("version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n", {
      "start.sh": `#!/bin/sh\necho $$ > "${tmp}/hook.pid"\necho started\nsleep 60\n`,
    });

    const agent = await start();
    await server.sendCommand(spec("c-download", "DownloadBundle"));
    await waitFor(() => server.results.some((r) => r.commandId === "c-download"), { timeoutMs: 15_000, what: "download" });
    await server.sendCommand(spec("c-start", "ApplicationStart"));
    await waitFor(() => server.linesOf("c-start").some((l) => l.text === "started"), { timeoutMs: 15_000, what: "hook output" });
    const hookPid = Number(fs.readFileSync(path.join(tmp, "hook.pid"), "utf8"));
    await agent.kill("SIGKILL");
    expect(isProcessGroupAlive(hookPid)).toBe(true);

    const restarted = await agent.restart();
    agents.push(restarted);
    await waitFor(() => server.results.some((r) => r.commandId === "c-start"), { timeoutMs: 15_000, what: "recovered result" });
    expect(server.results.find((r) => r.commandId === "c-start")).toMatchObject({ status: "Failed", diagnostics: { errorCode: "FailedAfterRestart" } });
    expect(isProcessGroupAlive(hookPid)).toBe(false);
    expect(server.violations).toEqual([]);
  });

  it("builds into one file that runs with plain node outside the repository", async () => {
    const outfile = path.join(tmp, "standalone", "landline-agent.mjs");
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ["--import", "tsx", "agent/build.ts", outfile], { cwd: REPO_ROOT }, (error) => (error ? reject(error) : resolve())),
    );
    expect(fs.readFileSync(outfile, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const child = execFile(process.execPath, [outfile, "--server", server.url, "--enroll", server.enrollToken, "--name", "standalone-1", "--root", "data"], {
      cwd: path.dirname(outfile),
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    try {
      await waitFor(() => output.includes(`connected to ${server.url} as standalone-1`), {
        timeoutMs: 20_000,
        what: `standalone agent connection:\n${output}`,
      });
    } finally {
      child.kill("SIGKILL");
    }
  });

  it.each([
    { name: "goes through HTTP_PROXY for enrollment, the socket and downloads", noProxy: "", proxied: true },
    { name: "connects directly to a host listed in NO_PROXY", noProxy: "127.0.0.1", proxied: false },
  ])("$name", async ({ noProxy, proxied }) => {
    const proxy = await startConnectProxy();
    try {
      const proxyUrl = proxy.url;
      const body = Buffer.from("not really a zip, but enough to download");
      const sha256 = server.addBundle(body);
      await start({ env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: noProxy, no_proxy: noProxy } });
      await server.sendCommand({
        commandId: "c-download",
        lifecycleEvent: "DownloadBundle",
        deploymentId: "d-DEPLOY001",
        applicationName: "shop",
        deploymentGroupName: "prod",
        deploymentGroupId: "dg-1",
        revision: { revisionId: "rev-1", sha256, bundleType: "zip", size: body.length },
        fileExistsBehavior: "DISALLOW",
        defaultHookTimeoutSeconds: 3600,
      });
      await waitFor(() => server.results.length === 1, { timeoutMs: 15_000, what: "download result" });
      expect(server.downloads).toHaveLength(1);
      const target = new URL(server.url).host;
      expect(proxy.tunnels.length > 0).toBe(proxied);
      expect(proxy.tunnels.every((t) => t === target)).toBe(true);
      for (const request of ["POST /api/agent/enroll", "GET /socket.io/?", `GET /api/agent/bundles/${sha256}`]) {
        expect(proxy.tunnelled().includes(request)).toBe(proxied);
      }
    } finally {
      await proxy.close();
    }
  });

  it("refuses to start a second agent on the same root while the first runs, and restarts at once after a kill -9", async () => {
    const first = await start();
    const second = await runAgentToExit(["--server", server.url, "--root", first.rootDir]);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`another agent (pid ${first.process.pid}) is already running with the root ${first.rootDir}`);
    expect(server.hellos).toHaveLength(1);
    await first.kill("SIGKILL");
    const startedAt = Date.now();
    await start({ enrollToken: undefined });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  }, 60_000);

  it("takes over a lock whose pid now belongs to an unrelated process", async () => {
    const root = path.join(tmp, "root");
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, "agent.lock"), JSON.stringify({ pid: process.pid, startTime: "1" }));
    const agent = await start({ rootDir: root });
    expect(agent.output()).toContain("connected to");
  }, 60_000);

  it("keeps its version in step with package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    expect(AGENT_VERSION).toBe(pkg.version);
  });
});

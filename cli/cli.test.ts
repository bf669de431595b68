import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../server/auth/api-tokens";
import { createEnrollmentToken } from "../server/auth/enrollment-tokens";
import { findUserByEmail } from "../server/auth/users";
import { createLandlineClient, type LandlineClient } from "../server/client";
import { verifyWebhookSignature } from "../server/notifications/webhook-signature";
import { openDatabase } from "../server/storage/database";
import { spawnAgent, type SpawnedAgent } from "../server/test/spawn-agent";
import { REPO_ROOT, spawnServer, TEST_ADMIN, type SpawnedServer } from "../server/test/spawn-server";
import { startWebhookReceiver, type WebhookReceiver } from "../server/test/webhook-receiver";
import { startConnectProxy } from "../server/test/connect-proxy";
import { BILLION_LAUGHS_APPSPEC } from "../server/test/hostile-archives";
import { REVISION_UPLOAD_PATH } from "../server/contracts/revision";
import { waitFor } from "../server/test/wait-for";

const METRICS_TOKEN = "metrics-token-for-tests-0123";

let server: SpawnedServer;
let agent: SpawnedAgent;
let receiver: WebhookReceiver;
let client: LandlineClient;
let token: string;
let webhookSecret: string;
let webhookId: string;
let deliveredCount = 0;
let tmp: string;
let installDir: string;

type CliRun = { code: number | null; stdout: string; stderr: string };

/** Runs `landline` from the repository's bin launcher as a separate process, like a CI job would. */
function runCli(args: string[], env: Record<string, string> = {}, binary = path.join(REPO_ROOT, "bin", "landline.js")): Promise<CliRun> & { pid?: number } {
  const child = spawn(process.execPath, [binary, ...args], {
    cwd: tmp,
    env: { ...process.env, LANDLINE_URL: server.url, LANDLINE_TOKEN: token, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** A directory with an appspec whose hooks are the given shell script bodies. */
function writeRevisionDir(name: string, hooks: Record<string, string>, appspecOverride?: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, "scripts"), { recursive: true });
  fs.writeFileSync(path.join(dir, "index.html"), `<h1>${name}</h1>\n`);
  const hookLines: string[] = [];
  for (const [event, body] of Object.entries(hooks)) {
    const script = `scripts/${event}.sh`;
    fs.writeFileSync(path.join(dir, script), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    hookLines.push(`  ${event}:`, `    - location: ${script}`, "      timeout: 120");
  }
  const appspec =
    appspecOverride ??
    [
      "version: 0.0",
      "os: linux",
      "files:",
      "  - source: index.html",
      `    destination: ${installDir}`,
      "file_exists_behavior: OVERWRITE",
      ...(hookLines.length ? ["hooks:", ...hookLines] : []),
    ].join("\n");
  fs.writeFileSync(path.join(dir, "appspec.yml"), `${appspec}\n`);
  return dir;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "landline-cli-"));
  installDir = path.join(tmp, "installed");
  receiver = await startWebhookReceiver((n) => (n === 0 ? 500 : 200));
  server = await spawnServer({
    env: { LANDLINE_METRICS_TOKEN: METRICS_TOKEN, LANDLINE_WEBHOOK_RETRY_SECONDS: "0.5,0.5", LANDLINE_PUBLIC_URL: "https://deploy.example.com" },
  });
  const db = openDatabase(path.join(server.dataDir, "landline.db"));
  try {
    const admin = findUserByEmail(db, TEST_ADMIN.email)!;
    token = createApiToken(db, { userId: admin.id, role: admin.role }, { name: "cli tests" }, Date.now()).token;
    const enroll = createEnrollmentToken(
      db,
      { name: "cli tests", expiresHours: 1, maxUses: 1, tags: [], allowHostTags: true, requireApproval: false, createdBy: null },
      Date.now(),
    );
    client = createLandlineClient({ url: server.url, token });
    await client.applications.create.mutate({ applicationName: "shop" });
    await client.deploymentGroups.create.mutate({
      applicationName: "shop",
      deploymentGroupName: "prod",
      deploymentConfigName: "CodeDeployDefault.AllAtOnce",
      onPremisesTagSet: [[{ key: "env", value: "prod", type: "KEY_AND_VALUE" }]],
    });
    const created = await client.webhooks.create.mutate({
      applicationName: "shop",
      deploymentGroupName: "prod",
      name: "ci-hook",
      url: receiver.url,
      events: ["DeploymentStart", "DeploymentSuccess", "DeploymentFailure", "DeploymentStop", "InstanceFailure"],
      format: "json",
    });
    webhookSecret = created.secret;
    webhookId = created.webhook.id;
    agent = await spawnAgent({ serverUrl: server.url, enrollToken: enroll.token, name: "web-1", tags: [{ key: "env", value: "prod" }] });
  } finally {
    db.$client.close();
  }
});

afterAll(async () => {
  await agent?.kill();
  await server?.kill();
  await receiver?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("landline push", () => {
  it("refuses a bad appspec locally, naming file, line and field, and uploads nothing", async () => {
    const dir = writeRevisionDir(
      "bad",
      {},
      ["version: 0.0", "os: linux", "hooks:", "  AfterInstall:", "    - location: scripts/missing.sh", "      timeout: 0"].join("\n"),
    );
    const run = await runCli(["push", dir, "--app", "shop"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`${path.join(dir, "appspec.yml")}:6:16 hooks.AfterInstall[0].timeout: timeout must be greater than 0`);
    expect(run.stderr).toContain("nothing was uploaded");

    const json = await runCli(["--json", "push", dir, "--app", "shop"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { exitCode: 2, details: [expect.stringContaining("appspec.yml:6:16")] } });
    expect((await client.revisions.list.query({ applicationName: "shop" })).items).toEqual([]);
  });

  it("refuses a YAML alias bomb like any bad appspec: file, line and field, exit 2, nothing uploaded", async () => {
    const dir = writeRevisionDir("laughs", {}, BILLION_LAUGHS_APPSPEC);
    const run = await runCli(["push", dir, "--app", "shop"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(dir, "appspec.yml")}:5:10 hooks.b[0]: the appspec expands aliases`);
    expect(run.stderr).not.toMatch(/ReferenceError|Excessive alias count/);
    expect((await client.revisions.list.query({ applicationName: "shop" })).items).toEqual([]);
  });

  it("uploads a directory and prints the revision id and sha256, as JSON with --json", async () => {
    const dir = writeRevisionDir("plain", {});
    const run = await runCli(["push", dir, "--app", "shop", "--description", "first"]);
    expect(run.code).toBe(0);
    const id = /revision (r-[A-Z0-9]{9})/.exec(run.stdout)?.[1];
    const sha = /sha256 ([0-9a-f]{64})/.exec(run.stdout)?.[1];
    const stored = await client.revisions.get.query({ revisionId: id! });
    expect(stored).toMatchObject({ sha256: sha, description: "first", bundleType: "tgz" });

    const again = await runCli(["--json", "push", dir, "--app", "shop", "--format", "zip"]);
    expect(again.code).toBe(0);
    const parsed = JSON.parse(again.stdout) as { revisionId: string; sha256: string; bundleType: string; created: boolean };
    expect(parsed).toMatchObject({
      revisionId: expect.stringMatching(/^r-/),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      bundleType: "zip",
      created: true,
    });
  });
});

describe("landline deploy --wait", () => {
  it("exits 0 when the deployment succeeds and prints the per-host summary", async () => {
    const dir = writeRevisionDir("good", { AfterInstall: 'echo "installed fine"', ValidateService: "test -f " + path.join(installDir, "index.html") });
    const run = await runCli(["deploy", "--app", "shop", "--group", "prod", "--dir", dir, "--wait", "--timeout", "90s"]);
    expect(run.stderr).toMatch(/web-1\s+Succeeded/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Deployment d-[A-Z0-9]{9} Succeeded/);
    expect(run.stdout).toMatch(/HOST\s+STATUS\s+EVENT\s+DURATION/);
    expect(run.stdout).toMatch(/web-1\s+Succeeded/);
    expect(fs.readFileSync(path.join(installDir, "index.html"), "utf8")).toBe("<h1>good</h1>\n");
  });

  it("exits 3 when a hook fails and shows the failing event, error code and last output lines", async () => {
    const dir = writeRevisionDir("broken", { AfterInstall: 'echo "migrating schema"\necho "boom: table missing" >&2\nexit 7' });
    const run = await runCli(["--json", "deploy", "--app", "shop", "--group", "prod", "--dir", dir, "--wait"]);
    expect(run.code).toBe(3);
    const result = JSON.parse(run.stdout) as {
      deployment: { status: string; deploymentId: string };
      failures: { hostName: string; lifecycleEvent: string; errorCode: string; lastLines: string[] }[];
      exitCode: number;
    };
    expect(result.deployment.status).toBe("Failed");
    expect(result.exitCode).toBe(3);
    expect(result.failures).toEqual([expect.objectContaining({ hostName: "web-1", lifecycleEvent: "AfterInstall", errorCode: "ScriptFailed" })]);
    expect(result.failures[0].lastLines).toEqual(expect.arrayContaining(["migrating schema", "boom: table missing"]));

    const human = await runCli(["deployments", "get", result.deployment.deploymentId]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("web-1 failed in AfterInstall (ScriptFailed)");
    expect(human.stdout).toContain("| boom: table missing");
  });

  it("exits 4 when the deployment is stopped while it waits, and 5 when --timeout passes first", async () => {
    const dir = writeRevisionDir("slow", { ApplicationStart: "sleep 60" });
    const waiting = runCli(["deploy", "--app", "shop", "--group", "prod", "--dir", dir, "--wait"]);
    const running = await waitFor(
      async () => {
        const { items } = await client.deployments.list.query({ applicationName: "shop", status: "InProgress" });
        if (items.length === 0) return null;
        const targets = await client.deployments.listTargets.query({ deploymentId: items[0].deploymentId });
        return targets[0]?.currentEvent === "ApplicationStart" ? items[0] : null;
      },
      { timeoutMs: 30_000, what: "the deployment to reach ApplicationStart", intervalMs: 200 },
    );
    const stop = await runCli(["deployments", "stop", running.deploymentId, "--no-rollback"]);
    expect(stop.code).toBe(0);
    const run = await waiting;
    expect(run.code).toBe(4);
    expect(run.stdout).toContain(`Deployment ${running.deploymentId} Stopped`);

    const timedOut = await runCli(["--json", "deploy", "--app", "shop", "--group", "prod", "--dir", dir, "--wait", "--timeout", "2s"]);
    expect(timedOut.code).toBe(5);
    const result = JSON.parse(timedOut.stdout) as { deployment: { deploymentId: string; status: string }; timedOut: boolean };
    expect(result.timedOut).toBe(true);
    expect(["Created", "Queued", "InProgress"]).toContain(result.deployment.status);
    const stopped = await runCli(["deployments", "stop", result.deployment.deploymentId, "--no-rollback", "--wait"]);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain("Stopped");
  });
});

describe("listing commands", () => {
  it("print valid JSON with --json and tables otherwise", async () => {
    const deployments = await runCli(["--json", "deployments", "list", "--app", "shop"]);
    expect(deployments.code).toBe(0);
    const list = JSON.parse(deployments.stdout) as { status: string }[];
    expect(list.map((d) => d.status).sort()).toEqual(["Failed", "Stopped", "Stopped", "Succeeded"]);
    const hosts = await runCli(["--json", "hosts", "list"]);
    expect(JSON.parse(hosts.stdout)).toEqual([expect.objectContaining({ hostName: "web-1", status: "Online" })]);
    const apps = await runCli(["--json", "apps", "list"]);
    expect(JSON.parse(apps.stdout)).toEqual([expect.objectContaining({ applicationName: "shop" })]);
    const revisions = await runCli(["--json", "revisions", "list", "--app", "shop"]);
    expect((JSON.parse(revisions.stdout) as unknown[]).length).toBeGreaterThanOrEqual(4);

    const table = await runCli(["deployments", "list", "--app", "shop", "--status", "Failed"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^DEPLOYMENT\s+STATUS\s+APP\/GROUP/);
    expect(table.stdout).toMatch(/d-[A-Z0-9]{9}\s+Failed\s+shop\/prod/);
  });

  it("exits 1 with a clear message when the token is wrong", async () => {
    const run = await runCli(["apps", "list"], { LANDLINE_TOKEN: "llt_wrong" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refused the API token");
  });
});

describe("webhook notifications through the real server", () => {
  it("delivered each subscribed event in order, signed, retried the refused first one, and nothing unsubscribed", async () => {
    // Four deployments (succeeded, failed, stopped twice) make at least 9 deliveries; wait until all are done.
    const deliveries = await waitFor(
      async () => {
        const page = await client.webhooks.deliveries.query({ webhookId, limit: 200 });
        return page.items.length >= 9 && page.items.every((d) => d.status === "succeeded") ? page.items : null;
      },
      { timeoutMs: 30_000, what: "9 succeeded webhook deliveries", intervalMs: 200 },
    );
    deliveredCount = deliveries.length;
    expect(deliveries.filter((d) => d.attempts === 2)).toHaveLength(1);
    expect(receiver.received).toHaveLength(deliveries.length + 1);
    const events = receiver.received.map((r) => ({
      event: r.headers["landline-event"] as string,
      delivery: r.headers["landline-delivery"] as string,
      body: JSON.parse(r.body) as { deploymentId: string },
    }));
    for (const r of receiver.received) expect(verifyWebhookSignature(webhookSecret, r.body, r.headers["landline-signature"] as string)).toBe(true);
    expect(events.map((e) => e.event)).not.toContain("InstanceStart");
    expect(events.map((e) => e.event)).not.toContain("InstanceSuccess");
    // The receiver refused the very first request; the same delivery came again.
    expect(events.filter((e) => e.delivery === events[0].delivery).length).toBe(2);
    const firstAttempts = events.filter((e, i) => events.findIndex((x) => x.delivery === e.delivery) === i);
    const byDeployment = new Map<string, string[]>();
    for (const e of firstAttempts) byDeployment.set(e.body.deploymentId, [...(byDeployment.get(e.body.deploymentId) ?? []), e.event]);
    const sequences = [...byDeployment.values()];
    expect(sequences).toContainEqual(["DeploymentStart", "DeploymentSuccess"]);
    expect(sequences).toContainEqual(["DeploymentStart", "InstanceFailure", "DeploymentFailure"]);
    expect(sequences.filter((s) => s[0] === "DeploymentStart" && s[s.length - 1] === "DeploymentStop")).toHaveLength(2);
  });
});

describe("/metrics after deployments", () => {
  it("refuses a scrape without the token and reports deployments, durations, agents and logs with it", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (series: string) =>
      Number(
        text
          .split("\n")
          .find((l) => l.startsWith(`${series} `))
          ?.split(" ")[1] ?? NaN,
      );
    expect(value('landline_deployments{status="Succeeded"}')).toBe(1);
    expect(value('landline_deployments{status="Failed"}')).toBe(1);
    expect(value('landline_deployments{status="Stopped"}')).toBe(2);
    expect(value('landline_hosts{status="online"}')).toBe(1);
    expect(value('landline_deployment_duration_seconds_count{status="Succeeded"}')).toBe(1);
    expect(value('landline_deployment_duration_seconds_count{status="Failed"}')).toBe(1);
    expect(value('landline_lifecycle_event_duration_seconds_count{event="AfterInstall",status="Failed"}')).toBe(1);
    // The good revision's AfterInstall, plus the two stopped deployments' AfterInstall with no scripts to run.
    expect(value('landline_lifecycle_event_duration_seconds_count{event="AfterInstall",status="Succeeded"}')).toBe(3);
    expect(value("landline_agent_connects_total")).toBe(1);
    expect(value("landline_log_lines_ingested_total")).toBeGreaterThanOrEqual(3);
    expect(value('landline_webhook_deliveries_total{outcome="retrying"}')).toBe(1);
    expect(value('landline_webhook_deliveries_total{outcome="succeeded"}')).toBe(deliveredCount);
    expect(value('landline_http_requests_total{method="POST",route="/api/revisions",status="201"}')).toBeGreaterThanOrEqual(4);
    expect(value('landline_trpc_requests_total{procedure="deployments.create",type="mutation",ok="true"}')).toBe(4);
  });
});

describe("GET /api/cli/download", () => {
  it("needs a token and serves a single-file CLI that runs without the repository", async () => {
    expect((await fetch(`${server.url}/api/cli/download`)).status).toBe(401);
    const res = await fetch(`${server.url}/api/cli/download`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "landline-cli-only-")), "landline.mjs");
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const run = await runCli(["--json", "apps", "list"], {}, file);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ applicationName: "shop" })]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

describe("landline deploy --wait across a server restart", () => {
  it("keeps waiting while the server restarts and still reports the outcome", async () => {
    const dir = writeRevisionDir("restart", { ApplicationStart: "sleep 4" });
    const waiting = runCli(["deploy", "--app", "shop", "--group", "prod", "--dir", dir, "--wait", "--timeout", "90s"]);
    await waitFor(
      async () => {
        const { items } = await client.deployments.list.query({ applicationName: "shop", status: "InProgress" });
        if (items.length === 0) return null;
        const targets = await client.deployments.listTargets.query({ deploymentId: items[0].deploymentId });
        return targets[0]?.currentEvent === "ApplicationStart" ? true : null;
      },
      { timeoutMs: 30_000, what: "the deployment to reach ApplicationStart", intervalMs: 200 },
    );
    await server.kill();
    server = await server.restart();
    const run = await waiting;
    expect(run.stderr).toContain("Lost contact with");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Deployment d-[A-Z0-9]{9} Succeeded/);
  });
});

describe("landline behind a proxy", () => {
  it("sends its API calls, the upload and the live watch through HTTPS_PROXY, and nothing around it", async () => {
    const proxy = await startConnectProxy();
    try {
      const dir = writeRevisionDir("proxied", { ValidateService: "true" });
      const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, https_proxy: proxy.url, http_proxy: proxy.url, NO_PROXY: "", no_proxy: "" };
      const run = await runCli(["deploy", "--app", "shop", "--group", "prod", "--dir", dir, "--wait", "--timeout", "90s"], env);
      expect(run.stderr).not.toMatch(/Cannot reach/);
      expect(run.code).toBe(0);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(proxy.tunnels.every((t) => t === new URL(server.url).host)).toBe(true);
      for (const request of ["/api/trpc/", `POST ${REVISION_UPLOAD_PATH}?`, "GET /socket.io/?"]) expect(proxy.tunnelled()).toContain(request);
    } finally {
      await proxy.close();
    }
  });
});

describe("terminal escapes from hooks, tags and descriptions", () => {
  const hostile = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x1b[31mred\x1b[0m";
  /** Everything but colour (SGR) is a control sequence or character the CLI must not pass on. */
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const withoutColours = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const expectNoControls = (text: string) => expect(withoutColours(text)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);

  it("prints them without control sequences but keeps colours, --json keeps them exact, and a normal deployment still succeeds", async () => {
    await client.hosts.updateTags.mutate({
      hostName: "web-1",
      tags: [
        { key: "env", value: "prod" },
        { key: "note", value: hostile },
      ],
    });
    try {
      const hosts = await runCli(["hosts", "list"]);
      expect(hosts.code).toBe(0);
      expectNoControls(hosts.stdout);
      expect(hosts.stdout).toContain("note=click \x1b[31mred\x1b[0m");
      const hostsJson = await runCli(["--json", "hosts", "list"]);
      expect((JSON.parse(hostsJson.stdout) as { tags: { value: string }[] }[])[0].tags).toContainEqual({ key: "note", value: hostile });

      const dir = writeRevisionDir("hostile", { AfterInstall: 'cat "$(dirname "$0")/hostile.txt"\nexit 9' });
      fs.writeFileSync(path.join(dir, "scripts", "hostile.txt"), `${hostile}\n`);
      const watched = await runCli([
        "deploy",
        "--app",
        "shop",
        "--group",
        "prod",
        "--dir",
        dir,
        "--description",
        `evil ${hostile}`,
        "--wait",
        "--timeout",
        "90s",
      ]);
      expect(watched.code).toBe(3);
      expectNoControls(watched.stdout);
      expectNoControls(watched.stderr);
      expect(watched.stdout).toContain("| click \x1b[31mred\x1b[0m");

      const { items } = await client.deployments.list.query({ applicationName: "shop", limit: 1 });
      const human = await runCli(["deployments", "get", items[0].deploymentId]);
      expect(human.code).toBe(0);
      expectNoControls(human.stdout);
      expect(human.stdout).toContain("| click \x1b[31mred\x1b[0m");
      const json = await runCli(["--json", "deployments", "get", items[0].deploymentId]);
      expect((JSON.parse(json.stdout) as { failures: { lastLines: string[] }[] }).failures[0].lastLines).toContain(hostile);
    } finally {
      await client.hosts.updateTags.mutate({ hostName: "web-1", tags: [{ key: "env", value: "prod" }] });
    }

    const normal = await runCli([
      "deploy",
      "--app",
      "shop",
      "--group",
      "prod",
      "--dir",
      writeRevisionDir("after-hostile", { ValidateService: "true" }),
      "--wait",
      "--timeout",
      "90s",
    ]);
    expect(normal.code).toBe(0);
    expect(normal.stdout).toMatch(/Deployment d-[A-Z0-9]{9} Succeeded/);
    // Six CLI processes and two deployments: more than the default limit on a busy machine.
  }, 240_000);
});
